"""Golden stories in the wire's languages through the whole enrichment pipeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newswire.enrich.pipeline import enrich, enrich_with_provenance
from newswire.enrich.summary import MAX_WORDS
from newswire.enrich.text import sentences
from newswire.formats.ninjs_rules import check_item
from newswire.model import Item
from tests.formats.formats_support import ninjs_errors

TESTDATA = Path(__file__).resolve().parent / "testdata"
STORIES = sorted(p.stem for p in TESTDATA.glob("*.json"))


def _story(name: str) -> tuple[Item, dict[str, Any]]:
    data = json.loads((TESTDATA / f"{name}.json").read_text())
    item = Item(
        uri=f"urn:newswire:test:{name}",
        type="text",
        headlines=[{"value": data["headline"], "role": "main"}],
        bodies=[{"value": data["body"], "role": "main", "contentType": "text/html"}],
    )
    return item, data["expect"]


def _names(concepts: list[Any] | None) -> list[str]:
    return [c["name"] if isinstance(c, dict) else c.name for c in concepts or []]


@pytest.mark.parametrize("name", STORIES)
def test_story_language(name: str) -> None:
    item, expect = _story(name)
    assert enrich(item).language == expect["language"]


@pytest.mark.parametrize("name", STORIES)
def test_story_summary_is_short_clean_and_leads(name: str) -> None:
    item, expect = _story(name)
    enriched = enrich(item)
    assert enriched.descriptions is not None
    summary = enriched.descriptions[0]
    assert summary.role == "summary"
    split = sentences(summary.value, enriched.language)
    assert 2 <= len(split) <= 3
    assert len(summary.value.split()) <= MAX_WORDS
    assert expect["summary_has"] in summary.value
    assert "(Newswire)" not in summary.value and "(Reuters)" not in summary.value
    if "summary_not" in expect:
        assert expect["summary_not"] not in summary.value


@pytest.mark.parametrize("name", STORIES)
def test_story_entities(name: str) -> None:
    item, expect = _story(name)
    enriched = enrich(item)
    people = _names(enriched.people)
    for kind, found in (
        ("people", people),
        ("organisations", _names(enriched.organisations)),
        ("places", _names(enriched.places)),
    ):
        missing = set(expect.get(kind, [])) - set(found)
        assert not missing, f"{kind}: {missing} not in {found}"
    assert not set(expect.get("not_people", [])) & set(people)


@pytest.mark.parametrize("name", STORIES)
def test_story_topics(name: str) -> None:
    item, expect = _story(name)
    subjects = enrich(item).subjects or []
    codes = [s.uri.rsplit("/", 1)[-1] for s in subjects if s.rel == "about" and s.uri]
    # The primary topic must be found; multi-topic recall is measured by bench/enrich.py.
    assert expect.get("topics", [])[:1] == [] or expect["topics"][0] in codes
    for subject in subjects:
        assert subject.creator == "newswire:enrich"


@pytest.mark.parametrize("name", STORIES)
def test_story_passes_the_ninjs_31_schema(name: str) -> None:
    item, _ = _story(name)
    data = enrich(item).to_ninjs()
    check_item(data)
    assert ninjs_errors("3.1", data) == []


def test_agency_story_companies_and_agency_are_organisations() -> None:
    item, _ = _story("en_defence")
    enriched, provenance = enrich_with_provenance(item)
    organisations = {o["name"]: o["uri"] for o in enriched.organisations or []}
    assert organisations["Lockheed Martin"] == "urn:newswire:entity:organisation:lockheed-martin"
    assert {"Rheinmetall", "Reuters"} <= set(organisations)
    people = _names(enriched.people)
    assert "Armin Papperger" in people and "Papperger" not in people  # surname merged
    assert "Sabine Siebold" not in people  # the credit line is boilerplate
    assert provenance["organisations"] == "entities"
