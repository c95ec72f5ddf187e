"""The unsubscribe link of alert e-mails: GET shows a confirm button, POST (also the
RFC 8058 one-click POST that mail clients send) takes the e-mail channel off the alert.

The link carries a signed token, so it works without logging in; a GET never changes
anything, because mail scanners follow links.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from newswire.delivery.email_alerts import unsubscribed_alert
from newswire.errors import NewswireError
from newswire.store.email_outbox import unsubscribe_email
from newswire.store.sessions import page_secret
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Ctx = Annotated[Context, Depends(context)]
Token = Annotated[str, Query(min_length=1, max_length=200)]


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def _alert(ctx: Context, token: str) -> int | HTMLResponse:
    try:
        return unsubscribed_alert(await page_secret(ctx.db), token)
    except NewswireError as err:
        return _page("Link not valid", f"<p>{escape(str(err))}</p>", 400)


@router.get("/alerts/unsubscribe")
async def confirm(ctx: Ctx, token: Token) -> HTMLResponse:
    """A page with one button that stops the alert's e-mails."""
    alert = await _alert(ctx, token)
    if isinstance(alert, HTMLResponse):
        return alert
    form = (
        f'<form method="post" action="/alerts/unsubscribe?token={escape(token)}">'
        "<button>Stop these e-mails</button></form>"
    )
    return _page("Stop alert e-mails?", form)


@router.post("/alerts/unsubscribe")
async def unsubscribe(ctx: Ctx, token: Token) -> HTMLResponse:
    """Stop the alert's e-mails (its other channels stay)."""
    alert = await _alert(ctx, token)
    if isinstance(alert, HTMLResponse):
        return alert
    if not await unsubscribe_email(ctx.db, alert):
        return _page("Alert not found", "<p>The alert was deleted already.</p>", 404)
    return _page("Unsubscribed", "<p>This alert sends no more e-mails.</p>")
