"""Search queries: the syntax subscribers type, and the Tantivy query it becomes.

Syntax: words (all must match), "exact phrases", AND, OR, NOT or a leading `-`,
parentheses, `field:value` or `field:"a phrase"`, and `prefix*`. Fields are
headline, summary, body, person, organisation, place, topic, product, language,
type and urgency. The caller's plan becomes filter clauses of the same query
(see `filters.entitlement`), so hits, counts and facets come from entitled items only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import tantivy

from newswire.errors import Invalid
from newswire.search.filters import product_filter, term_filter
from newswire.search.schema import (
    FAMILIES,
    KEYWORD,
    SCHEMA,
    analyzer,
    family_of,
    normalize,
    pairs_field,
    text_field,
    word_pairs,
)

__all__ = ["FIELDS", "Bool", "Not", "Word", "compile_query", "parse"]

TEXT_FIELDS = ("headline", "summary", "body")
KEYWORD_FIELDS = ("person", "organisation", "place", "topic")
EXACT_FIELDS = {"product": "products", "language": "language", "type": "type"}
FIELDS = (*TEXT_FIELDS, *KEYWORD_FIELDS, *EXACT_FIELDS, "urgency")
_BOOST = {"headline": 3.0, "summary": 2.0, "body": 1.0}
MAX_QUERY = 1000
MAX_CLAUSES = 40
MAX_DEPTH = 20  # nested brackets and NOTs; deeper would exhaust the parser's stack
_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])|(?P<sign>[-+])(?=[^\s()])"
    r'|(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s()"]+)))'
)


@dataclass(frozen=True)
class Word:
    """A word, `prefix*` or "phrase", in one field or (field None) in the text."""

    text: str
    field: str | None = None
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    """Excludes what its node matches."""

    node: Node


@dataclass(frozen=True)
class Bool:
    """All (`and`) or any (`or`) of its nodes."""

    op: Literal["and", "or"]
    nodes: tuple[Node, ...]


Node = Word | Not | Bool
_Token = tuple[str, str | Word]


def _tokens(q: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(q):
        if m.group("paren") or m.group("sign"):
            tokens.append(("op", m.group("paren") or m.group("sign")))
            continue
        field, phrase, word = m.group("field"), m.group("phrase"), m.group("word")
        if phrase is None and word is None:
            continue
        text = phrase if phrase is not None else word
        if field and field.lower() not in FIELDS:
            text, field = f"{field}:{text}", None  # a URL or a colon in a word
        if field is None and phrase is None and word in ("AND", "OR", "NOT"):
            tokens.append(("op", word))
            continue
        prefix = phrase is None and text.endswith("*") and len(text.rstrip("*")) > 0
        text = text.rstrip("*") if prefix else text
        tokens.append(
            ("word", Word(text, field.lower() if field else None, phrase is not None, prefix))
        )
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.pos, self.clauses, self.depth = tokens, 0, 0, 0

    def peek(self) -> str | None:
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "op":
            return str(self.tokens[self.pos][1])
        return None

    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def any_of(self) -> Node | None:
        nodes = [self.all_of()]
        while self.peek() == "OR":
            self.pos += 1
            nodes.append(self.all_of())
        kept = tuple(n for n in nodes if n is not None)
        return kept[0] if len(kept) == 1 else (Bool("or", kept) if kept else None)

    def all_of(self) -> Node | None:
        nodes: list[Node] = []
        while not self.done() and self.peek() not in ("OR", ")"):
            if self.peek() == "AND":
                self.pos += 1
                continue
            node = self.unary()
            if node is not None:
                nodes.append(node)
        return nodes[0] if len(nodes) == 1 else (Bool("and", tuple(nodes)) if nodes else None)

    def unary(self) -> Node | None:
        self.depth += 1
        try:
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> Node | None:
        if self.depth > MAX_DEPTH:
            raise Invalid(f"q: brackets and NOTs may nest at most {MAX_DEPTH} deep")
        op = self.peek()
        if op in ("NOT", "-", "+"):
            self.pos += 1
            node = self.unary() if not self.done() else None
            return Not(node) if node is not None and op != "+" else node
        if op == "(":
            self.pos += 1
            node = self.any_of()
            if self.peek() == ")":
                self.pos += 1
            return node
        if op is not None:  # a stray ')' or a trailing AND/OR
            self.pos += 1
            return None
        token = self.tokens[self.pos][1]
        self.pos += 1
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise Invalid(f"q: at most {MAX_CLAUSES} words and phrases in one search")
        assert isinstance(token, Word)
        return token


def parse(q: str) -> Node | None:
    """The query's syntax tree; None when it holds no words (then every item matches)."""
    if len(q) > MAX_QUERY:
        raise Invalid(f"q: a search may be at most {MAX_QUERY} characters long")
    parser = _Parser(_tokens(q))
    node = parser.any_of()
    while not parser.done():  # text after an unmatched ')'
        more = parser.any_of() if parser.peek() != ")" else None
        parser.pos += 1 if more is None else 0
        node = Bool("and", (node, more)) if node and more else (node or more)
    return node


@dataclass(frozen=True)
class _Scope:
    families: tuple[str, ...]
    body: bool
    products: frozenset[str] | None
    pairs: bool


def compile_query(
    node: Node,
    languages: frozenset[str],
    body: bool,
    products: frozenset[str] | None = None,
    *,
    pairs: bool = True,
) -> tantivy.Query:
    """The Tantivy query for a syntax tree.

    It searches the text of `languages` (all when empty), the body only when `body`
    (a summary view never matches body text), and `product:` only among `products`
    (when given): an item's other products are not the caller's business. Phrases
    search the word-pair fields; `pairs=False` keeps them on the text fields, the
    form snippets highlight (they match the same items).
    """
    families = tuple(sorted({family_of(lang) for lang in languages})) or tuple(FAMILIES)
    return _compile(node, _Scope(families, body, products, pairs))


def _compile(node: Node, scope: _Scope) -> tantivy.Query:
    if isinstance(node, Word):
        return _word(node, scope)
    if isinstance(node, Not):
        return _bool([(tantivy.Occur.Must, tantivy.Query.all_query()), _not(node, scope)])
    if node.op == "or":
        return _bool([(tantivy.Occur.Should, _compile(n, scope)) for n in node.nodes])
    clauses = [
        _not(n, scope) if isinstance(n, Not) else (tantivy.Occur.Must, _compile(n, scope))
        for n in node.nodes
    ]
    if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return _bool(clauses)


def _not(node: Not, scope: _Scope) -> tuple[tantivy.Occur, tantivy.Query]:
    return tantivy.Occur.MustNot, _compile(node.node, scope)


def _bool(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    return tantivy.Query.boolean_query(clauses)


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    return _bool([(tantivy.Occur.Should, q) for q in queries])


def _word(word: Word, scope: _Scope) -> tantivy.Query:
    if word.field is None or word.field in TEXT_FIELDS:
        if word.field == "body" and not scope.body:
            raise Invalid("q: your plan shows summaries, so body text cannot be searched")
        parts = (
            (word.field,)
            if word.field
            else tuple(p for p in TEXT_FIELDS if scope.body or p != "body")
        )
        queries = [
            _text(word, part, family, scope.pairs) for family in scope.families for part in parts
        ]
        if word.field is None:
            queries.append(_text(word, "tags", "xx", False))
        kept = [(tantivy.Occur.Should, q) for q in queries if q is not None]
        return _bool(kept) if kept else tantivy.Query.empty_query()
    if word.field in KEYWORD_FIELDS:
        value = analyzer(KEYWORD).analyze(normalize(word.text))[0]
        if word.prefix:
            return tantivy.Query.regex_query(SCHEMA, word.field, re.escape(value) + ".*")
        return tantivy.Query.term_query(SCHEMA, word.field, value)
    if word.field == "urgency":
        if not word.text.isdigit():
            raise Invalid(f"q: urgency takes a number from 1 to 9, not {word.text!r}")
        return tantivy.Query.term_query(SCHEMA, "urgency", int(word.text))
    if word.field == "product" and scope.products is not None:
        return product_filter([word.text], scope.products)
    return term_filter(EXACT_FIELDS[word.field], [word.text])


def _text(word: Word, part: str, family: str, pairs: bool) -> tantivy.Query | None:
    name = "tags" if part == "tags" else text_field(part, family)
    boost = _BOOST.get(part, 1.5)
    if word.prefix:
        stems = analyzer(f"text_{family}").analyze(normalize(word.text))
        folds = analyzer("text_xx").analyze(normalize(word.text))
        if len(folds) != 1 or len(folds[0]) < 2:
            raise Invalid(
                f"q: a prefix search takes one word of two letters or more: {word.text!r}"
            )
        # The unstemmed prefix and its stem: "elections*" still finds the stem "elect".
        prefixes = sorted({*stems[:1], folds[0]})
        queries = [tantivy.Query.phrase_prefix_query(SCHEMA, name, [p]) for p in prefixes]
        query = queries[0] if len(queries) == 1 else _any(queries)
        return tantivy.Query.boost_query(query, boost)
    tokens = analyzer(f"text_{family}").analyze(normalize(word.text))
    if not tokens:
        return None
    if len(tokens) == 1:
        query = tantivy.Query.term_query(SCHEMA, name, tokens[0])
    elif pairs:  # "a b c" is the pairs a_b then b_c, next to each other
        joined = word_pairs(tokens)
        twin = pairs_field(part, family)
        query = (
            tantivy.Query.term_query(SCHEMA, twin, joined[0])
            if len(joined) == 1
            else tantivy.Query.phrase_query(SCHEMA, twin, list[str | tuple[int, str]](joined))
        )
    else:
        query = tantivy.Query.phrase_query(SCHEMA, name, list[str | tuple[int, str]](tokens))
    return tantivy.Query.boost_query(query, boost)
