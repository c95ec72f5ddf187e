"""Our own labelled evaluation stories: the set's shape and a floor under the pipeline's scores.

bench/enrich.py prints the full numbers; these tests only keep them from sliding.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newswire.enrich.evaluation import (
    KINDS,
    LabelledStory,
    Scores,
    load_stories,
    score_entities,
    score_summary,
    score_topics,
)
from newswire.enrich.ner_model import model_entities
from newswire.enrich.pipeline import enrich
from newswire.model import Item

EVAL = Path(__file__).resolve().parent / "testdata" / "eval" / "stories.jsonl"
_FIELD = {"person": "people", "organisation": "organisations", "place": "places"}


@pytest.fixture(scope="module")
def stories() -> list[LabelledStory]:
    return load_stories(EVAL)


@pytest.fixture(scope="module")
def enriched(stories: list[LabelledStory]) -> dict[str, Item]:
    return {
        s.id: enrich(Item(headlines=[{"value": s.headline}], bodies=[{"value": s.html}]))
        for s in stories
    }


def _names(concepts: list[Any] | None) -> list[str]:
    return [c["name"] if isinstance(c, dict) else c.name for c in concepts or []]


def test_the_set_has_60_stories_40_english_5_turkish_5_french(
    stories: list[LabelledStory],
) -> None:
    languages = Counter(s.language for s in stories)
    assert len(stories) >= 60 and languages["en"] >= 40
    assert languages["tr"] >= 5 and languages["fr"] >= 5
    assert len({s.id for s in stories}) == len(stories)
    for story in stories:
        assert story.topics and story.summary_has in story.paragraphs[0]
        assert any(story.entities[k] for k in KINDS)


def test_entities_beat_spacy_alone_on_english(
    stories: list[LabelledStory], enriched: dict[str, Item]
) -> None:
    english = [s for s in stories if s.language == "en"]

    def ours(story: LabelledStory) -> dict[str, list[str]]:
        return {k: _names(getattr(enriched[story.id], k)) for k in KINDS}

    def spacy(story: LabelledStory) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {k: [] for k in KINDS}
        for name, kind in model_entities(story.text, words=None):
            found[_FIELD[kind]].append(name)
        return found

    mine, theirs = score_entities(english, ours), score_entities(english, spacy)
    for kind in KINDS:
        assert mine[kind].summary()["f1"] >= theirs[kind].summary()["f1"], kind
    assert mine["people"].summary()["precision"] >= 0.8
    assert mine["places"].summary()["recall"] >= 0.75


def test_topics_and_summaries_on_every_story(
    stories: list[LabelledStory], enriched: dict[str, Item]
) -> None:
    scores = score_topics(
        stories,
        lambda s: [
            c.uri.rsplit("/", 1)[-1]
            for c in enriched[s.id].subjects or []
            if c.rel == "about" and c.uri
        ],
    )
    assert scores["top_level_accuracy_first"] >= 0.8
    assert scores["second_level_recall"] >= 0.6
    for story in stories:
        item = enriched[story.id]
        summary = (item.descriptions or [])[0].value
        assert all(score_summary(story, summary, item.language).values()), story.id


def test_scores_count_folded_names() -> None:
    scores = Scores()
    scores.add(["Türkiye", "Ankara", "Nowhere"], ["Turkey", "Ankara", "Berlin"])
    assert (scores.tp, scores.fp, scores.fn) == (2, 1, 1)
    assert scores.summary() == {"precision": 0.667, "recall": 0.667, "f1": 0.667}
