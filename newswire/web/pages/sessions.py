"""Page sessions in signed cookies, and the route class every signed-in page uses.

The cookie (`nw_session`, HttpOnly, SameSite=Lax) is signed with itsdangerous and
holds a CSRF token, plus a random session id once the visitor logs in. The id is
looked up in the `sessions` table on every request, so logout, a disabled user or a
password change end the session at once. Login always makes a new id and a new CSRF
token: a cookie from before the login (planted or not) is never logged in.

`PageRoute` checks the CSRF token of every POST before the handler runs, turns
errors into HTML pages, and sends the visitor to the login page when needed.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeTimedSerializer

from newswire.errors import Forbidden, Invalid, NewswireError
from newswire.store.sessions import Session, page_secret, session
from newswire.web.context import context
from newswire.web.pages.templating import render_page

__all__ = [
    "COOKIE",
    "SESSION_TTL",
    "Form",
    "LoginRequired",
    "PageRoute",
    "end_cookie",
    "form_of",
    "require",
    "start_session",
]

COOKIE = "nw_session"
SESSION_TTL = timedelta(hours=12)
MAX_FORM_BYTES = 2 * 1024 * 1024
MAX_FORM_FIELDS = 2000
_SALT = "newswire.page-session"


class LoginRequired(Exception):
    """The page needs a logged-in user; the visitor is sent to the login page."""


class Form:
    """A submitted urlencoded form: one value or all values of a field."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        """The field's last value, stripped of surrounding blanks."""
        values = self.getall(name)
        return values[-1].strip() if values else default

    def raw(self, name: str) -> str:
        """The field's last value exactly as typed (passwords: blanks are part of them)."""
        values = self.getall(name)
        return values[-1] if values else ""

    def getall(self, name: str) -> list[str]:
        """Every value sent for the field (checkboxes, multiple selects)."""
        return [v for k, v in self._pairs if k == name]


async def _serializer(request: Request) -> URLSafeTimedSerializer:
    state = request.app.state
    made: URLSafeTimedSerializer | None = getattr(state, "page_serializer", None)
    if made is None:
        made = URLSafeTimedSerializer(await page_secret(context(request).db), salt=_SALT)
        state.page_serializer = made
    return made


async def _load(request: Request) -> None:
    """Read the cookie into request.state: the session (if any) and the CSRF token."""
    state = request.state
    state.page_session, state.page_user, state.new_cookie = None, None, None
    state.session_id = None
    payload: dict[str, Any] = {}
    raw = request.cookies.get(COOKIE)
    if raw and len(raw) < 4096:
        try:
            loaded = (await _serializer(request)).loads(
                raw, max_age=int(SESSION_TTL.total_seconds())
            )
            payload = loaded if isinstance(loaded, dict) else {}
        except BadSignature:
            payload = {}
    csrf = payload.get("csrf")
    sid = payload.get("sid")
    if isinstance(sid, str) and isinstance(csrf, str):
        found = await session(context(request).db, sid)
        if found is not None and hmac.compare_digest(found.csrf, csrf):
            state.page_session, state.page_user = found, found.user
            state.session_id = sid
    state.csrf_trusted = isinstance(csrf, str)
    if isinstance(csrf, str) and (state.page_session is not None or sid is None):
        state.csrf = csrf
    else:  # a new visitor, or a cookie whose session ended: a fresh anonymous cookie
        state.csrf_trusted = False
        state.csrf = secrets.token_urlsafe(32)
        state.new_cookie = {"csrf": state.csrf}


async def form_of(request: Request) -> Form:
    """The POSTed form (read and CSRF-checked by `PageRoute` before the handler ran)."""
    form: Form = request.state.form
    return form


async def _read_form(request: Request) -> Form:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Invalid(f"form: larger than {MAX_FORM_BYTES // (1024 * 1024)} MB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Invalid("form: not UTF-8 text") from err
    try:
        return Form(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
    except ValueError as err:  # more fields than any of our forms has
        raise Invalid(f"form: more than {MAX_FORM_FIELDS} fields") from err


def _check_csrf(request: Request, form: Form) -> None:
    sent = form.get("csrf")
    if not (request.state.csrf_trusted and sent and hmac.compare_digest(sent, request.state.csrf)):
        raise Forbidden(
            "the form's security token (CSRF) is missing or does not match your session;"
            " reload the page and submit it again"
        )


def require(request: Request, *roles: str) -> Session:
    """The logged-in session, when its user has one of `roles`; else login or 403."""
    found: Session | None = request.state.page_session
    if found is None:
        raise LoginRequired
    if found.user.role not in roles:
        raise Forbidden(f"this page is for {' or '.join(roles)} users; you are {found.user.role}")
    return found


async def start_session(request: Request, sid: str, csrf: str) -> None:
    """Replace the visitor's cookie with a new, logged-in one (done at login)."""
    request.state.new_cookie = {"sid": sid, "csrf": csrf}
    request.state.csrf = csrf


def end_cookie(request: Request) -> None:
    """Replace the visitor's cookie with a fresh anonymous one (done at logout)."""
    request.state.csrf = secrets.token_urlsafe(32)
    request.state.new_cookie = {"csrf": request.state.csrf}


def _error_page(request: Request, err: NewswireError) -> Response:
    return render_page(
        request,
        "portal/error.html",
        err.status,
        code=err.status,
        title=err.title,
        detail=str(err),
    )


class PageRoute(APIRoute):
    """A page route: session loaded, POSTs CSRF-checked, errors shown as HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                await _load(request)
                if request.method == "POST":
                    request.state.form = await _read_form(request)
                    _check_csrf(request, request.state.form)
                response = await original(request)
            except LoginRequired:
                target = quote(request.url.path, safe="/:")
                response = RedirectResponse(f"/login?next={target}", status_code=303)
            except NewswireError as err:
                response = _error_page(request, err)
            except RequestValidationError as err:
                detail = "; ".join(str(e.get("msg", "")) for e in err.errors()[:3])
                response = _error_page(request, Invalid(detail or "the request is not valid"))
            cookie = getattr(request.state, "new_cookie", None)
            if cookie is not None:
                value = (await _serializer(request)).dumps(cookie)
                response.set_cookie(
                    COOKIE,
                    str(value),
                    max_age=int(SESSION_TTL.total_seconds()),
                    path="/",
                    httponly=True,
                    samesite="lax",
                    secure=request.url.scheme == "https",
                )
            return response

        return handler
