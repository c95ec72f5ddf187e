"""The admin pages for FTP and SFTP destinations: the list with each one's health
(last success, backlog, last error), and forms to create, delete and replay.

The forms call the destinations API's own functions (web/destinations.py), so a
destination made here passes the same checks and is encrypted the same way; every
action is written to the audit log as `user:NAME`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from newswire import formats
from newswire.errors import Invalid
from newswire.store import destinations as store
from newswire.store import subscribers as subscriber_store
from newswire.store.audit import record_audit
from newswire.store.keys import KeyOwner
from newswire.web import destinations as destinations_api
from newswire.web.context import context
from newswire.web.pages.sessions import Form, PageRoute, form_of, require
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(prefix="/admin/destinations", route_class=PageRoute, include_in_schema=False)
HOME = "/admin/destinations"


def _admin(request: Request) -> tuple[str, KeyOwner]:
    """The page's admin as the audit names them, and as the API's admin key would be."""
    user = require(request, "admin").user
    return f"user:{user.username}", KeyOwner(key_id=0, role="admin")


def _body(form: Form) -> destinations_api.DestinationBody:
    port, subscriber = form.get("port"), form.get("subscriber")
    try:
        return destinations_api.DestinationBody(
            subscriber=int(subscriber) if subscriber.isdigit() else 0,
            protocol=form.get("protocol"),  # pydantic checks it
            host=form.get("host"),
            port=int(port) if port.isdigit() else None,
            username=form.get("username"),
            password=form.get("password"),
            private_key=form.get("private_key"),
            host_key=form.get("host_key"),
            folder=form.get("folder"),
            format=form.get("format") or "newsmlg2",
            passive=bool(form.get("passive")),
        )
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "destination"
        raise Invalid(f"{where}: {first.get('msg', 'not valid')}") from err


@router.get("")
async def destinations(request: Request) -> Response:
    """Every destination with its health, and a form to add one."""
    require(request, "admin")
    db = context(request).db
    return render_page(
        request,
        "admin/destinations.html",
        destinations=await store.destinations(db),
        subscribers=await subscriber_store.subscribers(db),
        formats=formats.FORMAT_NAMES,
    )


@router.post("")
async def create(request: Request) -> Response:
    """A new destination; its password or key is encrypted and never shown again."""
    actor, owner = _admin(request)
    form = await form_of(request)
    if form.get("port") and not form.get("port").isdigit():
        raise Invalid("port: a whole number from 1 to 65535")
    ctx = context(request)
    made = await destinations_api.create_destination(_body(form), request, ctx, owner)
    target = f"{made.protocol}://{made.host}:{made.port}/{made.folder}"
    await record_audit(ctx.db, actor, "destination.create", str(made.id), {"to": target})
    return RedirectResponse(HOME, status_code=303)


@router.post("/{destination_id}/delete")
async def delete(destination_id: int, request: Request) -> Response:
    """Stop pushing to a destination and drop its backlog."""
    actor, _ = _admin(request)
    db = context(request).db
    await store.remove_destination(db, destination_id)
    await record_audit(db, actor, "destination.delete", str(destination_id))
    return RedirectResponse(HOME, status_code=303)


@router.post("/{destination_id}/replay")
async def replay(destination_id: int, request: Request) -> Response:
    """Upload again, in order, everything after the wire position given."""
    actor, _ = _admin(request)
    form = await form_of(request)
    after = form.get("after")
    if not after.isdigit() or int(after) > destinations_api.MAX_SEQ:
        raise Invalid("after: a wire position (a whole number, 0 for everything)")
    db = context(request).db
    cursor = await store.replay_destination(db, destination_id, int(after))
    await record_audit(db, actor, "destination.replay", str(destination_id), {"cursor": cursor})
    return RedirectResponse(HOME, status_code=303)
