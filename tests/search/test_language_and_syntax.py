"""Analysis and query syntax, against a real index built through the index functions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tantivy

from newswire.errors import Invalid
from newswire.model import Item, ItemState
from newswire.search.index import (
    IndexWriter,
    WriterBusy,
    new_generation,
    publish_generation,
)
from newswire.search.query import compile_query, parse
from newswire.search.results import run_search
from newswire.search.schema import SCHEMA, analyzer, pairs_field

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
DOCS: dict[str, tuple[str, str, str]] = {
    # uri: (language, headline, body)
    "tr1": ("tr", "İstanbul'da kitaplar yandı", "Belediye açıklama yaptı."),
    "tr2": ("tr", "Ankara'dan yeni karar", "Meclis toplandı."),
    "ar1": ("ar", "افتتاح المدرسة الجديدة", "قال الوزير إن الطلاب سعداء."),
    "fr1": ("fr", "Les élections municipales reportées", "Le gouvernement a décidé."),
    "de1": ("de", "Regierungen beraten über Wahlen", "Die Minister trafen sich."),
    "es1": ("es", "Las elecciones generales", "El presidente habló."),
    "ru1": ("ru", "Правительства обсуждают бюджет", "Министры встретились."),
    "en1": ("en", "Central bank raises interest rates", "The bank said inflation was high."),
    "en2": ("en", "Rates unchanged at the central bank", "Markets rallied after the decision."),
    "en3": ("en", "Football club wins the cup", "Fans celebrated in the streets of the capital."),
    "sv1": ("sv", "Regeringen avgår", "Statsministern meddelade beslutet."),
}


def _state(uri: str, language: str, headline: str, body: str) -> ItemState:
    item = Item.model_validate(
        {
            "uri": f"urn:t:{uri}",
            "type": "text",
            "language": language,
            "versionCreated": NOW.isoformat(),
            "headlines": [{"role": "main", "value": headline}],
            "bodies": [{"role": "main", "value": f"<p>{body}</p>"}],
        }
    )
    return ItemState(item=item, version=1, products=frozenset({"p"}), released_at=NOW)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("index")
    generation = new_generation(directory, first=True)
    publish_generation(directory, generation)
    writer = IndexWriter(generation)
    for uri, (language, headline, body) in DOCS.items():
        writer.replace(_state(uri, language, headline, body), NOW)
    writer.commit(len(DOCS))
    with pytest.raises(WriterBusy):
        IndexWriter(generation)  # one writer per index, even in one process
    yield directory
    writer.close()


def found(index_dir: Path, q: str, *, languages: frozenset[str] = frozenset()) -> set[str]:
    node = parse(q)
    assert node is not None
    query = compile_query(node, languages, body=True)
    plain = compile_query(node, languages, body=True, pairs=False)
    results = run_search(
        index_dir, query, plain, sort="relevance", limit=50, offset=0, snippet_parts=()
    )
    assert results.total == len(results.hits)
    # Phrases on the word-pair fields find what phrases on the text fields find.
    on_text = run_search(
        index_dir, plain, plain, sort="relevance", limit=50, offset=0, snippet_parts=()
    )
    assert {hit.uri for hit in on_text.hits} == {hit.uri for hit in results.hits}
    return {hit.uri.removeprefix("urn:t:") for hit in results.hits}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kitap", {"tr1"}),  # Turkish: kitaplar -> kitap
        ("istanbul", {"tr1"}),  # İstanbul'da, typed without the dot and the suffix
        ("İSTANBUL", {"tr1"}),
        ("ankara", {"tr2"}),  # Ankara'dan
        ("mecliste", {"tr2"}),  # Meclis, with a locative suffix
        ("kararlar", {"tr2"}),
        ("مدرسة", {"ar1"}),  # Arabic: the article-bearing المدرسة
        ("election", {"fr1"}),  # French: élections, typed without the accent
        ("élection", {"fr1"}),
        ("Regierung", {"de1"}),  # German plural
        ("elección", {"es1"}),
        ("правительство", {"ru1"}),  # Russian: Правительства
        ("regeringen", {"sv1"}),  # no stemmer: the plain field still matches whole words
        ("regering", set()),
    ],
)
def test_each_language_is_stemmed_by_its_own_rules(
    index_dir: Path, q: str, expected: set[str]
) -> None:
    assert found(index_dir, q) == expected


def test_a_language_restriction_searches_only_that_language(index_dir: Path) -> None:
    assert found(index_dir, "bank") == {"en1", "en2"}
    assert found(index_dir, "bank", languages=frozenset({"en-GB"})) == {"en1", "en2"}
    assert found(index_dir, "bank", languages=frozenset({"fr", "tr"})) == set()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("central bank", {"en1", "en2"}),  # all words must match
        ('"central bank raises"', {"en1"}),
        ('"bank central"', set()),
        ('"central bank"', {"en1", "en2"}),  # one word pair
        ('"the central bank"', {"en2"}),
        ('"interest rates" OR "rates unchanged"', {"en1", "en2"}),
        ('"rates" "central bank"', {"en1", "en2"}),
        ('"bank said inflation was high"', {"en1"}),
        ('"bank said inflation was low"', set()),
        ('"kitaplar yandı"', {"tr1"}),  # Turkish pairs are stemmed pairs
        ('"yandı kitaplar"', set()),
        ('"élections municipales"', {"fr1"}),
        ('"elections municipales"', {"fr1"}),  # folded like single words
        ('body:"statsministern meddelade"', {"sv1"}),
        ('"raises interest rates inflation"', set()),  # headline and body are not one text
        ("rates AND unchanged", {"en2"}),
        ("football OR inflation", {"en1", "en3"}),
        ("bank NOT unchanged", {"en1"}),
        ("bank -unchanged", {"en1"}),
        ("(football OR markets) AND capital", {"en3"}),
        ("headline:bank", {"en1", "en2"}),
        ("body:bank", {"en1"}),
        ('headline:"interest rates"', {"en1"}),
        ("infla*", {"en1"}),
        ("celebr*", {"en3"}),
        ("language:fr", {"fr1"}),
        ("type:text -language:en -language:tr -language:ar", {"fr1", "de1", "es1", "ru1", "sv1"}),
        ("NOT language:en AND kitap", {"tr1"}),
        ("http://example.com/x", set()),  # a colon that is not a field
        ("bank AND", {"en1", "en2"}),  # trailing operators are forgiven
        ("(bank", {"en1", "en2"}),
    ],
)
def test_query_syntax(index_dir: Path, q: str, expected: set[str]) -> None:
    assert found(index_dir, q) == expected


def test_the_index_holds_word_pairs_for_phrases(index_dir: Path) -> None:
    pair = tantivy.Query.term_query(SCHEMA, pairs_field("headline", "en"), "central_bank")
    results = run_search(
        index_dir, pair, None, sort="relevance", limit=5, offset=0, snippet_parts=()
    )
    assert {hit.uri for hit in results.hits} == {"urn:t:en1", "urn:t:en2"}
    stems = "_".join(analyzer("text_tr").analyze("kitaplar yandı"))  # kitap_ya
    turkish = tantivy.Query.term_query(SCHEMA, pairs_field("headline", "tr"), stems)
    assert run_search(
        index_dir, turkish, None, sort="relevance", limit=5, offset=0, snippet_parts=()
    ).hits


def test_summary_scope_leaves_the_body_out(index_dir: Path) -> None:
    node = parse("inflation")
    assert node is not None
    query = compile_query(node, frozenset(), body=False)
    results = run_search(
        index_dir, query, query, sort="relevance", limit=5, offset=0, snippet_parts=()
    )
    assert results.total == 0
    with pytest.raises(Invalid):
        compile_query(parse("body:inflation") or parse("x"), frozenset(), body=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("q", ["a*", "x" * 1001, " ".join(["w"] * 41), "urgency:soon"])
def test_unusable_queries_are_refused_with_a_reason(q: str) -> None:
    with pytest.raises(Invalid):
        node = parse(q)
        assert node is not None
        compile_query(node, frozenset(), body=True)


def test_empty_queries_match_everything() -> None:
    assert parse("") is None
    assert parse("  AND ( ) ") is None


def test_snippets_escape_markup_and_mark_matches(index_dir: Path) -> None:
    node = parse("kitap")
    assert node is not None
    query = compile_query(node, frozenset(), body=True)
    results = run_search(
        index_dir,
        query,
        query,
        sort="relevance",
        limit=5,
        offset=0,
        snippet_parts=("headline", "body"),
    )
    [hit] = results.hits
    assert hit.snippets == {"headline": "Istanbul&#x27;da <b>kitaplar</b> yandı"}
