"""Scores enrichment against labelled stories: entities, topics and summaries.

Pure functions over `LabelledStory` values, shared by bench/enrich.py (which prints
the numbers) and the tests (which hold a floor under them). Names are compared after
folding case and accents and mapping any alias the built-in catalogue knows to its
canonical name, for the pipeline and the spaCy baseline alike.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newswire.enrich.catalogue import builtin_catalogue
from newswire.enrich.medtop import SUBTOPICS, parent
from newswire.enrich.summary import MAX_WORDS
from newswire.enrich.text import sentences
from newswire.enrich.topic_model import Example, TopicModel, split_examples
from newswire.enrich.topic_rules import rule_topics
from newswire.enrich.topics import TOP_THRESHOLD

__all__ = [
    "KINDS",
    "LabelledStory",
    "Scores",
    "held_out_topic_accuracy",
    "load_stories",
    "score_entities",
    "score_summary",
    "score_topics",
]

KINDS = ("people", "organisations", "places")


@dataclass(frozen=True)
class LabelledStory:
    """One story we wrote, with what enrichment should find in it."""

    id: str
    language: str
    headline: str
    paragraphs: tuple[str, ...]
    entities: dict[str, tuple[str, ...]]
    topics: tuple[str, ...]
    summary_has: str

    @property
    def html(self) -> str:
        """The body as the desk would send it."""
        return "".join(f"<p>{p}</p>" for p in self.paragraphs)

    @property
    def text(self) -> str:
        """Headline and body as plain text."""
        return "\n".join([self.headline, *self.paragraphs])


def load_stories(path: Path) -> list[LabelledStory]:
    """The stories of a JSON-lines file (see tests/enrich/testdata/eval/stories.jsonl)."""
    stories = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            stories.append(
                LabelledStory(
                    id=data["id"],
                    language=data["language"],
                    headline=data["headline"],
                    paragraphs=tuple(data["body"]),
                    entities={kind: tuple(data[kind]) for kind in KINDS},
                    topics=tuple(data["topics"]),
                    summary_has=data["summary_has"],
                )
            )
    return stories


def _fold(name: str) -> str:
    known = builtin_catalogue().lookup(name)
    text = known.name if known is not None else name
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@dataclass
class Scores:
    """True positives, false positives and false negatives, summed over stories."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, found: Iterable[str], expected: Iterable[str], story: str = "") -> None:
        """Count one story's names."""
        got, want = {_fold(n) for n in found}, {_fold(n) for n in expected}
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)
        self.misses.extend(f"{story}: -{n}" for n in sorted(want - got))
        self.misses.extend(f"{story}: +{n}" for n in sorted(got - want))

    def summary(self) -> dict[str, float]:
        """Precision, recall and F1, rounded."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


Recogniser = Callable[[LabelledStory], dict[str, list[str]]]


def score_entities(stories: Iterable[LabelledStory], recognise: Recogniser) -> dict[str, Scores]:
    """Per kind, how a recogniser's names compare with the labels."""
    scores = {kind: Scores() for kind in KINDS}
    for story in stories:
        found = recognise(story)
        for kind in KINDS:
            scores[kind].add(found.get(kind, []), story.entities[kind], story.id)
    return scores


def score_topics(
    stories: Iterable[LabelledStory], classify: Callable[[LabelledStory], list[str]]
) -> dict[str, float | int]:
    """Top-level accuracy (first choice, and anywhere in the answer) and second-level recall."""
    n = first = anywhere = sub_n = sub_hit = 0
    for story in stories:
        codes = classify(story)
        tops = [c for c in codes if c not in SUBTOPICS]
        primary = parent(story.topics[0])
        n += 1
        first += bool(tops) and tops[0] == primary
        anywhere += primary in tops
        for code in story.topics:
            if code in SUBTOPICS:
                sub_n += 1
                sub_hit += code in codes
    return {
        "stories": n,
        "top_level_accuracy_first": round(first / n, 3) if n else 0.0,
        "top_level_accuracy_any": round(anywhere / n, 3) if n else 0.0,
        "second_level_labels": sub_n,
        "second_level_recall": round(sub_hit / sub_n, 3) if sub_n else 0.0,
    }


def score_summary(story: LabelledStory, summary: str, language: str | None) -> dict[str, bool]:
    """Whether a summary is 2-3 whole sentences of the story, short, and keeps the lead."""
    split = sentences(summary, language)
    source = " ".join(story.paragraphs)
    return {
        "two_or_three_sentences": 2 <= len(split) <= 3,
        "within_word_limit": len(summary.split()) <= MAX_WORDS,
        "sentences_from_story": all(s.strip() in source for s in split),
        "keeps_the_lead": story.summary_has in summary,
    }


def held_out_topic_accuracy(examples: list[Example], folds: int = 5) -> dict[str, float | int]:
    """k-fold accuracy of the topic model on our labelled examples (each held out once).

    Also scores the word-stem rules alone on the same held-out examples, for comparison.
    """
    n = top_hit = rule_hit = sub_n = sub_hit = covered = covered_hit = 0
    for fold in range(folds):
        train, held_out = split_examples(examples, folds, fold)
        model = TopicModel(train)
        for example in held_out:
            scores = model.top_scores(example.headline, example.lead)
            best = max(scores, key=lambda code: scores[code])
            truth = parent(example.code)
            n += 1
            top_hit += best == truth
            if scores[best] >= TOP_THRESHOLD:
                covered += 1
                covered_hit += best == truth
            rules = rule_topics(example.lead, example.headline)
            rule_hit += bool(rules) and rules[0] == truth
            if example.code in SUBTOPICS:
                subs = model.sub_scores(truth, example.headline, example.lead)
                sub_n += 1
                sub_hit += max(subs, key=lambda code: subs[code]) == example.code
    return {
        "examples": n,
        "folds": folds,
        "top_level_accuracy": round(top_hit / n, 3),
        "top_level_coverage_at_threshold": round(covered / n, 3),
        "top_level_accuracy_at_threshold": round(covered_hit / covered, 3) if covered else 0.0,
        "second_level_accuracy_given_parent": round(sub_hit / sub_n, 3) if sub_n else 0.0,
        "word_stem_rules_alone_top_level_accuracy": round(rule_hit / n, 3),
    }
