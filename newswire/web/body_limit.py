"""Request body size limits: 413 problem+json before a large body is read.

JSON bodies are small (a story is tens of kilobytes); ingest takes one file; media
uploads take pictures and video. A body announced larger than its limit is refused
before a byte is read; a chunked body is counted as it arrives and refused when it
passes the limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswire.errors import TooLarge
from newswire.web.problems import error_response

__all__ = ["BodyLimit", "limit_for"]

MIB = 1024 * 1024
JSON_LIMIT = 1 * MIB
# Path prefixes that take files, and their limits.
FILE_LIMITS = (("/v1/desk/media", 1024 * MIB), ("/v1/desk/ingest", 50 * MIB))


def limit_for(path: str) -> int:
    """The largest body accepted on a path."""
    for prefix, limit in FILE_LIMITS:
        if path.startswith(prefix):
            return limit
    return JSON_LIMIT


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"the request body is larger than this endpoint accepts ({limit // 1024} KiB); send less"
    )


class BodyLimit:
    """ASGI middleware enforcing `limit_for` on every request body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > limit:
                await error_response(_too_large(limit))(scope, receive, send)
                return
        if declared is None and limit > JSON_LIMIT:
            receive = _counting(receive, limit)  # files: not held in memory here
        elif declared is None and scope["method"] not in ("GET", "HEAD", "OPTIONS", "DELETE"):
            body, more = await _read_up_to(receive, limit)
            if more:
                await error_response(_too_large(limit))(scope, receive, send)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


async def _read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, read until it ends or passes `limit` (then `more` is True)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _counting(receive: Receive, limit: int) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise _too_large(limit)
        return message

    return counted
