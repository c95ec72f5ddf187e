"""The unsubscribe link of story follow-up e-mails: GET shows a confirm button, POST
(also the RFC 8058 one-click POST that mail clients send) turns the user's follow-ups
off. The link carries a signed token, so it works without logging in; a GET never
changes anything, because mail scanners follow links."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from newswire.delivery.email_links import followup_user
from newswire.errors import NewswireError
from newswire.store.download_followups import stop_followups
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


async def _user(ctx: Context, token: str) -> int | HTMLResponse:
    try:
        return followup_user(await page_secret(ctx.db), token)
    except NewswireError as err:
        return _page("Link not valid", f"<p>{escape(str(err))}</p>", 400)


@router.get("/followups/unsubscribe")
async def confirm(ctx: Ctx, token: Token) -> HTMLResponse:
    """A page with one button that stops e-mails about downloaded stories."""
    user = await _user(ctx, token)
    if isinstance(user, HTMLResponse):
        return user
    form = (
        f'<form method="post" action="/followups/unsubscribe?token={escape(token)}">'
        "<button>Stop these e-mails</button></form>"
    )
    return _page("Stop e-mails about downloaded stories?", form)


@router.post("/followups/unsubscribe")
async def unsubscribe(ctx: Ctx, token: Token) -> HTMLResponse:
    """Stop the user's follow-up e-mails (their alert e-mails stay)."""
    user = await _user(ctx, token)
    if isinstance(user, HTMLResponse):
        return user
    if not await stop_followups(ctx.db, user):
        return _page("User not found", "<p>The account was deleted already.</p>", 404)
    return _page("Unsubscribed", "<p>No more e-mails about stories you downloaded.</p>")
