"""Log in and log out: one login page for the portal, the desk and the admin pages.

Failed logins are counted per username and per client address (store/login_throttle.py)
and every attempt is audited."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from newswire.store.audit import record_audit
from newswire.store.login_throttle import clear_failures, record_failure, throttled_for
from newswire.store.sessions import create_session, end_session
from newswire.store.users import check_password
from newswire.web.context import context
from newswire.web.pages.sessions import (
    SESSION_TTL,
    PageRoute,
    end_cookie,
    form_of,
    start_session,
)
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(route_class=PageRoute, include_in_schema=False)
HOME = {"subscriber": "/portal", "editor": "/desk", "admin": "/admin"}
_AREAS = ("/portal", "/desk", "/admin")
# After this many failed logins for one username or one client address within the
# window, the login form answers 429 until the oldest of them leaves the window.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def _safe_next(target: str) -> str:
    """Only our own signed-in pages are places to go after login (no open redirect)."""
    if any(target == a or target.startswith(a + "/") for a in _AREAS) and "//" not in target:
        return target
    return ""


@router.get("/login")
async def login_page(
    request: Request, next: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    """The login form."""
    return render_page(request, "portal/login.html", next=_safe_next(next), error="")


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the password; on success a brand-new session (and cookie) replaces the old one."""
    form = await form_of(request)
    username, password = form.get("username")[:200], form.raw("password")
    db = context(request).db
    client = request.client.host if request.client else "unknown"
    wait = await throttled_for(db, username, client, MAX_FAILURES, FAILURE_WINDOW)
    if wait:  # refused before the password is even checked: guessing gains nothing
        await record_audit(db, f"user:{username}", "login_throttled", detail={"client": client})
        minutes = math.ceil(wait / 60)
        page = render_page(
            request,
            "portal/login.html",
            429,
            next=_safe_next(form.get("next")),
            error=f"Too many failed logins for this username or from this address; "
            f"try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
        page.headers["Retry-After"] = str(wait)
        return page
    user = await check_password(db, username, password)
    if user is None:
        await record_failure(db, username, client)
        await record_audit(db, f"user:{username}", "login_failed", detail={"client": client})
        return render_page(
            request,
            "portal/login.html",
            401,
            next=_safe_next(form.get("next")),
            error="Wrong username or password, or the account is disabled.",
        )
    await clear_failures(db, username)
    if request.state.session_id is not None:  # logging in over a live session ends it
        await end_session(db, request.state.session_id)
    sid, csrf = await create_session(db, user.id, SESSION_TTL)
    await start_session(request, sid, csrf)
    await record_audit(db, f"user:{user.username}", "login", detail={"client": client})
    target = _safe_next(form.get("next")) or HOME[user.role]
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session everywhere; the old cookie is worth nothing afterwards."""
    if request.state.session_id is not None:
        await end_session(context(request).db, request.state.session_id)
        context(request).hub.end_session(request.state.session_id)  # its portal streams
    end_cookie(request)
    return RedirectResponse("/login", status_code=303)
