"""Changing one's own password: `GET/POST /account/password`, for every signed-in user.

The current password is checked like a login (failures count towards the same
throttle), the new one replaces it, every session of the user ends (other browsers
are signed out, their portal streams close), and this browser gets a fresh session.
Admins reset a forgotten password with `newswire user password USERNAME`.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from newswire.errors import Invalid
from newswire.store.audit import record_audit
from newswire.store.login_throttle import clear_failures, record_failure, throttled_for
from newswire.store.sessions import create_session
from newswire.store.users import check_password, set_password
from newswire.web.context import context
from newswire.web.pages.login import FAILURE_WINDOW, HOME, MAX_FAILURES
from newswire.web.pages.sessions import (
    SESSION_TTL,
    PageRoute,
    form_of,
    require,
    start_session,
)
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_ROLES = ("subscriber", "editor", "admin")
PAGE = "portal/password.html"


@router.get("/account/password")
async def password_page(request: Request) -> Response:
    """The form: current password, new password twice."""
    require(request, *_ROLES)
    return render_page(request, PAGE, error="")


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    """Check the current password, store the new one, end every other session."""
    found = require(request, *_ROLES)
    user = found.user
    form = await form_of(request)
    db = context(request).db
    client = request.client.host if request.client else "unknown"
    wait = await throttled_for(db, user.username, client, MAX_FAILURES, FAILURE_WINDOW)
    if wait:
        minutes = math.ceil(wait / 60)
        page = render_page(
            request, PAGE, 429, error=f"Too many wrong passwords; try again in {minutes} min."
        )
        page.headers["Retry-After"] = str(wait)
        return page
    current, new, repeat = (form.raw(name) for name in ("current", "new", "repeat"))
    if await check_password(db, user.username, current) is None:
        await record_failure(db, user.username, client)
        await record_audit(db, f"user:{user.username}", "password_change_refused")
        return render_page(request, PAGE, 401, error="The current password is wrong.")
    if new != repeat:
        return render_page(request, PAGE, 422, error="The two new passwords differ.")
    try:
        await set_password(db, user.id, new)  # ends every session of the user
    except Invalid as err:
        return render_page(request, PAGE, 422, error=str(err))
    await clear_failures(db, user.username)
    if request.state.session_id is not None:
        context(request).hub.end_session(request.state.session_id)  # its portal streams
    sid, csrf = await create_session(db, user.id, SESSION_TTL)
    await start_session(request, sid, csrf)
    await record_audit(db, f"user:{user.username}", "password_changed", detail={"client": client})
    return RedirectResponse(HOME[user.role], status_code=303)
