"""A picture published with a story: renditions, entitled downloads, associations,
the public page's watermarked preview, kills, signed links and download counts."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from lxml import etree
from PIL import Image, ImageChops, ImageStat

from newswire.store.database import Database
from newswire.store.usage import usage_today
from tests.conftest import Wire, run_async, story
from tests.media.conftest import blobs_of, picture, upload, with_iptc

ALL = ["original", "print", "web", "thumbnail", "preview"]
EXIF = {270: "Rescuers search the rubble in the old town", 315: "Ayşe Kaya", 33432: "© Test Photo"}


def _setup(wire: Wire) -> dict[str, httpx.Client]:
    wire.product("world", public=True)
    wire.plan("full", ["world"])
    wire.plan("text-only", ["world"], types=["text"])
    wire.plan("summary", ["world"], depth="summary")
    return {
        "full": wire.subscriber("Full Daily", "full"),
        "text": wire.subscriber("Text Daily", "text-only"),
        "summary": wire.subscriber("Summary Daily", "summary"),
    }


def _publish_pair(wire: Wire, original: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    r = upload(wire, original, "rubble.jpg", item={"headlines": [{"value": "Rubble"}]})
    assert r.status_code == 201, r.text
    pic = r.json()
    lead = {"name": "featureimage", "uri": pic["uri"], "type": "picture"}
    text = wire.publish(story("Quake hits the old town", associations=[lead]), ["world"])
    return pic, text


def _path(uri: str, name: str) -> str:
    return f"/v1/items/{quote(uri, safe='')}/renditions/{name}"


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _downloads(db_url: str, subscriber: str) -> int:
    async def read() -> int:
        db = Database(db_url, size=1)
        await db.open()
        try:
            async with db.connection() as conn:
                cur = await conn.execute(
                    "SELECT id FROM subscribers WHERE name = %s", (subscriber,)
                )
                row = await cur.fetchone()
            assert row is not None
            return await usage_today(db, int(row[0]), "download")
        finally:
            await db.close()

    result: int = run_async(read())
    return result


def test_full_plan_downloads_every_rendition_text_plan_gets_404(media: Wire) -> None:
    subs = _setup(media)
    original = picture(exif=EXIF)
    pic, text = _publish_pair(media, original)
    assert pic["renditions"] == ALL
    assert pic["version"] == 1 and pic["seq"] >= 1

    # The full plan sees the story's association and the picture with all renditions.
    got = subs["full"].get(f"/v1/items/{quote(text['uri'], safe='')}").json()
    assert [a["uri"] for a in got["associations"]] == [pic["uri"]]
    item = subs["full"].get(f"/v1/items/{quote(pic['uri'], safe='')}").json()
    assert item["type"] == "picture"
    # Caption, byline and copyright came from the file's EXIF: the editor left them empty.
    assert item["descriptions"] == [{"role": "caption", "value": EXIF[270]}]
    assert item["by"] == EXIF[315] and item["copyrightNotice"] == EXIF[33432]
    by_name = {r["name"]: r for r in item["renditions"]}
    assert sorted(by_name) == sorted(ALL)

    sizes = {
        "print": (2000, 1500),
        "web": (1600, 1200),
        "preview": (640, 480),
        "thumbnail": (320, 240),
        "original": (2000, 1500),
    }
    for name in ALL:
        meta = by_name[name]
        assert urlsplit(meta["href"]).path == _path(pic["uri"], name)
        r = subs["full"].get(urlsplit(meta["href"]).path)
        assert r.status_code == 200, (name, r.text)
        assert r.headers["content-type"] == meta["contentType"] == "image/jpeg"
        assert len(r.content) == meta["sizeInBytes"]
        assert (meta["width"], meta["height"]) == sizes[name]
        assert _image(r.content).size == sizes[name]
        if name == "original":
            assert r.content == original
    assert _downloads(media.db_url, "Full Daily") == len(ALL)

    # A text-only plan: the association is gone, the picture and every rendition are 404.
    got = subs["text"].get(f"/v1/items/{quote(text['uri'], safe='')}").json()
    assert "associations" not in got
    assert subs["text"].get(f"/v1/items/{quote(pic['uri'], safe='')}").status_code == 404
    for name in ALL:
        r = subs["text"].get(_path(pic["uri"], name))
        assert r.status_code == 404, name
        assert r.headers["content-type"] == "application/problem+json"
    assert _downloads(media.db_url, "Text Daily") == 0


def test_summary_plan_gets_only_thumbnail_and_preview(media: Wire) -> None:
    subs = _setup(media)
    pic, _ = _publish_pair(media, picture(800, 600))
    item = subs["summary"].get(f"/v1/items/{quote(pic['uri'], safe='')}").json()
    assert sorted(r["name"] for r in item["renditions"]) == ["preview", "thumbnail"]
    for name in ALL:
        status = subs["summary"].get(_path(pic["uri"], name)).status_code
        assert status == (200 if name in ("thumbnail", "preview") else 404), name


def test_public_page_shows_only_the_watermarked_preview(media: Wire) -> None:
    _setup(media)
    original = picture(exif=EXIF)
    pic, text = _publish_pair(media, original)
    public = media.client()
    page = public.get(f"/stories/{quote(text['uri'], safe=':@')}")
    assert page.status_code == 200
    html = etree.HTML(page.text)
    sources = html.xpath("//img/@src")
    preview_path = f"/media/preview/{quote(pic['uri'], safe='')}"
    assert sources == [preview_path]
    assert "/renditions/" not in page.text  # no subscriber download link on the page

    r = public.get(preview_path)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    shown = _image(r.content)
    assert shown.size == (640, 480)
    assert not shown.getexif() and "icc_profile" not in shown.info  # metadata stripped
    # Visibly watermarked: it differs clearly from a plain scaled copy of the original.
    plain = _image(original).convert("RGB").resize((640, 480), Image.Resampling.LANCZOS)
    diff = ImageChops.difference(shown.convert("RGB"), plain).convert("L")
    changed = sum(diff.point(lambda v: 255 if v > 60 else 0).histogram()[255:])
    assert changed > 0.06 * 640 * 480, changed  # the name across it and the band below
    band = ImageStat.Stat(diff.crop((0, 450, 640, 480))).mean[0]
    assert band > 30, band
    # The public gets the preview only, and no rendition through the subscriber API.
    assert public.get(_path(pic["uri"], "preview")).status_code == 401
    assert public.get(f"/media/preview/{quote(text['uri'], safe='')}").status_code == 404


def test_preview_of_a_non_public_picture_is_not_public(media: Wire) -> None:
    media.product("wire-only")
    r = upload(
        media,
        picture(400, 300),
        "p.jpg",
        products="wire-only",
        item={"headlines": [{"value": "Private"}]},
    )
    assert r.status_code == 201, r.text
    uri = r.json()["uri"]
    assert media.client().get(f"/media/preview/{quote(uri, safe='')}").status_code == 404


def test_kill_makes_every_rendition_url_answer_410(media: Wire) -> None:
    subs = _setup(media)
    pic, text = _publish_pair(media, picture(800, 600))
    link = subs["full"].get(_path(pic["uri"], "web") + "/link").json()["href"]
    r = media.editor.post(
        f"/v1/desk/items/{quote(pic['uri'], safe='')}/kill", json={"reason": "wrong town"}
    )
    assert r.status_code == 200, r.text
    for name in ALL:
        assert subs["full"].get(_path(pic["uri"], name)).status_code == 410, name
        assert media.editor.get(_path(pic["uri"], name)).status_code == 410, name
    for name in ("thumbnail", "preview"):
        assert subs["summary"].get(_path(pic["uri"], name)).status_code == 410, name
    public = media.client()
    assert public.get(f"/media/preview/{quote(pic['uri'], safe='')}").status_code == 410
    assert public.get(urlsplit(link).path + "?" + urlsplit(link).query).status_code == 410
    # The story stays up, without the killed picture.
    page = public.get(f"/stories/{quote(text['uri'], safe=':@')}")
    assert page.status_code == 200 and "<img" not in page.text


def test_signed_link_works_without_header_and_expires(media: Wire) -> None:
    subs = _setup(media)
    pic, _ = _publish_pair(media, picture(800, 600))
    r = subs["full"].get(_path(pic["uri"], "print") + "/link", params={"ttl": 120})
    assert r.status_code == 200, r.text
    href = urlsplit(r.json()["href"])
    anonymous = media.client()
    got = anonymous.get(f"{href.path}?{href.query}")
    assert got.status_code == 200 and _image(got.content).size == (800, 600)
    assert _downloads(media.db_url, "Full Daily") == 1  # counted for the link's subscriber

    # Another rendition, a changed expiry or signature: refused.
    other = href.path.replace("/print", "/original")
    assert anonymous.get(f"{other}?{href.query}").status_code == 403
    tampered = href.query.replace("expires=", "expires=1")
    assert anonymous.get(f"{href.path}?{tampered}").status_code == 403
    expired = anonymous.get(href.path, params={"key": 1, "expires": 1000, "sig": "00" * 32})
    assert expired.status_code == 403
    partial = anonymous.get(href.path, params={"sig": "ab"})
    assert partial.status_code == 401
    # A plan that does not cover the picture gets no link.
    assert subs["text"].get(_path(pic["uri"], "print") + "/link").status_code == 404
    assert subs["summary"].get(_path(pic["uri"], "print") + "/link").status_code == 404


def test_editor_metadata_wins_over_the_file_and_g2_lists_renditions(media: Wire) -> None:
    subs = _setup(media)
    item = {
        "headlines": [{"value": "Harbour at dawn"}],
        "descriptions": [{"role": "caption", "value": "The desk's own caption"}],
        "by": "Desk Photographer",
    }
    r = upload(media, picture(1000, 700, exif=EXIF), "harbour.jpg", item=item)
    assert r.status_code == 201, r.text
    uri = r.json()["uri"]
    got = subs["full"].get(f"/v1/items/{quote(uri, safe='')}").json()
    assert got["descriptions"] == item["descriptions"] and got["by"] == "Desk Photographer"
    assert got["copyrightNotice"] == EXIF[33432]  # left empty by the desk: from the file
    g2 = subs["full"].get(f"/v1/items/{quote(uri, safe='')}", params={"format": "newsmlg2"})
    assert g2.status_code == 200
    root = etree.fromstring(g2.content)
    remote = root.findall(".//{http://iptc.org/std/nar/2006-10-01/}remoteContent")
    web = next(e for e in remote if e.get("rendition") == "rnd:web")
    assert (web.get("width"), web.get("height"), web.get("contenttype")) == (
        "1000",
        "700",
        "image/jpeg",
    )
    assert urlsplit(web.get("href")).path == _path(uri, "web")
    assert int(web.get("size")) > 0
    assert len(remote) == len(ALL)
    assert blobs_of(media).digests()  # the renditions are in the blob store


def test_public_lists_show_a_public_picture_only_through_its_preview(media: Wire) -> None:
    _setup(media)
    pic, _ = _publish_pair(media, picture(800, 600))
    public = media.client()
    preview = f"/media/preview/{quote(pic['uri'], safe='')}"
    for page in ("/", "/products/world", f"/stories/{quote(pic['uri'], safe=':@')}"):
        r = public.get(page)
        assert r.status_code == 200, page
        assert "/renditions/" not in r.text, page
        assert preview in etree.HTML(r.text).xpath("//img/@src"), page


def test_iptc_wins_over_exif_and_graphics_keep_their_type(media: Wire) -> None:
    subs = _setup(media)
    iptc = {120: "Crowds gather at the harbour", 80: "Zeynep Arslan", 116: "© Wire Photo"}
    data = with_iptc(picture(640, 480, exif=EXIF), iptc)
    r = upload(media, data, "crowd.jpg")
    assert r.status_code == 201, r.text
    got = subs["full"].get(f"/v1/items/{quote(r.json()['uri'], safe='')}").json()
    assert got["descriptions"] == [{"role": "caption", "value": iptc[120]}]
    assert (got["by"], got["copyrightNotice"]) == (iptc[80], iptc[116])

    chart = Image.new("RGBA", (500, 300), (0, 0, 0, 0))
    chart.paste((200, 30, 30, 255), (50, 50, 250, 250))
    out = io.BytesIO()
    chart.save(out, "PNG")
    item = {"type": "graphic", "headlines": [{"value": "Turnout by region"}]}
    r = upload(media, out.getvalue(), "chart.png", item=item, content_type="image/png")
    assert r.status_code == 201, r.text
    uri = r.json()["uri"]
    got = subs["full"].get(f"/v1/items/{quote(uri, safe='')}").json()
    assert got["type"] == "graphic"
    kinds = {x["name"]: x["contentType"] for x in got["renditions"]}
    assert kinds["original"] == "image/png" and kinds["web"] == "image/jpeg"
    web = _image(subs["full"].get(_path(uri, "web")).content).convert("RGB")
    assert web.getpixel((5, 5)) == (255, 255, 255)  # transparency laid on white


def test_revalidation_answers_304_and_counts_no_download(media: Wire) -> None:
    subs = _setup(media)
    pic, _ = _publish_pair(media, picture(400, 300))
    first = subs["full"].get(_path(pic["uri"], "web"))
    etag = first.headers["etag"]
    again = subs["full"].get(_path(pic["uri"], "web"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert _downloads(media.db_url, "Full Daily") == 1
