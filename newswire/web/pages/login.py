"""Log in and log out: one login page for the portal, the desk and the admin pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from newswire.store.audit import record_audit
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
    username, password = form.get("username"), form.getall("password")
    db = context(request).db
    user = await check_password(db, username, password[-1] if password else "")
    if user is None:
        return render_page(
            request,
            "portal/login.html",
            401,
            next=_safe_next(form.get("next")),
            error="Wrong username or password, or the account is disabled.",
        )
    if request.state.session_id is not None:  # logging in over a live session ends it
        await end_session(db, request.state.session_id)
    sid, csrf = await create_session(db, user.id, SESSION_TTL)
    await start_session(request, sid, csrf)
    if user.role != "subscriber":
        await record_audit(db, f"user:{user.username}", "login")
    target = _safe_next(form.get("next")) or HOME[user.role]
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session everywhere; the old cookie is worth nothing afterwards."""
    if request.state.session_id is not None:
        await end_session(context(request).db, request.state.session_id)
    end_cookie(request)
    return RedirectResponse("/login", status_code=303)
