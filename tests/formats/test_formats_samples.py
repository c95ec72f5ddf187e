"""Real-world files we did not write: IPTC's and agencies' ninjs and NewsML-G2 examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_support import SAMPLES, needs_samples, needs_standards, ninjs_errors, xsd_errors

from newswire.errors import Invalid
from newswire.formats import FORMAT_NAMES, Parsed, parse, render
from newswire.formats.markup import body_html, plain_text


def files(folder: str, pattern: str) -> list[Path]:
    """The sample files of one folder (empty when the samples are absent)."""
    return sorted((SAMPLES / folder).glob(pattern)) if SAMPLES.is_dir() else []


def read(folder: str, name: str) -> list[Parsed]:
    """Parse one sample file."""
    path = SAMPLES / folder / name
    return parse(path.read_bytes(), filename=path.name)


# NewsML-G2 listings that are not whole documents; each is refused with this reason.
G2_REJECTED = {
    "LISTING_24_News_Message_conveying_a_complete_News_Package.xml": (
        "newsMessage/itemSet/packageItem[1]@guid: missing"
    ),
    "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml": (
        "<contentSet> is a NewsML-G2 fragment"
    ),
    "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml": (
        "<contentMeta> is a NewsML-G2 fragment"
    ),
}


@needs_samples
@pytest.mark.parametrize("path", files("ninjs", "*.json"), ids=lambda p: p.name)
def test_every_ninjs_sample_is_read(path: Path) -> None:
    parsed = parse(path.read_bytes(), filename=path.name)
    assert len(parsed) == 1
    assert parsed[0].item.uri


@needs_samples
@needs_standards
@pytest.mark.parametrize(
    "path",
    files("ninjs", "*.json")
    + [p for p in files("newsml-g2", "*.xml") if p.name not in G2_REJECTED],
    ids=lambda p: p.name,
)
def test_our_output_for_samples_validates(path: Path) -> None:
    for parsed in parse(path.read_bytes()):
        for fmt in FORMAT_NAMES:
            output = render(fmt, parsed.item, signal=parsed.signal, products=parsed.products)
            if fmt.startswith("ninjs"):
                errors = ninjs_errors("3.1" if fmt == "ninjs3" else "2.2", json.loads(output))
            else:
                errors = xsd_errors("newsml-g2" if fmt == "newsmlg2" else "nitf", output)
            assert errors == [], fmt
            again = parse(output)[0].item
            assert again.headline() == parsed.item.headline()
            if parsed.item.bodies and fmt != "ninjs3":
                assert plain_text(body_html(again)) == plain_text(body_html(parsed.item))


@needs_samples
@pytest.mark.parametrize("path", files("ninjs-should-fail", "*.json"), ids=lambda p: p.name)
def test_conformance_failures_are_rejected(path: Path) -> None:
    with pytest.raises(Invalid) as caught:
        parse(path.read_bytes(), filename=path.name)
    assert ":" in str(caught.value)


@needs_samples
def test_should_fail_reasons_name_the_field() -> None:
    reasons = {
        "3.0_006_bad_urgency.json": "urgency",
        "3.0_001_bad_toplevel.json": "random",
        "2.1_003_good_association_but_no_uri.json": "associations[0].uri",
        "2.1_002_good_association_but_no_name.json": "associations[0].name",
        "3.0_001_bad_geojson.json": "places[0].geoJSON",
        "2.1_004_bad_rights.json": "rightsInfo",
        "3.0_005_planned_coverage_bad_urgency.json": "plannedCoverage[0]",
        "3.0_004_invalid_truncated_date.json": "eventDetails.dates.expectedStartDate",
    }
    for name, field in reasons.items():
        with pytest.raises(Invalid, match=field.replace("[", r"\[").replace("]", r"\]")):
            read("ninjs-should-fail", name)


@needs_samples
def test_ninjs_sample_values() -> None:
    dpa = read("ninjs", "2.1_dpa_text.json")[0].item
    assert dpa.headline() == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert dpa.urgency == 4
    assert dpa.language == "de"
    assert dpa.bodies and dpa.bodies[0].content_type == "text/html"
    assert dpa == read("ninjs", "3.0_dpa_text.json")[0].item
    ap = read("ninjs", "3.0_ap_image.json")[0].item
    assert ap.type == "picture"
    assert ap.renditions and len(ap.renditions) == 4
    assert ap.renditions[0].width == 3000
    ap2 = read("ninjs", "2.1_ap_image.json")[0].item
    assert ap2.renditions and [r.name for r in ap2.renditions] == [r.name for r in ap.renditions]
    assert ap2.places and ap2.places[0].geo_json == {"type": "Point", "coordinates": [35, 39]}
    tt = read("ninjs", "3.0_tt_text_image_3.json")[0].item
    assert tt.language == "sv"
    assert tt.associations and tt.associations[0].renditions


@needs_samples
def test_newsml_g2_sample_values() -> None:
    text = read("newsml-g2", "LISTING_1_A_NewsML-G2_News_Item.xml")[0]
    assert text.item.uri == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert text.item.headline() == 'Fed to halt QE to avert "bubble"'
    assert text.item.language == "en-GB"
    assert text.item.version == "11"
    assert text.signal == "update"
    assert text.products == ("uknews",)
    assert text.item.embargoed_until and text.item.embargoed_until.isoformat() == (
        "2018-10-23T12:00:00+00:00"
    )
    assert text.item.subjects and text.item.subjects[1].uri == (
        "http://cv.iptc.org/newscodes/mediatopic/20000523"
    )
    assert text.item.subjects[1].name == "labour market"
    assert text.item.located == "Berlin"
    nitf = read("newsml-g2", "LISTING_2_NewsML-G2_Text_Document.xml")[0].item
    assert nitf.language == "en-US"
    assert nitf.bodies and nitf.bodies[0].value.startswith("<p>(New York, NY - October 21) Et,")
    photo = read("newsml-g2", "LISTING_3_Photo_in_NewsML-G2.xml")[0].item
    assert photo.type == "picture"
    assert photo.renditions and [r.name for r in photo.renditions] == ["highRes", "web", "thumb"]
    assert photo.renditions[0].size_in_bytes == 346071
    assert photo.by == "Spencer Platt"
    uris = read("newsml-g2", "LISTING_3A_Photo_in_NewsML-G2_(URI_sibling_attributes).xml")[0]
    assert uris.item.renditions and uris.item.renditions[2].name == "thumb"
    video = read("newsml-g2", "LISTING_4_Multiple_Renditions_of_a_Video_in_NewsML-G2.xml")[0].item
    assert video.type == "video"
    assert video.renditions and len(video.renditions) == 3
    assert video.renditions[1].duration == 69
    assert video.renditions[1].frame_rate == 25
    package = read("newsml-g2", "LISTING_6_Simple_NewsML-G2_Package.xml")[0]
    assert package.item.type == "composite"
    assert package.item.associations and len(package.item.associations) == 2
    assert package.item.associations[1].type == "picture"


@needs_samples
@pytest.mark.parametrize("name", sorted(G2_REJECTED))
def test_newsml_g2_fragments_are_rejected_clearly(name: str) -> None:
    with pytest.raises(Invalid, match=G2_REJECTED[name].replace("[", r"\[").replace("]", r"\]")):
        read("newsml-g2", name)
