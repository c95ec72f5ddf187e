"""Operations: health and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from newswire.store.events import head
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(tags=["operations"])
Ctx = Annotated[Context, Depends(context)]


@router.get("/healthz")
async def healthz(ctx: Ctx) -> dict[str, object]:
    """200 when the server and its database answer (503 problem otherwise)."""
    return {"status": "ok", "seq": await head(ctx.db)}


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(ctx: Ctx) -> str:
    """Prometheus text format: the wire log's head and the database pool."""
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
    return "\n".join(lines) + "\n"
