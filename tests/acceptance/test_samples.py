"""Real agency samples (../shared/samples, recursively) and agency-shaped documents, ingested
through `newswire ingest` and `POST /v1/desk/ingest`, fetched back in every format and
checked against the official schemas and against their sources: no text lost, and the
public summary never shows a sentence of the body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import lxml.html
import pytest
from lxml import etree

from tests.acceptance.agency_docs import LONG_PARAGRAPHS, AgencyDoc, agency_docs
from tests.acceptance.conftest import SAMPLES, Newswire, is_problem, needs_samples, path_of
from tests.acceptance.sources import Source, normal, read_source, sentences, text_of_bodies
from tests.formats.formats_support import ninjs_errors
from tests.schemas import ninjs3_errors, xsd_errors

pytestmark = needs_samples

PRODUCT = "samples"
# Files a validating reader must refuse, and why the reason must say so.
G2_FRAGMENTS = {
    "LISTING_24_News_Message_conveying_a_complete_News_Package.xml": "packageItem",
    "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml": "fragment",
    "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml": "fragment",
}


def every_sample() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")


def expected_refusal(path: Path) -> str | None:
    """A word the refusal must contain, or None when the file must be accepted."""
    if path.parent.name == "ninjs-should-fail":
        return ":"
    if path.parent.name == "dpa-digitalwires":
        return "digitalwires"
    return G2_FRAGMENTS.get(path.name)


def content_type(path: Path) -> str:
    return "application/json" if path.suffix == ".json" else "application/xml"


# What a plan made without --types gets, and so all the public site shows.
PUBLIC_TYPES = {"text", "picture", "video", "graphic", "audio", "composite"}


@dataclass
class Ingested:
    """The served wire after ingesting everything, and what each story came from."""

    full: httpx.Client
    summary: httpx.Client
    embargoed: httpx.Client
    public: httpx.Client
    sources: dict[str, Source] = field(default_factory=dict)
    docs: dict[str, AgencyDoc] = field(default_factory=dict)
    http_answers: dict[str, httpx.Response] = field(default_factory=dict)
    cli_runs: list[Any] = field(default_factory=list)


@pytest.fixture(scope="module")
def wire(nw: Newswire) -> Ingested:
    done = Ingested(
        full=nw.sub("samples-full"),
        summary=nw.sub("samples-summary"),
        embargoed=nw.sub("samples-embargo"),
        public=nw.client(),
    )
    editor = nw.editor
    samples = every_sample()
    # ninjs through HTTP, NewsML-G2 through the CLI; then every file again both ways.
    for path in samples:
        answer = editor.post(
            f"/v1/desk/ingest?products={PRODUCT}",
            content=path.read_bytes(),
            headers={"Content-Type": content_type(path)},
        )
        done.http_answers[str(path)] = answer
        if answer.status_code == 201:
            for entry in answer.json():
                if entry["action"] in ("published", "updated", "corrected"):
                    done.sources[entry["uri"]] = read_source(path)
    g2 = [p for p in samples if p.parent.name == "newsml-g2" and p.name not in G2_FRAGMENTS]
    done.cli_runs.append(nw.cli("ingest", *map(str, g2), "--products", PRODUCT))
    done.cli_runs.append(nw.cli("ingest", *map(str, samples), "--products", PRODUCT))
    for doc in agency_docs():
        answer = editor.post(
            f"/v1/desk/ingest?products={PRODUCT}",
            content=doc.data,
            headers={"Content-Type": doc.content_type},
        )
        assert answer.status_code == 201, (doc.name, answer.text)
        done.docs[doc.uri] = doc
    return done


def test_every_sample_is_accepted_or_refused_with_a_reason(wire: Ingested) -> None:
    for name, answer in wire.http_answers.items():
        path = Path(name)
        word = expected_refusal(path)
        if word is None:
            assert answer.status_code == 201, (path.name, answer.text)
            assert all(e["action"] != "killed" for e in answer.json())
        else:
            problem = is_problem(answer, 422)
            assert word in problem["detail"], (path.name, problem["detail"])


def test_cli_ingest_counts_and_reasons(wire: Ingested) -> None:
    first, again = wire.cli_runs
    assert first.returncode == 0, first.stderr[-800:]
    assert "6 accepted, 0 rejected" in first.stdout + first.stderr
    assert again.returncode != 0, "a rejected file must make the exit status non-zero"
    out = again.stdout + again.stderr
    refused = [p for p in every_sample() if expected_refusal(p) is not None]
    accepted = len(every_sample()) - len(refused)
    assert f"{accepted} accepted, {len(refused)} rejected" in out
    for path in refused:
        lines = [line for line in out.splitlines() if path.name in line]
        assert len(lines) == 1, path.name
        assert "rejected" in lines[0] and expected_refusal(path) in lines[0].split(path.name)[1]


def test_items_validate_in_all_four_formats(wire: Ingested) -> None:
    uris = list(wire.sources) + [d.uri for d in wire.docs.values() if _visible_doc(d)]
    assert len(wire.sources) >= 20
    for uri in uris:
        for fmt in ("ninjs3", "ninjs2", "newsmlg2", "nitf"):
            answer = wire.full.get(path_of(uri), params={"format": fmt})
            assert answer.status_code == 200, (uri, fmt, answer.text[:300])
            if fmt == "ninjs3":
                errors = ninjs3_errors(answer.json())
            elif fmt == "ninjs2":
                errors = ninjs_errors("2.2", answer.json())
            else:
                schema = "newsml-g2" if fmt == "newsmlg2" else "nitf"
                errors = xsd_errors(schema, answer.content)
            assert errors == [], (uri, fmt, errors[:3])


def _check_text(item: dict[str, Any], source: Source, where: str) -> None:
    headlines = [normal(h["value"]) for h in item.get("headlines") or []]
    for headline in source.headlines:
        assert headline in headlines, (where, headline, headlines)
    body = text_of_bodies(item)
    for paragraph in source.paragraphs:
        assert paragraph in body, (where, paragraph[:80])
    if source.byline:
        assert normal(item.get("by") or "") == source.byline, where
    if source.language:
        assert item.get("language") == source.language, where
    if source.dateline:
        shown = [item.get("located") or ""]
        shown += [d["value"] for d in item.get("descriptions") or [] if d.get("role") == "dateline"]
        assert source.dateline in [normal(s) for s in shown], (where, source.dateline, shown)
    names = {normal(s.get("name") or "") for s in item.get("subjects") or []}
    names |= {s.get("uri") or "" for s in item.get("subjects") or []}
    names |= {normal(p.get("name") or "") for p in item.get("places") or []}
    for subject in source.subjects:
        assert subject in names, (where, subject)


def test_no_text_lost_from_real_samples(wire: Ingested) -> None:
    for uri, source in wire.sources.items():
        item = wire.full.get(path_of(uri)).json()
        _check_text(item, source, uri)


def _visible_doc(doc: AgencyDoc) -> bool:
    return doc.name not in ("nitf-embargoed", "ninjs-withheld")


@pytest.mark.parametrize("doc", agency_docs(), ids=lambda d: d.name)
def test_agency_documents_keep_their_text(wire: Ingested, doc: AgencyDoc) -> None:
    answer = wire.full.get(path_of(doc.uri))
    if not _visible_doc(doc):
        is_problem(answer, 404)
        return
    assert answer.status_code == 200, answer.text
    item = answer.json()
    source = Source(
        uri=doc.uri,
        headlines=(normal(doc.headline),),
        paragraphs=tuple(normal(p) for p in doc.paragraphs),
        byline=normal(doc.byline),
        dateline=normal(doc.dateline),
        language=doc.language,
        subjects=doc.subjects,
    )
    _check_text(item, source, doc.name)
    for key, value in doc.extra.items():
        got = item.get(key)
        if key.endswith("Created") or key.endswith("Until"):
            assert _instant(got) == _instant(value), (key, got, value)
        else:
            assert got == value, (key, got, value)
    assert "<script" not in json.dumps(item) and "onclick" not in json.dumps(item)


def _instant(value: str | None) -> str:
    from datetime import datetime

    assert value, "missing date"
    return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()


def test_long_story_arrives_whole(wire: Ingested) -> None:
    item = wire.full.get(path_of("urn:acceptance:ninjs:long")).json()
    assert text_of_bodies(item).count("of the transcript") == LONG_PARAGRAPHS


def test_embargo_and_withheld_are_held(wire: Ingested) -> None:
    uri = "urn:acceptance:nitf:embargoed"
    is_problem(wire.full.get(path_of(uri)), 404)
    early = wire.embargoed.get(path_of(uri))
    assert early.status_code == 200
    assert _instant(early.json()["embargoedUntil"]) == "2099-01-01T00:00:00+00:00"
    assert wire.public.get("/stories/" + quote(uri, safe=":@")).status_code == 404
    for client in (wire.full, wire.embargoed):
        is_problem(client.get(path_of("urn:acceptance:ninjs:withheld")), 404)


def test_summary_plan_never_gets_a_body(wire: Ingested) -> None:
    for uri in wire.sources:
        answer = wire.summary.get(path_of(uri))
        assert answer.status_code == 200, answer.text
        item = answer.json()
        assert item["representationType"] == "partial" and "bodies" not in item
        assert ninjs3_errors(item) == []
        nitf = wire.summary.get(path_of(uri), params={"format": "nitf"}).content
        assert b"<body.content>" not in nitf or b"<p>" not in nitf


def _page_text(response: httpx.Response) -> str:
    root = lxml.html.fromstring(response.content)
    main = root.find(".//main")
    return normal((main if main is not None else root).text_content())


def test_public_pages_never_show_a_body_sentence(nw: Newswire, wire: Ingested) -> None:
    stories = [(uri, s.paragraphs, s.headlines) for uri, s in wire.sources.items()]
    stories += [(d.uri, d.paragraphs, (d.headline,)) for d in wire.docs.values() if _visible_doc(d)]
    atom = wire.public.get("/feeds/public.atom")
    assert atom.status_code == 200, atom.text[:300]
    feed_text = normal(" ".join(etree.fromstring(atom.content).itertext()))
    checked = 0
    for uri, paragraphs, headlines in stories:
        page = wire.public.get("/stories/" + quote(uri, safe=":@"))
        kind = nw.editor.get("/v1/items/" + quote(uri, safe="")).json().get("type", "text")
        if kind not in PUBLIC_TYPES:  # planning and event items never reach the public
            assert page.status_code == 404, (uri, page.status_code)
            continue
        assert page.status_code == 200, (uri, page.status_code)
        shown = _page_text(page)
        for sentence in sentences(tuple(paragraphs)):
            if any(sentence in headline for headline in headlines):
                continue  # a body that repeats the headline (TT's h1) shows nothing new
            checked += 1
            assert sentence not in shown, (uri, sentence)
            assert sentence not in feed_text, (uri, sentence)
    assert checked > 50


def test_rtl_story_page_is_right_to_left(wire: Ingested) -> None:
    page = wire.public.get("/stories/" + quote("urn:acceptance:g2:arabic", safe=":@"))
    assert page.status_code == 200
    root = lxml.html.fromstring(page.content)
    assert root.xpath("//*[@dir='rtl' and @lang='ar']"), "the Arabic story is not marked rtl"


def test_a_cancel_from_the_source_kills_everywhere(nw: Newswire, wire: Ingested) -> None:
    uri = "urn:acceptance:ninjs:to-cancel"
    story = {
        "uri": uri,
        "type": "text",
        "language": "en",
        "version": "1",
        "headlines": [{"role": "main", "value": "Story that the source will cancel"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Soon gone."}],
    }
    cancel = {"uri": uri, "version": "2", "pubStatus": "canceled", "edNote": "Legal"}
    for document in (story, cancel):
        answer = nw.editor.post(f"/v1/desk/ingest?products={PRODUCT}", json=document)
        assert answer.status_code == 201, answer.text
    assert answer.json()[0]["action"] == "killed"
    item = wire.full.get(path_of(uri)).json()
    assert item["pubStatus"] == "canceled" and "bodies" not in item
    assert ninjs3_errors(item) == []
    assert wire.public.get("/stories/" + quote(uri, safe=":@")).status_code == 410


def test_bad_documents_are_refused_clearly(nw: Newswire) -> None:
    editor = nw.editor
    cases: list[tuple[bytes, str, str]] = [
        (b'{"uri": "urn:acceptance:nohead", "type": "text"}', "application/json", "headline"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "application/octet-stream", ""),
        (b"<nitf><head>", "application/xml", ""),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><nitf>&e;</nitf>', "text/xml", ""),
        (
            b'{"uri": "urn:a:b", "headlines": [{"value": "x"}], "body": 5}',
            "application/json",
            "body",
        ),
        (b"{", "application/json", "JSON"),
    ]
    for data, kind, word in cases:
        answer = editor.post(
            f"/v1/desk/ingest?products={PRODUCT}", content=data, headers={"Content-Type": kind}
        )
        problem = is_problem(answer, 422)
        assert word in problem["detail"], (data[:30], problem["detail"])
    unknown = editor.post(
        "/v1/desk/ingest?products=no-such-product",
        json={"uri": "urn:a:c", "headlines": [{"value": "Fine headline"}]},
    )
    assert "no-such-product" in is_problem(unknown, 422)["detail"]


def test_a_resent_unversioned_file_is_no_update(nw: Newswire, wire: Ingested) -> None:
    story = {
        "uri": "urn:acceptance:ninjs:resent",
        "type": "text",
        "language": "en",
        "headlines": [{"role": "main", "value": "Feeds resend the same file"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Same words."}],
    }
    actions = []
    for headline in (None, None, "Feeds resend, and this time it changed"):
        if headline:
            story["headlines"] = [{"role": "main", "value": headline}]
        answer = nw.editor.post(f"/v1/desk/ingest?products={PRODUCT}", json=story)
        assert answer.status_code == 201, answer.text
        actions.append(answer.json()[0]["action"])
    assert actions == ["published", "skipped", "updated"]


def test_plain_text_in_its_declared_charset(nw: Newswire, wire: Ingested) -> None:
    text = "Caf\u00e9 owners in Z\u00fcrich raise prices\n\nThe \u20ac2 espresso is gone.\n"
    answer = nw.editor.post(
        f"/v1/desk/ingest?products={PRODUCT}",
        content=text.encode("cp1252"),
        headers={"Content-Type": "text/plain; charset=windows-1252"},
    )
    assert answer.status_code == 201, answer.text
    item = wire.full.get(path_of(answer.json()[0]["uri"])).json()
    assert item["headlines"][0]["value"] == "Caf\u00e9 owners in Z\u00fcrich raise prices"
    assert "The \u20ac2 espresso is gone." in text_of_bodies(item)
    unknown = nw.editor.post(
        f"/v1/desk/ingest?products={PRODUCT}",
        content=b"Headline\n\nBody.",
        headers={"Content-Type": "text/plain; charset=klingon"},
    )
    assert "klingon" in is_problem(unknown, 422)["detail"]
