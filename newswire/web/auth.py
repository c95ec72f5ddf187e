"""Who is calling: the Bearer key, its role, and the viewer the gate sees."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from newswire.errors import Forbidden, Unauthorized
from newswire.model import Viewer, ViewerKind
from newswire.store.database import Database
from newswire.store.keys import KeyOwner, key_owner
from newswire.web.audit_trail import OWNER_KEY
from newswire.web.context import Context, context
from newswire.web.limits import STATE_KEY, client_address

__all__ = ["Admin", "Caller", "Editor", "Subscriber", "viewer_of"]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer KEY`")


async def authenticate(db: Database, key: str | None) -> KeyOwner:
    """The owner of a presented key; `Unauthorized` when it is missing, unknown or revoked."""
    if not key:
        raise Unauthorized("send an API key as 'Authorization: Bearer KEY'")
    if len(key) > 200 or "\x00" in key:
        raise Unauthorized("the API key is not valid")
    owner = await key_owner(db, key)
    if owner is None:
        raise Unauthorized("the API key is not valid or has been revoked")
    return owner


def bearer_key(authorization: str | None) -> str | None:
    """The key in an `Authorization: Bearer KEY` header value, if there is one."""
    scheme, _, key = (authorization or "").partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None


async def _caller(
    request: Request,
    ctx: Annotated[Context, Depends(context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyOwner:
    owner = await authenticate(ctx.db, credentials.credentials if credentials else None)
    setattr(request.state, OWNER_KEY, owner)  # AuditTrail names the actor
    if ctx.limiter is not None:
        headers = await ctx.limiter.admit(owner, client_address(request.scope))
        setattr(request.state, STATE_KEY, headers)  # LimitHeaders adds them to the answer
    return owner


async def _editor(owner: Annotated[KeyOwner, Depends(_caller)]) -> KeyOwner:
    if owner.role not in ("editor", "admin"):
        raise Forbidden("this call needs an editor or admin key")
    return owner


async def _admin(owner: Annotated[KeyOwner, Depends(_caller)]) -> KeyOwner:
    if owner.role != "admin":
        raise Forbidden("this call needs an admin key")
    return owner


Caller = Annotated[KeyOwner, Depends(_caller)]
Editor = Annotated[KeyOwner, Depends(_editor)]
Admin = Annotated[KeyOwner, Depends(_admin)]
Subscriber = Caller  # any key reads the wire: subscribers through their plan, staff in full


def viewer_of(owner: KeyOwner) -> Viewer:
    """The gate's viewer for a key: its plan for a subscriber, the desk view for staff."""
    if owner.role == "subscriber":
        return Viewer(ViewerKind.SUBSCRIBER, plan=owner.plan)
    return Viewer(ViewerKind.EDITOR)
