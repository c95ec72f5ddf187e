"""The wire as the agent reads it over HTTP: the SSE stream, the cursor feed, item
renderings and rendition downloads, all with the subscriber's key.

The agent reads the wire in ninjs 3 whatever format it writes: ninjs 3 names every
entry's uri, version and renditions the same way, while a NITF rendering carries no
version. Other formats are fetched per item from `GET /v1/items/{uri}?version=`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from httpx_sse import SSEError, connect_sse

from newswire.follow.exits import AuthRefused, ServerTrouble

__all__ = ["FeedPage", "WireClient", "WireEvent"]

_KINDS = frozenset({"publish", "update", "correction", "kill", "release"})


@dataclass(frozen=True, slots=True)
class WireEvent:
    """One wire-log entry the plan shows: its seq, kind and the item in ninjs 3."""

    seq: int
    kind: str
    item: dict[str, Any]

    @property
    def uri(self) -> str:
        return str(self.item["uri"])

    @property
    def version(self) -> int:
        return int(self.item.get("version") or 1)


@dataclass(frozen=True, slots=True)
class FeedPage:
    """A page of the cursor feed and the cursor after it."""

    events: list[WireEvent]
    next: int


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code in (401, 403):
        response.read()
        raise AuthRefused(f"{what}: the server refused the key ({_detail(response)})")
    if response.status_code != 200:
        response.read()
        raise ServerTrouble(f"{what}: HTTP {response.status_code} ({_detail(response)})")


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:200] or response.reason_phrase
    except ValueError:
        return response.reason_phrase


def _event(seq: object, kind: str, item: object) -> WireEvent:
    if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
        raise ServerTrouble(f"event {seq}: the item has no uri")
    if kind not in _KINDS:
        raise ServerTrouble(f"event {seq}: unknown kind {kind!r}")
    try:
        return WireEvent(int(str(seq)), kind, item)
    except ValueError:
        raise ServerTrouble(f"event {seq!r}: not a sequence number") from None


class WireClient:
    """An HTTP client for one server and key; one kept-alive connection."""

    def __init__(self, url: str, key: str, heartbeat_timeout: float = 45.0) -> None:
        self.http = httpx.Client(
            base_url=url.rstrip("/"),
            headers={"Authorization": f"Bearer {key}", "User-Agent": "newswire-follow"},
            timeout=httpx.Timeout(30.0, connect=10.0),
        )
        # The server sends a heartbeat every 15 s to a quiet stream; silence for longer
        # than this means the connection is dead, so the agent reconnects.
        self.heartbeat_timeout = heartbeat_timeout

    def close(self) -> None:
        """Close the connection."""
        self.http.close()

    def stream(self, after: int) -> Iterator[WireEvent]:
        """The live stream after `after`, until the server or the connection ends it."""
        timeout = httpx.Timeout(30.0, connect=10.0, read=self.heartbeat_timeout)
        headers = {"Last-Event-ID": str(after)}
        with connect_sse(
            self.http, "GET", "/v1/stream", params={"format": "ninjs3"},
            headers=headers, timeout=timeout,
        ) as source:  # fmt: skip
            _check(source.response, "stream")
            try:
                for sse in source.iter_sse():
                    if sse.event == "error":
                        _raise_stream_error(sse.data)
                    if sse.event in _KINDS:
                        yield _event(sse.id, sse.event, _json(sse.data, sse.id))
            except SSEError as err:
                raise ServerTrouble(f"stream: {err}") from err

    def feed(self, after: int, wait: float, limit: int = 200) -> FeedPage:
        """One page of the cursor feed after `after`, long-polling up to `wait` s."""
        timeout = httpx.Timeout(wait + 30.0, connect=10.0)
        params = {"after": after, "wait": wait, "limit": limit}
        response = self.http.get("/v1/feed", params=params, timeout=timeout)
        _check(response, "feed")
        body = _json(response.text, "feed")
        try:
            events = [_event(e["seq"], e["event"], e["item"]) for e in body["entries"]]
            return FeedPage(events, int(body["next"]))
        except (KeyError, TypeError, ValueError) as err:
            raise ServerTrouble(f"feed: unexpected page ({err})") from err

    def rendering(self, uri: str, version: int, fmt: str) -> bytes | None:
        """The item's version in a format, or None when the plan no longer shows it."""
        response = self.http.get(
            f"/v1/items/{quote(uri, safe='')}", params={"version": version, "format": fmt}
        )
        if response.status_code in (404, 410):
            return None
        _check(response, f"item {uri} v{version}")
        return response.content

    @contextmanager
    def rendition(self, uri: str, name: str) -> Iterator[httpx.Response | None]:
        """A streamed rendition download, or None where there is none to download."""
        path = f"/v1/items/{quote(uri, safe='')}/renditions/{quote(name, safe='')}"
        with self.http.stream("GET", path) as response:
            if response.status_code in (404, 405, 410, 501):
                response.read()
                yield None
                return
            _check(response, f"rendition {name} of {uri}")
            yield response


def _json(text: str, where: object) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ServerTrouble(f"{where}: the server sent something that is not JSON") from None


def _raise_stream_error(data: str) -> None:
    try:
        problem = json.loads(data)
    except ValueError:
        problem = {}
    status = problem.get("status") if isinstance(problem, dict) else None
    detail = problem.get("detail", data) if isinstance(problem, dict) else data
    if status in (401, 403):
        raise AuthRefused(f"stream: {detail}")
    raise ServerTrouble(f"stream closed by the server: {detail}")
