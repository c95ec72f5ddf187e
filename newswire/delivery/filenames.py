"""Predictable file names for delivered items (hot folders, FTP and SFTP destinations).

`<slug>_v<version>.<ext>` for a version, `<slug>_v<version>_kill.<ext>` for a kill
notice and `<slug>_v<version>_<rendition>.<ext>` for a downloaded rendition. The slug
is the uri with every character outside `A-Za-z0-9.-` replaced by `-` (so it never
holds `_`): the prefix `<slug>_v` names exactly one item's files, and a kill notice's
name says which version files came before it (`recalled_by`).
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["belongs_to", "item_file", "kill_file", "recalled_by", "rendition_file", "slug"]

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_KILL = re.compile(r"(?P<slug>[A-Za-z0-9.-]+)_v(?P<version>[0-9]+)_kill\.(?P<ext>[A-Za-z0-9]+)")
_MAX = 120


def slug(uri: str) -> str:
    """A file-name-safe, deterministic form of the uri (hashed when very long)."""
    safe = _UNSAFE.sub("-", uri).strip("-.") or "item"
    if len(safe) > _MAX:
        digest = hashlib.sha256(uri.encode()).hexdigest()[:12]
        safe = f"{safe[: _MAX - 13]}-{digest}"
    return safe


def item_file(uri: str, version: int, ext: str) -> str:
    """The file of one version of an item."""
    return f"{slug(uri)}_v{version}.{ext}"


def kill_file(uri: str, version: int, ext: str) -> str:
    """The kill notice of an item (the kill is its own, last version)."""
    return f"{slug(uri)}_v{version}_kill.{ext}"


def rendition_file(uri: str, version: int, name: str, ext: str) -> str:
    """A downloaded rendition (picture, video ...) of one version."""
    return f"{slug(uri)}_v{version}_{_UNSAFE.sub('-', name)}.{ext}"


def recalled_by(kill_name: str) -> list[str]:
    """The version files a kill notice recalls: those of every earlier version (none
    when the name is not a kill notice's)."""
    found = _KILL.fullmatch(kill_name)
    if found is None:
        return []
    name, ext = found["slug"], found["ext"]
    return [f"{name}_v{version}.{ext}" for version in range(1, int(found["version"]))]


def belongs_to(filename: str, uri: str) -> bool:
    """Whether a file in the folder is one of the item's files."""
    return filename.startswith(f"{slug(uri)}_v")
