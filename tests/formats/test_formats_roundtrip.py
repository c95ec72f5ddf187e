"""Render then parse: every field a format can carry comes back."""

from __future__ import annotations

from typing import Any

import pytest
from formats_support import FUTURE, sample_items
from hypothesis import given, settings
from hypothesis import strategies as st

from newswire.formats import FORMAT_NAMES, parse, render
from newswire.formats.markup import body_html, plain_text
from newswire.model import Item, Rendition

ITEMS = sample_items()


def carried(item: Item, fmt: str) -> dict[str, Any]:
    """The fields every format must carry through a round trip."""
    urgency = item.urgency
    if fmt == "nitf" and urgency is not None:
        urgency = min(urgency, 8)
    return {
        "uri": item.uri,
        "headline": item.headline(),
        "body": plain_text(body_html(item)),
        "summary": [d.value for d in item.descriptions or [] if d.role == "summary"],
        "urgency": urgency,
        "language": item.language,
        "subjects": [(s.uri, s.name) for s in item.subjects or []],
        "embargo": item.embargoed_until,
        "pub_status": item.pub_status or "usable",
        "by": item.by,
        "ed_note": item.ed_note,
    }


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("name", sorted(ITEMS))
def test_round_trip(name: str, fmt: str) -> None:
    item = ITEMS[name]
    parsed = parse(render(fmt, item, products=["world-en"]))
    assert len(parsed) == 1
    assert carried(parsed[0].item, fmt) == carried(item, fmt)
    if fmt == "newsmlg2":
        assert parsed[0].products == ("world-en",)


@pytest.mark.parametrize("fmt", ["ninjs3", "ninjs2", "newsmlg2"])
def test_media_round_trip(fmt: str) -> None:
    for name in ("picture", "video"):
        item = ITEMS[name]
        again = parse(render(fmt, item))[0].item
        assert again.type == item.type
        assert again.renditions == [
            only_2_2(r) if fmt == "ninjs2" else r for r in item.renditions or []
        ]


def only_2_2(rendition: Rendition) -> Rendition:
    """A rendition without the properties ninjs 2.2 has no names for."""
    return rendition.model_copy(update={"aspect_ratio": None, "frame_rate": None})


@pytest.mark.parametrize("fmt", ["newsmlg2", "nitf"])
@pytest.mark.parametrize("signal", ["update", "correction"])
def test_signal_round_trip(fmt: str, signal: str) -> None:
    parsed = parse(render(fmt, ITEMS["english"], signal=signal))[0]
    expected = signal if fmt == "newsmlg2" or signal == "correction" else None
    assert parsed.signal == expected


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_kill_round_trip(fmt: str) -> None:
    parsed = parse(render(fmt, ITEMS["english"], signal="kill"))[0].item
    expected = "usable" if fmt.startswith("ninjs") else "canceled"
    assert parsed.pub_status == expected
    assert parse(render(fmt, ITEMS["kill"]))[0].item.pub_status == "canceled"


@pytest.mark.parametrize("fmt", ["ninjs3", "ninjs2"])
def test_ninjs_round_trip_is_exact(fmt: str) -> None:
    for name, item in ITEMS.items():
        again = parse(render(fmt, item))[0].item
        expected = item
        if fmt == "ninjs2":
            # 2.2 has a standard object of its own and no 3.x-only properties.
            again = again.model_copy(update={"standard": None})
            renditions = [only_2_2(r) for r in item.renditions] if item.renditions else None
            expected = item.model_copy(update={"renditions": renditions})
        assert again == expected, name


words = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@st.composite
def stories(draw: st.DrawFn) -> Item:
    """Random text stories within what every format carries."""
    paragraphs = draw(st.lists(words, min_size=0, max_size=3))
    data: dict[str, Any] = {
        "uri": "urn:newswire:prop:" + str(draw(st.integers(1, 10**9))),
        "headlines": [{"role": "main", "value": draw(words)}],
        "urgency": draw(st.integers(1, 8)),
        "language": draw(st.sampled_from(["en", "ar", "tr", "pt-BR", "de"])),
        "subjects": [
            {"uri": f"http://cv.iptc.org/newscodes/mediatopic/{code:08d}", "name": name}
            for code, name in draw(st.lists(st.tuples(st.integers(1, 99999999), words), max_size=3))
        ],
        "pubStatus": draw(st.sampled_from(["usable", "withheld", "canceled"])),
    }
    if draw(st.booleans()):
        data["embargoedUntil"] = FUTURE.isoformat()
    if paragraphs:
        html = "".join(f"<p>{p.replace('&', '&amp;').replace('<', '&lt;')}</p>" for p in paragraphs)
        data["bodies"] = [{"role": "main", "contentType": "text/html", "value": html}]
    return Item.model_validate(data)


@settings(max_examples=60, deadline=None)
@given(item=stories(), fmt=st.sampled_from(FORMAT_NAMES))
def test_round_trip_property(item: Item, fmt: str) -> None:
    again = parse(render(fmt, item))[0].item
    assert carried(again, fmt) == carried(item, fmt)
