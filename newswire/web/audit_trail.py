"""The audit trail: every successful desk and admin API call, who made it and on what.

One ASGI middleware records them all, so that no endpoint (including ones added
later) can forget to: the actor is the key the auth dependency found (`key:ID`), the
action the route's name (`desk.publish`, `admin.rotate_key`), the target its path
parameters or the identifiers in its answer. Secrets in answers (new keys, webhook
secrets) are never copied. The entry is written after the answer is sent; if the
database fails just then, the failure is logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import psycopg
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswire.errors import Unavailable
from newswire.store.audit import record_audit

__all__ = ["OWNER_KEY", "AuditTrail"]

log = logging.getLogger(__name__)
OWNER_KEY = "newswire_owner"  # where the auth dependency leaves the caller's KeyOwner
AUDITED = {"/v1/desk/": "desk", "/v1/admin/": "admin"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
KEPT = ("uri", "version", "seq", "id", "slug", "name", "role", "plan", "replaces")
MAX_CAPTURE = 16 * 1024


def _area(path: str) -> str | None:
    for prefix, area in AUDITED.items():
        if path.startswith(prefix):
            return area
    return None


def _answer_fields(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {k: parsed[k] for k in KEPT if isinstance(parsed.get(k), str | int)}


class AuditTrail:
    """ASGI middleware writing one audit entry per successful desk or admin change."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        area = _area(scope["path"]) if scope["type"] == "http" else None
        if area is None or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        status = 0
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and len(body) < MAX_CAPTURE:
                body.extend(message.get("body", b"")[:MAX_CAPTURE])
            await send(message)

        await self.app(scope, receive, capture)
        owner = scope.get("state", {}).get(OWNER_KEY)
        if owner is None or not 200 <= status < 400:
            return
        await self._record(scope, area, owner.key_id, status, bytes(body))

    async def _record(self, scope: Scope, area: str, key_id: int, status: int, body: bytes) -> None:
        route = scope.get("route")
        name = getattr(route, "name", None) or scope["method"].lower()
        params = {k: str(v) for k, v in (scope.get("path_params") or {}).items()}
        answer = _answer_fields(body)
        target = next(iter(params.values()), "") or str(
            answer.get("uri") or answer.get("slug") or answer.get("id") or ""
        )
        detail = {"method": scope["method"], "path": scope["path"], "status": status}
        detail |= answer
        try:
            db = scope["app"].state.context.db
            await record_audit(db, f"key:{key_id}", f"{area}.{name}", target, detail)
        except (Unavailable, psycopg.Error, AttributeError) as err:
            log.warning("audit entry for %s %s not written: %s", area, name, err)
