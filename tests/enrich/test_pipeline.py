"""The pipeline's contract: the editor wins, steps are budgeted, provenance is recorded."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from newswire.enrich.catalogue import Catalogue, KnownEntity, builtin_catalogue
from newswire.enrich.pipeline import enrich, enrich_with_provenance
from newswire.model import Concept, Item, Text

BODY = (
    "<p>ANKARA, Nov 25 (Newswire) - Turkish Foreign Minister Hakan Fidan met NATO Secretary "
    "General Mark Rutte in Ankara on Tuesday to discuss the war in Ukraine and defence "
    "spending, the ministry said.</p><p>Fidan told reporters that Turkey would host the next "
    "NATO summit. Rutte said the alliance needed more air defence systems.</p>"
    "<p>Ministers will meet again in Brussels next month to agree on a new defence plan.</p>"
)


def _item(**fields: object) -> Item:
    return Item.model_validate(
        {
            "uri": "urn:newswire:test:1",
            "headlines": [{"value": "Fidan and Rutte discuss NATO summit in Ankara"}],
            "bodies": [{"value": BODY}],
            **fields,
        }
    )


def test_enrich_fills_what_is_missing_and_says_which_step_did() -> None:
    enriched, provenance = enrich_with_provenance(_item())
    assert provenance == {
        "language": "language",
        "descriptions": "summary",
        "people": "entities",
        "organisations": "entities",
        "places": "entities",
        "subjects": "topics+keywords",
    }
    assert enriched.language == "en"
    assert [p.name for p in enriched.people or []] == ["Hakan Fidan", "Mark Rutte"]
    assert {"urn:newswire:entity:place:turkey", "urn:newswire:entity:place:ankara"} <= {
        p.uri for p in enriched.places or []
    }
    keywords = [s.name for s in enriched.subjects or [] if s.rel == "keyword"]
    assert keywords and not {"fidan", "rutte", "nato", "ankara"} & set(keywords)


def test_the_editors_metadata_always_wins() -> None:
    given = {
        "language": "tr",
        "descriptions": [{"value": "Editor's own summary.", "role": "summary"}],
        "people": [{"name": "Someone Else"}],
        "organisations": [{"name": "Editor Org"}],
        "places": [{"name": "Nowhere"}],
        "subjects": [
            {"name": "politics", "uri": "http://cv.iptc.org/newscodes/mediatopic/11000000"}
        ],
    }
    item = _item(**given)
    enriched, provenance = enrich_with_provenance(item)
    assert enriched == item
    assert provenance == {}


def test_an_empty_list_is_filled_but_a_partial_one_is_never_added_to() -> None:
    item = _item(people=[Concept(name="Hakan Fidan")], places=[])
    enriched, provenance = enrich_with_provenance(item)
    assert enriched.people == [Concept(name="Hakan Fidan")]
    assert "people" not in provenance and provenance["places"] == "entities"


def test_a_step_over_its_budget_is_skipped_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="newswire.enrich.pipeline"):
        enriched, provenance = enrich_with_provenance(_item(), budgets_ms={"entities": 0.001})
    assert enriched.people is None and "people" not in provenance
    assert provenance["descriptions"] == "summary" and enriched.descriptions
    assert "entities ran over its" in caplog.text


class _BrokenCatalogue(Catalogue):
    def lookup(self, phrase: str) -> KnownEntity | None:
        raise RuntimeError("catalogue unavailable")


def test_a_step_that_raises_is_skipped_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="newswire.enrich.pipeline"):
        enriched, provenance = enrich_with_provenance(_item(), catalogue=_BrokenCatalogue())
    assert "organisations" not in provenance and enriched.language == "en"
    assert "entities failed" in caplog.text


def test_the_agencys_catalogue_corrects_recognition() -> None:
    known = builtin_catalogue().add(
        [KnownEntity("organisation", "Fidan Holdings", ("Fidan",), uri="urn:agency:org:7")]
    )
    enriched, _ = enrich_with_provenance(_item(), catalogue=known)
    assert {"name": "Fidan Holdings", "uri": "urn:agency:org:7"} in (enriched.organisations or [])


def test_enrich_keeps_its_old_signature_and_leaves_bodyless_items_alone() -> None:
    item = Item(uri="urn:newswire:test:2", headlines=[Text(value="Short")], language="en")
    assert enrich(item) == item


def test_the_pipeline_runs_with_networking_blocked() -> None:
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network blocked by the test")
        class Blocked(socket.socket):
            connect = connect_ex = sendto = refuse
        socket.socket = Blocked
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from newswire.enrich.pipeline import enrich_with_provenance
        from newswire.model import Item
        item = Item(headlines=[{"value": "Lockheed Martin wins deal"}],
                    bodies=[{"value": "<p>Lockheed Martin won a deal, Defence Secretary "
                             "John Healey said in London on Monday. Healey said more was "
                             "coming.</p>"}])
        enriched, provenance = enrich_with_provenance(item)
        assert "people" in provenance and "organisations" in provenance, provenance
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
