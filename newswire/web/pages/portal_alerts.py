"""Saved searches in the portal: save a search as an alert, list what each matched,
delete one; choose immediate or digest e-mails. The portal calls the alerts API's own
functions (web/alerts.py) with the subscriber as its key would be, so the checks and
the cap are the API's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from newswire.errors import Invalid
from newswire.store import email_digests
from newswire.web import alerts as alerts_api
from newswire.web.context import context
from newswire.web.pages import reading
from newswire.web.pages.sessions import PageRoute, form_of, require
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(prefix="/portal/alerts", route_class=PageRoute, include_in_schema=False)
CHANNELS = ("portal", "stream", "webhook")


async def _owner(request: Request) -> tuple[Any, int]:
    found = require(request, "subscriber")
    assert found.user.subscriber_id is not None
    owner = await reading.subscriber_owner(context(request).db, found.user.subscriber_id)
    return owner, found.user.id


@router.get("")
async def alerts(request: Request) -> Response:
    """The subscriber's alerts, each with its newest matches."""
    owner, user_id = await _owner(request)
    ctx = context(request)
    saved = await alerts_api.list_alerts(ctx, owner)
    matches = {}
    for alert in saved:
        page = await alerts_api.list_matches(alert.id, ctx, owner, before=None, limit=10)
        matches[alert.id] = page.matches
    times = await email_digests.digest_times(ctx.db, user_id)
    chosen = ", ".join(t.strftime("%H:%M") for t in times)
    return render_page(
        request, "portal/alerts.html", alerts=saved, matches=matches, digest_times=chosen
    )


@router.post("/digest")
async def digest(request: Request) -> Response:
    """Choose how alert e-mails arrive: at once (no times) or as digests at UTC times."""
    _, user_id = await _owner(request)
    form = await form_of(request)
    times = email_digests.parse_digest_times(form.get("digest_times")[:500])
    await email_digests.set_digest_times(context(request).db, user_id, times)
    return RedirectResponse("/portal/alerts", status_code=303)


@router.post("")
async def save(request: Request) -> Response:
    """Save a search (its words and filters) as an alert."""
    owner, user_id = await _owner(request)
    form = await form_of(request)
    filters = reading.Filters.parse(
        form.get("product"), form.get("language"), form.get("type"), form.get("urgency")
    )
    channels = [c for c in form.getall("channels") if c in CHANNELS] or ["portal"]
    try:
        body = alerts_api.AlertBody(
            name=form.get("name") or form.get("q")[:200],
            query=form.get("q"),
            filters=alerts_api.AlertFilters(
                products=[filters.product] if filters.product else [],
                languages=[filters.language] if filters.language else [],
                types=[filters.type] if filters.type else [],
                urgency=[str(filters.urgency)] if filters.urgency else [],
            ),
            channels=channels,
            user_id=user_id,
        )
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "alert"
        raise Invalid(f"{where}: {first.get('msg', 'not valid')}") from err
    await alerts_api.create_alert(body, context(request), owner)
    return RedirectResponse("/portal/alerts", status_code=303)


@router.post("/{alert_id}/delete")
async def delete(alert_id: int, request: Request) -> Response:
    """Delete one of the subscriber's alerts."""
    owner, _ = await _owner(request)
    await alerts_api.delete_alert(alert_id, context(request), owner)
    return RedirectResponse("/portal/alerts", status_code=303)
