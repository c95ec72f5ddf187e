"""How the public site points at media: only ever the watermarked preview, through the
public preview URL (never a subscriber rendition link)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote, urlsplit

from newswire.media.links import rendition_path
from newswire.model import ItemState
from newswire.web.public_views import Story

__all__ = ["PUBLIC_PREVIEW", "public_media_story", "public_preview_path"]

PUBLIC_PREVIEW = "/media/preview/"


def public_preview_path(uri: str) -> str:
    """The public URL path of a public picture's watermarked preview."""
    return PUBLIC_PREVIEW + quote(uri, safe="")


def public_media_story(story: Story, state: ItemState) -> Story:
    """A picture or graphic whose renditions this wire stores shows its preview through
    the public URL; such a video shows no picture (its preview is a film). Items whose
    renditions live elsewhere (an href the editor gave) are left as they are."""
    item = state.item
    if item.type not in ("picture", "graphic", "video") or not item.uri:
        return story
    ours = {
        r.name
        for r in item.renditions or []
        if urlsplit(r.href or "").path == rendition_path(item.uri, r.name)
    }
    if not ours:
        return story
    if item.type == "video" or "preview" not in ours:
        return replace(story, picture=None, thumbnail=None)
    path = public_preview_path(item.uri)
    return replace(story, picture=path, thumbnail=path)
