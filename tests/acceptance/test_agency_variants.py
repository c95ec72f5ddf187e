"""Agency-shaped variants of ninjs 1/2/3, NewsML-G2, NITF and plain text (our own text, in
tests/formats/testdata/variants) through the contract: `POST /v1/desk/ingest` and
`newswire ingest`, read back with `GET /v1/items/{uri}` in all four formats, checked against
the official schemas and against what each file says (expected.json beside the files).

The traps: encodings (ISO-8859-1, windows-1252, UTF-16 with BOM, UTF-8 BOM, Latin-1 text),
a DOCTYPE naming a DTD that must not be fetched, HTML and internal entities, CDATA,
prefixed and default namespaces, G2 inlineXML/inlineData/several alternatives, kills,
embargoes, withheld items, corrections, packages, newsMessages, pictures and video,
ninjs 1.0 shapes, right-to-left and Turkish text, long headlines, empty bodies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from lxml import etree

from tests.acceptance.conftest import REPO, Newswire, is_problem, path_of
from tests.acceptance.sources import normal, text_of_bodies
from tests.formats.formats_support import ninjs_errors
from tests.schemas import ninjs3_errors, xsd_errors

VARIANTS = REPO / "tests" / "formats" / "testdata" / "variants"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (VARIANTS / "expected.json").read_text(encoding="utf-8")
)
PRODUCT = "variants"
TYPES = ["text", "picture", "video", "graphic", "audio", "composite"]
CONTENT_TYPES = {".json": "application/json", ".xml": "application/xml", ".txt": "text/plain"}
FORMATS = ("ninjs3", "ninjs2", "newsmlg2", "nitf")


@dataclass
class Variants:
    """The wire after ingesting every variant, and what each file answered."""

    full: httpx.Client
    embargoed: httpx.Client
    answers: dict[str, httpx.Response] = field(default_factory=dict)
    cli: Any = None

    def uri(self, name: str) -> str:
        """The uri a file's expectation names, or the one the server gave it."""
        expected = EXPECTED[name].get("uri")
        if expected:
            return str(expected)
        return str(self.answers[name].json()[0]["uri"])


def _subscriber(nw: Newswire, admin: httpx.Client, plan: str, **extra: Any) -> httpx.Client:
    body = {"slug": plan, "products": [PRODUCT], "types": TYPES, **extra}
    answer = admin.post("/v1/admin/plans", json=body)
    assert answer.status_code == 201, answer.text
    answer = admin.post("/v1/admin/subscribers", json={"name": f"Sub {plan}", "plan": plan})
    assert answer.status_code == 201, answer.text
    return nw.client(answer.json()["key"])


@pytest.fixture(scope="module")
def wire(nw: Newswire) -> Variants:
    admin = nw.client(nw.admin_key)
    answer = admin.post("/v1/admin/products", json={"slug": PRODUCT, "name": "Agency variants"})
    assert answer.status_code == 201, answer.text
    done = Variants(
        full=_subscriber(nw, admin, "variants-full"),
        embargoed=_subscriber(nw, admin, "variants-embargo", embargoed=True),
    )
    editor = nw.editor
    for name in sorted(EXPECTED):  # sorted: each kill comes after its story
        path = VARIANTS / name
        done.answers[name] = editor.post(
            f"/v1/desk/ingest?products={PRODUCT}",
            content=path.read_bytes(),
            headers={"Content-Type": CONTENT_TYPES[path.suffix]},
        )
    done.cli = nw.cli(
        "ingest", *(str(VARIANTS / n) for n in sorted(EXPECTED)), "--products", PRODUCT
    )
    return done


ACCEPTED = sorted(n for n, e in EXPECTED.items() if "refused" not in e)
REFUSED = sorted(n for n, e in EXPECTED.items() if "refused" in e)
KILLED = {EXPECTED[n]["uri"] for n in ACCEPTED if EXPECTED[n].get("killed")}
# What a subscriber in full sees now: not held, not withheld, not killed by a later file.
SHOWN = [
    n
    for n in ACCEPTED
    if not any(EXPECTED[n].get(k) for k in ("held", "withheld"))
    and EXPECTED[n].get("uri") not in KILLED
]


def test_there_are_enough_variants() -> None:
    assert len(ACCEPTED) >= 40 and len(REFUSED) >= 4


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_with_the_right_action(wire: Variants, name: str) -> None:
    answer = wire.answers[name]
    assert answer.status_code == 201, (name, answer.text[:500])
    entries = answer.json()
    expected = EXPECTED[name]
    assert [e["uri"] for e in entries] == expected.get("uris", [wire.uri(name)])
    want = expected.get("action", "published")
    assert all(e["action"] == want for e in entries), (name, entries)


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_a_reason_and_nothing_stored(wire: Variants, name: str) -> None:
    problem = is_problem(wire.answers[name], 422)
    assert EXPECTED[name]["refused"] in problem["detail"], problem["detail"]
    uri = f"urn:variants:bad:{name.split('-')[1]}"
    assert wire.full.get(path_of(uri)).status_code == 404


def test_cli_names_each_refusal_and_takes_the_rest(wire: Variants) -> None:
    done = wire.cli
    out = done.stdout + done.stderr
    assert done.returncode != 0, "a rejected file must make the exit status non-zero"
    assert f"{len(ACCEPTED)} accepted, {len(REFUSED)} rejected" in out, out[-800:]
    # Everything was sent over HTTP first: a resend updates nothing.
    assert re.search(r"\d+ (updated|corrected|killed)", out) is None, out[-300:]
    for name in REFUSED:
        lines = [line for line in out.splitlines() if name in line and "rejected" in line]
        assert len(lines) == 1 and EXPECTED[name]["refused"] in lines[0], (name, lines)


def _instant(value: str | None) -> datetime:
    assert value, "missing date"
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _check_fields(item: dict[str, Any], expected: dict[str, Any], name: str) -> None:
    headlines = [normal(h["value"]) for h in item.get("headlines") or []]
    assert normal(expected["headline"]) == (headlines or [""])[0], (name, headlines)
    for headline in expected.get("headlines", []):
        assert normal(headline) in headlines, (name, headline, headlines)
    body = text_of_bodies(item)
    for paragraph in expected.get("paragraphs", []):
        assert normal(paragraph) in body, (name, paragraph, body[:400])
    for key in ("by", "language", "urgency", "located", "slugline", "copyrightHolder", "type"):
        if key in expected:
            assert item.get(key) == expected[key], (name, key, item.get(key))
    roles = {d.get("role"): normal(d["value"]) for d in item.get("descriptions") or []}
    for role in ("dateline", "summary", "caption"):
        if role in expected:
            assert roles.get(role) == normal(expected[role]), (name, role, roles)
    subjects = {s.get("uri") for s in item.get("subjects") or []}
    subjects |= {s.get("name") for s in item.get("subjects") or []}
    for subject in expected.get("subjects", []):
        assert subject in subjects, (name, subject, subjects)
    for key in ("embargoedUntil", "firstCreated"):
        if key in expected:
            assert _instant(item.get(key)) == _instant(expected[key]), (name, key, item.get(key))
    if "renditions" in expected:
        assert [r["name"] for r in item.get("renditions") or []] == expected["renditions"]
    if "durations" in expected:
        assert [r.get("duration") for r in item["renditions"]] == expected["durations"]
    assert {} not in item.get("subjects", []), name
    if "associations" in expected:
        assert [a["uri"] for a in item.get("associations") or []] == expected["associations"]


@pytest.mark.parametrize("name", SHOWN)
def test_content_comes_through(wire: Variants, name: str) -> None:
    answer = wire.full.get(path_of(wire.uri(name)))
    assert answer.status_code == 200, (name, answer.text[:300])
    _check_fields(answer.json(), EXPECTED[name], name)


_BLOCKS = {"p", "li", "hl1", "hl2", "headline", "title"}


def _xml_text(document: bytes) -> str:
    """The text of a NITF or NewsML-G2 document's headline and paragraph elements."""
    root = etree.fromstring(document)
    blocks = [
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in _BLOCKS
    ]
    return normal(" ".join("".join(e.itertext()) for e in blocks))


@pytest.mark.parametrize("name", SHOWN)
def test_every_format_validates_and_carries_the_text(wire: Variants, name: str) -> None:
    expected = EXPECTED[name]
    uri = wire.uri(name)
    for fmt in FORMATS:
        answer = wire.full.get(path_of(uri), params={"format": fmt})
        assert answer.status_code == 200, (name, fmt, answer.text[:300])
        if fmt in ("ninjs3", "ninjs2"):
            document = answer.json()
            errors = (ninjs3_errors if fmt == "ninjs3" else _ninjs2_errors)(document)
            shown = normal(json.dumps(document, ensure_ascii=False))
            text = text_of_bodies(document)
        else:
            schema = "newsml-g2" if fmt == "newsmlg2" else "nitf"
            errors = xsd_errors(schema, answer.content)
            shown = text = _xml_text(answer.content)
        assert errors == [], (name, fmt, errors[:3])
        assert normal(expected["headline"]) in shown, (name, fmt)
        for paragraph in expected.get("paragraphs", []):
            assert normal(paragraph).replace(" | ", " ") in text.replace(" | ", " "), (
                name,
                fmt,
                paragraph,
            )


def _ninjs2_errors(document: dict[str, Any]) -> list[str]:
    errors: list[str] = ninjs_errors("2.2", document)
    return errors


@pytest.mark.parametrize("name", [n for n in ACCEPTED if EXPECTED[n].get("held")])
def test_embargoed_variants_are_held(wire: Variants, name: str) -> None:
    uri = wire.uri(name)
    is_problem(wire.full.get(path_of(uri)), 404)
    early = wire.embargoed.get(path_of(uri))
    assert early.status_code == 200, early.text[:300]
    item = early.json()
    assert _instant(item["embargoedUntil"]) == _instant(EXPECTED[name]["embargoedUntil"])
    _check_fields(item, EXPECTED[name], name)
    nitf = wire.embargoed.get(path_of(uri), params={"format": "nitf"}).content
    assert b'management-status="embargoed"' in nitf


@pytest.mark.parametrize("name", [n for n in ACCEPTED if EXPECTED[n].get("withheld")])
def test_withheld_variants_reach_no_one(wire: Variants, name: str) -> None:
    for client in (wire.full, wire.embargoed):
        is_problem(client.get(path_of(wire.uri(name))), 404)


@pytest.mark.parametrize("name", [n for n in ACCEPTED if EXPECTED[n].get("killed")])
def test_kills_from_the_source_kill(wire: Variants, name: str) -> None:
    uri = wire.uri(name)
    item = wire.full.get(path_of(uri)).json()
    assert item["pubStatus"] == "canceled" and "bodies" not in item, item
    assert ninjs3_errors(item) == []
    nitf = wire.full.get(path_of(uri), params={"format": "nitf"}).content
    assert xsd_errors("nitf", nitf) == [] and b'management-status="canceled"' in nitf
    g2 = wire.full.get(path_of(uri), params={"format": "newsmlg2"}).content
    assert xsd_errors("newsml-g2", g2) == [] and b"stat:canceled" in g2


def test_editorial_notes_come_through(wire: Variants) -> None:
    notes = {
        "urn:variants:g2:01": "Updates with union reaction",
        "urn:variants:g2:18": "Corrects spelling of name",
        "urn:variants:nitf:10": "Corrects cost in first paragraph",
    }
    for uri, note in notes.items():
        assert wire.full.get(path_of(uri)).json().get("edNote") == note, uri
