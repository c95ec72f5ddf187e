"""GET /v1/stream: Server-Sent Events in the caller's view, resumable from the wire log.

A stream request never finishes, so whatever its handler's frames hold stays in memory
for hours. `NewswireApp` therefore serves it on a short path (`serve_stream`) in front
of FastAPI's routing; the FastAPI route below documents the same call in OpenAPI and
serves it the same way when the app is mounted differently.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, Query
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from newswire import formats
from newswire.delivery.fanout import Connection, Group, Hub, StreamFilter
from newswire.delivery.sse import PREAMBLE
from newswire.errors import Invalid, NewswireError
from newswire.model import DEFAULT_TYPES
from newswire.store.keys import KeyOwner
from newswire.web.auth import Subscriber, authenticate, bearer_key, viewer_of
from newswire.web.context import Context, context
from newswire.web.limits import client_address
from newswire.web.problems import error_response

__all__ = ["PATH", "RAW_SEND", "router", "serve_stream", "stream_response"]

router = APIRouter(tags=["wire"])
Ctx = Annotated[Context, Depends(context)]
PATH = "/v1/stream"
RAW_SEND = "newswire.raw_send"  # the server's own `send`, put in the scope by the app
MAX_SEQ = 2**63 - 1
_TYPES = frozenset(DEFAULT_TYPES) | {"component", "event", "planning"}
Names = frozenset[str]


@dataclass(frozen=True)
class StreamRequest:
    """A checked stream request: who, what and from where."""

    group: Group
    delay: timedelta
    key_id: int
    after: int
    subscriber_id: int | None = None
    session_id: str | None = None  # a portal stream's login session


def _csv(field: str, value: str | None, allowed: Names | None = None) -> Names | None:
    if value is None:
        return None
    parts = frozenset(p.strip() for p in value.split(",") if p.strip())
    if not parts or any(len(p) > 63 for p in parts):
        raise Invalid(f"{field}: give a comma-separated list of values")
    if allowed is not None and parts - allowed:
        raise Invalid(f"{field}: unknown {', '.join(sorted(parts - allowed))}")
    return parts


def _number(field: str, value: str | None, low: int, high: int) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError as err:
        raise Invalid(f"{field}: must be a whole number") from err
    if not low <= number <= high:
        raise Invalid(f"{field}: must be between {low} and {high}")
    return number


def prepare_stream(
    hub: Hub, owner: KeyOwner, params: dict[str, str | None], session_id: str | None = None
) -> StreamRequest:
    """Check a stream request's parameters (all strings, as they arrive)."""
    fmt = params.get("format") or "ninjs3"
    if fmt not in formats.FORMAT_NAMES:
        raise Invalid(f"format: {fmt[:40]!r} is not one of {', '.join(formats.FORMAT_NAMES)}")
    stream_filter = StreamFilter(
        products=_csv("products", params.get("products")),
        languages=_csv("languages", params.get("languages")),
        types=_csv("types", params.get("types"), _TYPES),
        max_urgency=_number("urgency", params.get("urgency"), 1, 9),
    )
    resume = _number("Last-Event-ID", params.get("last_event_id"), 0, MAX_SEQ)
    if resume is None:
        resume = _number("after", params.get("after"), 0, MAX_SEQ)
    viewer = viewer_of(owner)
    delay = timedelta(minutes=viewer.plan.delay_minutes if viewer.plan else 0)
    group = hub.group(viewer, stream_filter, fmt)
    after = -1 if resume is None else resume
    return StreamRequest(group, delay, owner.key_id, after, owner.subscriber_id, session_id)


async def run_stream(
    hub: Hub, request: StreamRequest, scope: Scope, receive: Receive, send: Send
) -> None:
    """Start the event-stream response and hand the connection to the hub."""
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
    conn = Connection(
        transport,
        request.key_id,
        request.after,
        scope.get("http_version") == "1.1",
        request.subscriber_id,
        request.session_id,
    )
    group, delay = request.group, request.delay
    del request  # what stays referenced stays for the life of the stream
    await hub.serve(conn, group, delay, send, receive)


async def serve_stream(ctx: Context, scope: Scope, receive: Receive, send: Send) -> None:
    """The short path: parse, authenticate and check, then stream (or answer a problem)."""
    try:
        request, slot = await _request_from_scope(ctx, scope)
    except NewswireError as err:
        await error_response(err)(scope, receive, send)
        return
    with slot:
        await run_stream(ctx.hub, request, scope, receive, send)


async def _request_from_scope(
    ctx: Context, scope: Scope
) -> tuple[StreamRequest, AbstractContextManager[object]]:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    params: dict[str, str | None] = {name: values[-1] for name, values in query.items()}
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    params["last_event_id"] = headers.get("last-event-id")
    owner = await authenticate(ctx.db, bearer_key(headers.get("authorization")))
    if ctx.limiter is None:
        return prepare_stream(ctx.hub, owner, params), nullcontext()
    await ctx.limiter.admit(owner, client_address(scope))
    request = prepare_stream(ctx.hub, owner, params)
    return request, await ctx.limiter.reserve_stream(owner)


class _StreamResponse(Response):
    def __init__(self, hub: Hub, request: StreamRequest) -> None:
        super().__init__(media_type="text/event-stream")
        self.hub, self.request = hub, request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await run_stream(self.hub, self.request, scope, receive, send)


def stream_response(
    hub: Hub, owner: KeyOwner, params: dict[str, str | None], session_id: str
) -> Response:
    """A stream for a portal page session; it closes within seconds of logout."""
    return _StreamResponse(hub, prepare_stream(hub, owner, params, session_id))


@router.get(
    PATH,
    response_class=_StreamResponse,
    status_code=200,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`id: SEQ`, `event: KIND`, `data: ITEM`; heartbeat comments",
        }
    },
)
async def stream(
    ctx: Ctx,
    owner: Subscriber,
    after: Annotated[int | None, Query(ge=0, le=MAX_SEQ, description="resume after")] = None,
    products: Annotated[str | None, Query(description="comma-separated product slugs")] = None,
    languages: Annotated[str | None, Query(description="comma-separated language tags")] = None,
    types: Annotated[str | None, Query(description="comma-separated item types")] = None,
    urgency: Annotated[int | None, Query(ge=1, le=9, description="at most this urgency")] = None,
    format: Annotated[str, Query(description="ninjs3, ninjs2, newsmlg2 or nitf")] = "ninjs3",
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=40)] = None,
) -> Any:
    """The live wire as Server-Sent Events; resumes after `Last-Event-ID` or `after`."""
    params: dict[str, str | None] = {
        "after": None if after is None else str(after),
        "products": products,
        "languages": languages,
        "types": types,
        "format": format,
        "urgency": None if urgency is None else str(urgency),
        "last_event_id": last_event_id,
    }
    return _StreamResponse(ctx.hub, prepare_stream(ctx.hub, owner, params))
