"""Shared by the format tests: the official schemas and a set of test items."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from referencing import Registry, Resource

from newswire.model import Item

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
STANDARDS = SHARED / "standards"
SAMPLES = SHARED / "samples"
TESTDATA = Path(__file__).resolve().parent / "testdata"

needs_standards = pytest.mark.skipif(
    not STANDARDS.is_dir(), reason=f"official IPTC schemas not found at {STANDARDS}"
)
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"real-world samples not found at {SAMPLES}"
)


@cache
def ninjs_validator(version: str) -> Draft202012Validator:
    """A validator for ninjs-schema_{version}.json, GeoJSON registered offline."""
    folder = STANDARDS / "ninjs"
    if not folder.is_dir():
        pytest.skip(f"the IPTC ninjs schemas are not at {folder}")
    geojson = json.loads((folder / "GeoJSON-schema.json").read_text())
    registry: Registry[Any] = Registry().with_resource(
        "https://geojson.org/schema/GeoJSON.json", Resource.from_contents(geojson)
    )
    schema = json.loads((folder / f"ninjs-schema_{version}.json").read_text())
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def ninjs_errors(version: str, document: Any) -> list[str]:
    """Every schema violation of a ninjs document, as readable lines."""
    validator = ninjs_validator(version)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@cache
def xml_schema(name: str) -> etree.XMLSchema:
    """An XSD from the standards folder, loaded with network access disabled."""
    path = {
        "newsml-g2": STANDARDS / "newsml-g2" / "NewsML-G2_2.35-spec-All-Power.xsd",
        "nitf": STANDARDS / "nitf" / "nitf-3-6.xsd",
    }[name]
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def xsd_errors(name: str, document: bytes) -> list[str]:
    """Every XSD violation of an XML document, as readable lines."""
    schema = xml_schema(name)
    root = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


FUTURE = datetime(2099, 1, 2, 3, 4, 5, tzinfo=UTC)
CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"


def _story(uri: str, language: str, headline: str, body: str, **extra: Any) -> Item:
    data: dict[str, Any] = {
        "uri": uri,
        "type": "text",
        "version": "3",
        "versionCreated": CREATED.isoformat(),
        "firstCreated": CREATED.isoformat(),
        "pubStatus": "usable",
        "urgency": 3,
        "language": language,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        "subjects": [{"name": "economy, business and finance", "uri": MEDTOP + "04000000"}],
    }
    data.update(extra)
    return Item.model_validate(data)


def sample_items() -> dict[str, Item]:
    """Test items: several languages, with and without body, views, kill notice, pictures."""
    english = _story(
        "urn:newswire:test:en-1",
        "en",
        "Central bank holds rates & signals patience",
        "<p>The <strong>central bank</strong> held rates on Tuesday.</p>"
        '<h2>Markets</h2><p>Shares rose; see <a href="https://example.com/x">chart</a>.</p>'
        "<ul><li>one</li><li>two <em>too</em></li></ul>",
        by="By Jane Doe",
        slugline="ECONOMY-RATES",
        located="London",
        descriptions=[
            {"role": "summary", "value": "The central bank held rates."},
            {"role": "dateline", "value": "LONDON, May 6"},
        ],
        embargoedUntil=FUTURE.isoformat(),
        edNote="Embargoed until the statement",
        people=[{"name": "Jane Smith", "uri": "http://example.com/people/js"}],
        places=[{"name": "London", "uri": "http://sws.geonames.org/2643743/"}],
        genres=[{"name": "Current", "uri": "http://cv.iptc.org/newscodes/genre/Current"}],
        copyrightHolder="Newswire Agency",
        copyrightNotice="(c) 2024 Newswire Agency",
        usageTerms="Editorial use only",
    )
    arabic = _story(
        "urn:newswire:test:ar-1",
        "ar",
        "البنك المركزي يثبت أسعار الفائدة",
        "<p>أبقى البنك المركزي أسعار الفائدة دون تغيير يوم الثلاثاء.</p><p>وارتفعت الأسهم.</p>",
        urgency=1,
    )
    turkish = _story(
        "urn:newswire:test:tr-1",
        "tr",
        "Merkez Bankası faizi sabit tuttu: İğdır'da ılık hava",
        "<p>Şirketler çarşamba günü güçlü bir büyüme açıkladı.</p>",
        urgency=9,
        subjects=[{"name": "spor", "uri": MEDTOP + "15000000"}],
    )
    plain = _story(
        "urn:newswire:test:fr-plain",
        "fr",
        "Texte brut",
        "",
        bodies=[{"role": "main", "contentType": "text/plain", "value": "Un.\n\nDeux."}],
    )
    no_body = _story("urn:newswire:test:de-nobody", "de", "Eilmeldung: Ohne Text", "")
    no_body = no_body.model_copy(update={"bodies": None})
    summary = english.model_copy(update={"bodies": None, "representation_type": "partial"})
    kill = Item.model_validate(
        {
            "uri": "urn:newswire:test:en-1",
            "version": "4",
            "versionCreated": CREATED.isoformat(),
            "pubStatus": "canceled",
            "edNote": "Killed: legal reasons. Do not use.",
            "headlines": [{"role": "main", "value": "KILL: Central bank story"}],
            "language": "en",
        }
    )
    picture = Item.model_validate(
        {
            "uri": "urn:newswire:test:pic-1",
            "type": "picture",
            "version": "1",
            "versionCreated": CREATED.isoformat(),
            "urgency": 5,
            "language": "en",
            "headlines": [{"role": "main", "value": "Crowds in Istanbul"}],
            "descriptions": [
                {"role": "caption", "value": "Crowds gather in Istanbul."},
                {"role": "creditline", "value": "Newswire/J. Doe"},
            ],
            "by": "J. Doe",
            "renditions": [
                {
                    "name": "original",
                    "href": "https://media.example.com/pic-1/original.jpg",
                    "contentType": "image/jpeg",
                    "width": 4000,
                    "height": 3000,
                    "sizeInBytes": 5123456,
                },
                {
                    "name": "thumbnail",
                    "href": "https://media.example.com/pic-1/thumb.jpg",
                    "contentType": "image/jpeg",
                    "width": 200,
                    "height": 150,
                },
            ],
        }
    )
    video = picture.model_copy(
        update={
            "uri": "urn:newswire:test:vid-1",
            "type": "video",
            "renditions": [
                picture.renditions[0].model_copy(  # type: ignore[index]
                    update={
                        "name": "hd",
                        "content_type": "video/mp4",
                        "duration": 69.5,
                        "frame_rate": 25.0,
                        "aspect_ratio": "16:9",
                    }
                )
            ],
        }
    )
    bare = Item.model_validate({"uri": "urn:newswire:test:bare"})
    return {
        "english": english,
        "arabic": arabic,
        "turkish": turkish,
        "plain_text_body": plain,
        "no_body": no_body,
        "summary": summary,
        "kill": kill,
        "picture": picture,
        "video": video,
        "bare": bare,
    }
