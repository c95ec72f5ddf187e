"""Checks on values that arrive in URL paths, and the routing of percent-encoded uris.

CONTRACT.md has clients percent-encode an item's uri in a path. The router matches the
decoded path, so `http://x.example/a/related` sent as `http%3A%2F%2Fx.example%2Fa%2Frelated`
would look like the related stories of `http://x.example/a`. `EncodedSlashes` keeps a
slash the client encoded apart from the path's own slashes until `checked_uri` reads it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from newswire.errors import Invalid

__all__ = ["ENCODED_SLASH", "EncodedSlashes", "checked_uri"]

MAX_URI = 500
# A Unicode noncharacter, never in interchange text: stands for a slash sent as %2F.
ENCODED_SLASH = "\ufdd0"
_PREFIXES = (b"/v1/items/", b"/v1/desk/items/")
_PERCENT_2F = re.compile(r"%2f", re.IGNORECASE)


def checked_uri(uri: str) -> str:
    """The item uri from a path, or `Invalid` when it cannot be one."""
    uri = uri.replace(ENCODED_SLASH, "/")
    if not uri or len(uri) > MAX_URI or "\x00" in uri:
        raise Invalid(f"uri: must be 1 to {MAX_URI} characters with no NUL")
    return uri


class EncodedSlashes:
    """ASGI middleware: under /v1/items/ and /v1/desk/items/, a slash sent as %2F is routed
    as part of the uri (`checked_uri` turns it back into a slash)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if isinstance(raw, bytes) and raw.startswith(_PREFIXES) and b"%2" in raw:
            text = raw.decode("latin-1")
            if _PERCENT_2F.search(text):
                marked = _PERCENT_2F.sub("%EF%B7%90", text)  # ENCODED_SLASH in UTF-8
                scope = dict(scope, path=unquote(marked))
        await self.app(scope, receive, send)
