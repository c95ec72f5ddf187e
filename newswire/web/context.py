"""What every request handler reaches: settings, the database and the wire notifier."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from newswire.config import Settings
from newswire.delivery.fanout import Hub
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.usage_counter import UsageCounter
from newswire.store.database import Database
from newswire.web.limits import Limiter

__all__ = ["Context", "context"]


@dataclass
class Context:
    """Process-wide state of one running app."""

    settings: Settings
    db: Database
    notifier: WireNotifier
    hub: Hub
    usage: UsageCounter | None = None  # deliveries and requests, flushed every few seconds
    limiter: Limiter | None = None  # rate limits, quotas, allow-lists, stream caps


def context(request: Request) -> Context:
    """The app's context (a FastAPI dependency)."""
    ctx: Context = request.app.state.context
    return ctx
