"""The media building blocks on their own: sniffing, the pixel check, renditions of
damaged files (property test), signed-link signatures, the blob store, and the gate's
rules for renditions and associations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from newswire import gate
from newswire.errors import Forbidden, Invalid
from newswire.media.blobs import FileBlobStore
from newswire.media.links import check_link, sign_link
from newswire.media.pictures import picture_renditions
from newswire.media.sniff import check_claim, sniff
from newswire.model import Association, Item, ItemState, Plan, Viewer, ViewerKind
from tests.media.conftest import picture

SAMPLES = {fmt: picture(120, 90, fmt=fmt) for fmt in ("JPEG", "PNG", "GIF", "TIFF", "WEBP")}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_sniffing_knows_each_picture_format(fmt: str) -> None:
    found = sniff(SAMPLES[fmt][:64])
    assert found is not None and found.family == "picture"
    assert found.content_type == Image.MIME[fmt]


def test_claims_are_checked_against_content() -> None:
    assert check_claim(SAMPLES["JPEG"][:64], "a.JPG", "image/jpeg").label == "JPEG"
    assert check_claim(SAMPLES["PNG"][:64], "no-extension", "").label == "PNG"
    with pytest.raises(Invalid, match="is text, not a"):
        check_claim(b"hello", "a.jpg", "image/jpeg")
    with pytest.raises(Invalid, match="binary data of an unknown kind"):
        check_claim(b"\x00\x01\x02\xff" * 8, "a.bin", "")
    with pytest.raises(Invalid, match="declared as 'text/plain'"):
        check_claim(SAMPLES["PNG"][:64], "a.png", "text/plain")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fmt=st.sampled_from(sorted(SAMPLES)),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8)), max_size=6),
    truncate=st.one_of(st.none(), st.integers(16, 10_000)),
)
def test_damaged_pictures_are_refused_or_rendered_never_crash(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: str,
    cuts: list[tuple[int, bytes]],
    truncate: int | None,
) -> None:
    data = bytearray(SAMPLES[fmt])
    for at, junk in cuts:
        at = 16 + at % max(1, len(data) - 16)  # keep the magic bytes: it still sniffs
        data[at : at + len(junk)] = junk
    if truncate is not None:
        data = data[:truncate]
    work = tmp_path_factory.mktemp("damaged")
    source = work / "upload"
    source.write_bytes(bytes(data))
    kind = sniff(bytes(data[:64]))
    assert kind is not None
    try:
        made, _ = picture_renditions(source, work, kind, "Agency", 10_000_000)
    except Invalid as err:
        assert str(err).startswith("file: ")
    else:
        assert [r.name for r in made] == ["original", "print", "web", "thumbnail", "preview"]


def test_signed_links_bind_key_item_rendition_and_expiry() -> None:
    secret = b"s" * 32
    link = sign_link(secret, 7, "urn:x:1", "web", 2_000)
    query = dict(p.split("=") for p in link.split("?", 1)[1].split("&"))
    assert link.startswith("/v1/items/urn%3Ax%3A1/renditions/web?")
    check_link(secret, 7, "urn:x:1", "web", 2_000, query["sig"], now=1_999)
    for args in (
        (8, "urn:x:1", "web", 2_000),
        (7, "urn:x:2", "web", 2_000),
        (7, "urn:x:1", "print", 2_000),
        (7, "urn:x:1", "web", 2_001),
    ):
        with pytest.raises(Forbidden, match="signature"):
            check_link(secret, *args, query["sig"], now=0)  # type: ignore[arg-type]
    with pytest.raises(Forbidden, match="expired"):
        check_link(secret, 7, "urn:x:1", "web", 2_000, query["sig"], now=2_001)
    with pytest.raises(Forbidden, match="signature"):
        check_link(b"other", 7, "urn:x:1", "web", 2_000, query["sig"], now=0)


def test_blob_store_is_content_addressed(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    first = tmp_path / "a"
    first.write_bytes(b"same bytes")
    digest, new = store.put(first)
    assert new and store.has(digest) and store.size(digest) == 10
    again, new_again = store.put(first)
    assert (again, new_again) == (digest, False)
    assert b"".join(store.chunks(digest)) == b"same bytes"
    assert store.digests() == [digest]
    store.delete(digest)
    assert not store.has(digest) and store.digests() == []
    with pytest.raises(ValueError):
        store.has("../../etc/passwd")


def _state(item: Item) -> ItemState:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return ItemState(item=item, version=1, products=frozenset({"world"}), released_at=now)


def test_gate_renditions_and_associations() -> None:
    full = Plan("full", frozenset({"world"}))
    text_only = Plan("text", frozenset({"world"}), types=frozenset({"text"}))
    english = Plan("en", frozenset({"world"}), languages=frozenset({"en"}))
    sub = Viewer(ViewerKind.SUBSCRIBER, plan=full)
    public = Viewer(ViewerKind.PUBLIC, public_products=frozenset({"world"}))
    assert gate.rendition_visible(sub, gate.View.FULL, "original")
    assert gate.rendition_visible(sub, gate.View.SUMMARY, "thumbnail")
    assert not gate.rendition_visible(sub, gate.View.SUMMARY, "print")
    assert gate.rendition_visible(public, gate.View.SUMMARY, "preview")
    assert not gate.rendition_visible(public, gate.View.SUMMARY, "thumbnail")
    assert not gate.rendition_visible(sub, gate.View.KILL_NOTICE, "preview")

    story = Item(
        uri="urn:x:story",
        type="text",
        headlines=[{"value": "Story"}],  # type: ignore[list-item]
        associations=[
            Association(name="featureimage", uri="urn:x:pic", type="picture"),
            Association(name="sidebar", uri="urn:x:side", type="text", language="fr"),
        ],
    )
    shown = {
        plan.slug: [
            a.uri
            for a in gate.render(
                _state(story), gate.View.FULL, Viewer(ViewerKind.SUBSCRIBER, plan=plan)
            ).associations
            or []
        ]
        for plan in (full, text_only, english)
    }
    assert shown == {
        "full": ["urn:x:pic", "urn:x:side"],
        "text": ["urn:x:side"],
        "en": ["urn:x:pic"],
    }
    editor = gate.render(_state(story), gate.View.FULL, Viewer(ViewerKind.EDITOR))
    assert len(editor.associations or []) == 2


def test_exif_text_in_utf8_is_read(tmp_path: Path) -> None:
    from newswire.media.pictures import read_metadata

    image = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[315] = "Jürgen Öztürk".encode()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    (tmp_path / "p.jpg").write_bytes(out.getvalue())
    with Image.open(tmp_path / "p.jpg") as opened:
        assert read_metadata(opened).byline == "Jürgen Öztürk"  # type: ignore[arg-type]
