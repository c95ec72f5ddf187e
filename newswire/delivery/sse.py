"""Server-Sent Events framing, encoded once and written as the same bytes to every client."""

from __future__ import annotations

import json

__all__ = ["HEARTBEAT", "PREAMBLE", "chunked", "error_frame", "event_frame"]

PREAMBLE = b"retry: 3000\n: newswire stream\n\n"
HEARTBEAT = b": heartbeat\n\n"


def event_frame(seq: int, kind: str, data: str) -> bytes:
    """One event: `id`, `event` and the payload as one `data:` line per line of text."""
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    payload = "".join(f"data: {line}\n" for line in lines)
    return f"id: {seq}\nevent: {kind}\n{payload}\n".encode()


def error_frame(title: str, detail: str, status: int) -> bytes:
    """An `error` event carrying a problem object, sent before the server closes the stream."""
    problem = {"title": title, "status": status, "detail": detail}
    return f"event: error\ndata: {json.dumps(problem)}\n\n".encode()


def chunked(frame: bytes) -> bytes:
    """The frame as one HTTP/1.1 chunk (the response uses chunked transfer encoding)."""
    return b"%x\r\n%b\r\n" % (len(frame), frame)
