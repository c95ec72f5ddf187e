"""GET /v1/stream: Server-Sent Events in the caller's view, resumable from the wire log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from newswire import formats
from newswire.delivery.fanout import Connection, Group, Hub, StreamFilter
from newswire.delivery.sse import PREAMBLE
from newswire.errors import Invalid
from newswire.model import DEFAULT_TYPES
from newswire.web.auth import Subscriber, viewer_of
from newswire.web.context import Context, context

__all__ = ["RAW_SEND", "router"]

router = APIRouter(tags=["wire"])
Ctx = Annotated[Context, Depends(context)]
RAW_SEND = "newswire.raw_send"  # the server's own `send`, put in the scope by the app
MAX_SEQ = 2**63 - 1


def _csv(
    field: str, value: str | None, allowed: frozenset[str] | None = None
) -> frozenset[str] | None:
    if value is None:
        return None
    parts = frozenset(p.strip() for p in value.split(",") if p.strip())
    if not parts or any(len(p) > 63 for p in parts):
        raise Invalid(f"{field}: give a comma-separated list of values")
    if allowed is not None and parts - allowed:
        raise Invalid(f"{field}: unknown {', '.join(sorted(parts - allowed))}")
    return parts


def _resume_point(after: int | None, last_event_id: str | None) -> int:
    if last_event_id is not None and last_event_id.strip():
        try:
            value = int(last_event_id.strip())
        except ValueError as err:
            raise Invalid("Last-Event-ID: must be the sequence number of an event") from err
        if not 0 <= value <= MAX_SEQ:
            raise Invalid("Last-Event-ID: out of range")
        return value
    return -1 if after is None else after


class StreamResponse(Response):
    """Hands the connection to the hub once the response has started."""

    def __init__(self, hub: Hub, group: Group, delay: timedelta, key_id: int, after: int) -> None:
        super().__init__(media_type="text/event-stream")
        self.hub, self.group, self.delay, self.key_id, self.after = hub, group, delay, key_id, after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(scope.get(RAW_SEND), "__self__", None), "transport", None)
        if transport is None:
            raise RuntimeError("streaming needs uvicorn's HTTP protocol (no transport found)")
        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"x-accel-buffering", b"no"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": PREAMBLE, "more_body": True})
        conn = Connection(transport, self.key_id, self.after, scope.get("http_version") == "1.1")
        await self.hub.serve(conn, self.group, self.delay, send, receive)


@router.get(
    "/v1/stream",
    response_class=StreamResponse,
    status_code=200,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`id: SEQ`, `event: KIND`, `data: ITEM`; heartbeats",
        }
    },
)
async def stream(
    ctx: Ctx,
    owner: Subscriber,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_SEQ, description="resume after this seq")
    ] = None,
    products: Annotated[str | None, Query(description="comma-separated product slugs")] = None,
    languages: Annotated[str | None, Query(description="comma-separated language tags")] = None,
    types: Annotated[str | None, Query(description="comma-separated item types")] = None,
    urgency: Annotated[
        int | None, Query(ge=1, le=9, description="most urgent to least: at most this")
    ] = None,
    format: Annotated[str, Query(description="ninjs3, ninjs2, newsmlg2 or nitf")] = "ninjs3",
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=40)] = None,
) -> Any:
    """The live wire as Server-Sent Events; resumes after `Last-Event-ID` or `after`."""
    if format not in formats.FORMAT_NAMES:
        raise Invalid(f"format: {format[:40]!r} is not one of {', '.join(formats.FORMAT_NAMES)}")
    stream_filter = StreamFilter(
        products=_csv("products", products),
        languages=_csv("languages", languages),
        types=_csv("types", types, frozenset(DEFAULT_TYPES) | {"component", "event", "planning"}),
        max_urgency=urgency,
    )
    viewer = viewer_of(owner)
    delay = timedelta(minutes=viewer.plan.delay_minutes if viewer.plan else 0)
    group = Group(viewer, stream_filter, format)
    return StreamResponse(ctx.hub, group, delay, owner.key_id, _resume_point(after, last_event_id))
