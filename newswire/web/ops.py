"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newswire.errors import Unavailable
from newswire.metrics import REGISTRY, STREAM_CONNECTIONS, WEBHOOK_BACKLOG
from newswire.store.events import head
from newswire.store.ops_stats import webhook_backlog
from newswire.web.context import Context, context
from newswire.web.problems import problem

__all__ = ["router"]

router = APIRouter(tags=["operations"])
Ctx = Annotated[Context, Depends(context)]


@router.get("/healthz")
async def healthz(ctx: Ctx) -> dict[str, object]:
    """200 when the server and its database answer (503 problem otherwise)."""
    return {"status": "ok", "seq": await head(ctx.db)}


@router.get(
    "/readyz",
    responses={503: {"description": "not ready: the problem's `waiting` names what for"}},
)
async def readyz(ctx: Ctx) -> JSONResponse:
    """200 when this process should get traffic: the database answers and the wire
    notifier is listening (so streams and long-polls are woken); 503 otherwise."""
    waiting = []
    away = ctx.db.outage()
    if away is not None:
        waiting.append(f"the database (away for {away:.0f} s)")
    else:
        try:
            await head(ctx.db)
        except Unavailable:
            waiting.append("the database")
    if not ctx.notifier.connected.is_set():
        waiting.append("the wire notifier's LISTEN connection")
    if waiting:
        return problem(503, "Not ready", "waiting for " + " and ".join(waiting), waiting=waiting)
    return JSONResponse({"status": "ready"})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(ctx: Ctx) -> Response:
    """Prometheus text format: wire, deliveries, streams, webhooks, enrichment, pool."""
    STREAM_CONNECTIONS.set(ctx.hub.connection_count())
    for status, count in (await webhook_backlog(ctx.db)).items():
        WEBHOOK_BACKLOG.labels(status).set(count)
    stats = ctx.db.pool.get_stats()
    lines = [
        "# HELP newswire_wire_head_seq Highest sequence number in the wire log.",
        "# TYPE newswire_wire_head_seq gauge",
        f"newswire_wire_head_seq {await head(ctx.db)}",
        "# HELP newswire_db_pool_size Open database connections in this process.",
        "# TYPE newswire_db_pool_size gauge",
        f"newswire_db_pool_size {stats.get('pool_size', 0)}",
        "# HELP newswire_db_pool_available Idle database connections in this process.",
        "# TYPE newswire_db_pool_available gauge",
        f"newswire_db_pool_available {stats.get('pool_available', 0)}",
    ]
    body = generate_latest(REGISTRY) + ("\n".join(lines) + "\n").encode()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
