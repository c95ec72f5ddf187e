"""The unsubscribe links of e-mails: alert e-mails and follow-ups of downloaded stories.

GET shows a confirm button; POST (also the RFC 8058 one-click POST that mail clients
send) stops the e-mails. The link carries a signed token, so it works without logging
in; a GET never changes anything, because mail scanners follow links.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from newswire.delivery.email_links import followup_user, unsubscribed_alert
from newswire.errors import NewswireError
from newswire.store.database import Database
from newswire.store.download_followups import stop_followups
from newswire.store.email_outbox import unsubscribe_email
from newswire.store.sessions import page_secret
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Ctx = Annotated[Context, Depends(context)]
Token = Annotated[str, Query(min_length=1, max_length=200)]


@dataclass(frozen=True)
class _List:
    """One kind of e-mail a link can stop: how to read its token and how to stop it."""

    path: str
    question: str
    read: Callable[[str, str], int]
    stop: Callable[[Database, int], Awaitable[bool]]
    gone: tuple[str, str]  # title and text when what the token names no longer exists
    done: str


_ALERTS = _List(
    "/alerts/unsubscribe",
    "Stop alert e-mails?",
    unsubscribed_alert,
    unsubscribe_email,
    ("Alert not found", "The alert was deleted already."),
    "This alert sends no more e-mails.",
)
_FOLLOWUPS = _List(
    "/followups/unsubscribe",
    "Stop e-mails about downloaded stories?",
    followup_user,
    stop_followups,
    ("User not found", "The account was deleted already."),
    "No more e-mails about stories you downloaded.",
)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def _confirm(ctx: Context, kind: _List, token: str) -> HTMLResponse:
    try:
        kind.read(await page_secret(ctx.db), token)
    except NewswireError as err:
        return _page("Link not valid", f"<p>{escape(str(err))}</p>", 400)
    form = (
        f'<form method="post" action="{kind.path}?token={escape(token)}">'
        "<button>Stop these e-mails</button></form>"
    )
    return _page(kind.question, form)


async def _stop(ctx: Context, kind: _List, token: str) -> HTMLResponse:
    try:
        subject = kind.read(await page_secret(ctx.db), token)
    except NewswireError as err:
        return _page("Link not valid", f"<p>{escape(str(err))}</p>", 400)
    if not await kind.stop(ctx.db, subject):
        return _page(kind.gone[0], f"<p>{kind.gone[1]}</p>", 404)
    return _page("Unsubscribed", f"<p>{kind.done}</p>")


@router.get(_ALERTS.path)
async def confirm_alert(ctx: Ctx, token: Token) -> HTMLResponse:
    """A page with one button that stops the alert's e-mails."""
    return await _confirm(ctx, _ALERTS, token)


@router.post(_ALERTS.path)
async def stop_alert(ctx: Ctx, token: Token) -> HTMLResponse:
    """Stop the alert's e-mails (its other channels stay)."""
    return await _stop(ctx, _ALERTS, token)


@router.get(_FOLLOWUPS.path)
async def confirm_followups(ctx: Ctx, token: Token) -> HTMLResponse:
    """A page with one button that stops e-mails about downloaded stories."""
    return await _confirm(ctx, _FOLLOWUPS, token)


@router.post(_FOLLOWUPS.path)
async def stop_followup_mails(ctx: Ctx, token: Token) -> HTMLResponse:
    """Stop the user's follow-up e-mails (their alert e-mails stay)."""
    return await _stop(ctx, _FOLLOWUPS, token)
