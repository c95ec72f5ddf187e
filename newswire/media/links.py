"""Signed, expiring download links for clients that cannot send an Authorization header.

A link names the key it was made for, the item, the rendition and an expiry time, and
carries an HMAC-SHA256 of all four under the server's secret. The download still
passes the gate for that key's plan as it stands at download time.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, urlencode

from newswire.errors import Forbidden

__all__ = ["check_link", "rendition_path", "sign_link", "signature"]


def rendition_path(uri: str, name: str) -> str:
    """The site-relative download path of a rendition; the uri is percent-encoded."""
    return f"/v1/items/{quote(uri, safe='')}/renditions/{quote(name, safe='')}"


def signature(secret: bytes, key_id: int, uri: str, name: str, expires: int) -> str:
    """The link's HMAC-SHA256 in hex."""
    message = f"{key_id}\n{uri}\n{name}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign_link(secret: bytes, key_id: int, uri: str, name: str, expires: int) -> str:
    """The site-relative signed download link."""
    query = urlencode(
        {"key": key_id, "expires": expires, "sig": signature(secret, key_id, uri, name, expires)}
    )
    return f"{rendition_path(uri, name)}?{query}"


def check_link(
    secret: bytes, key_id: int, uri: str, name: str, expires: int, sig: str, now: float
) -> None:
    """`Forbidden` when the signature does not match or the link has expired."""
    expected = signature(secret, key_id, uri, name, expires)
    if not hmac.compare_digest(expected.encode(), sig.lower().encode("utf-8", "replace")):
        raise Forbidden("the download link's signature does not match; ask for a new link")
    if expires < now:
        raise Forbidden("the download link has expired; ask for a new link")
