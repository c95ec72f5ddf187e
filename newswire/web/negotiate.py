"""Which format a caller wants: `?format=` first, then the `Accept` header, else ninjs 3."""

from __future__ import annotations

import re

from newswire import formats
from newswire.errors import Invalid

__all__ = ["chosen_format", "download_name"]

_ACCEPTED = {
    "application/vnd.iptc.g2.newsitem+xml": "newsmlg2",
    "application/vnd.iptc.g2+xml": "newsmlg2",
    "application/nitf+xml": "nitf",
    "application/vnd.iptc.nitf+xml": "nitf",
    "application/ninjs+json": "ninjs3",
    "application/json": "ninjs3",
}


def chosen_format(format_param: str | None, accept: str | None) -> str:
    """The format name for a request; `Invalid` for a `format` newswire does not speak."""
    if format_param is not None:
        if format_param not in formats.FORMAT_NAMES:
            raise Invalid(
                f"format: {format_param[:40]!r} is not one of {', '.join(formats.FORMAT_NAMES)}"
            )
        return format_param
    offered = []
    for n, part in enumerate((accept or "").split(",")[:50]):
        media, *params = (p.strip().lower() for p in part.split(";"))
        weight = _quality(params)
        if media in _ACCEPTED and weight > 0:
            offered.append((-weight, n, _ACCEPTED[media]))
    return min(offered)[2] if offered else "ninjs3"


def _quality(params: list[str]) -> float:
    """The `q` weight of one Accept entry (1 when absent or unreadable)."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 1.0
    return 1.0


def download_name(uri: str, version: str | None, fmt: str) -> str:
    """A safe file name for an item: the uri's last part, its version and the extension."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    stem = stem.strip("-.")[:80] or "item"
    suffix = "-ninjs2" if fmt == "ninjs2" else ("-nitf" if fmt == "nitf" else "")
    return f"{stem}-v{version or '1'}{suffix}.{formats.file_extension(fmt)}"
