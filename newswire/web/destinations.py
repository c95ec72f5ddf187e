"""The admin API for FTP and SFTP destinations: create, list, inspect, delete, replay.

Credentials go in and never come out: they are encrypted before they are stored, and
answers only say whether a password or a private key is set.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from cryptography.fernet import Fernet
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from newswire import formats
from newswire.delivery.destination_secrets import Credentials, encrypt
from newswire.delivery.transfer import check_host_key, check_private_key
from newswire.errors import Invalid
from newswire.store import destinations as store
from newswire.store.subscribers import subscriber
from newswire.web.auth import Admin
from newswire.web.context import Context, context

__all__ = ["CIPHER_STATE", "router"]

router = APIRouter(prefix="/v1/admin/destinations", tags=["admin"])
Ctx = Annotated[Context, Depends(context)]
CIPHER_STATE = "destination_cipher"  # app.state attribute set by create_app
MAX_SEQ = 2**63 - 1
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")
_DEFAULT_PORTS = {"ftp": 21, "sftp": 22}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DestinationId = Annotated[int, PathParam(ge=1, le=MAX_SEQ)]


class DestinationBody(BaseModel):
    """A new destination: where, who, and what to send."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    subscriber: int = Field(
        ge=1, le=MAX_SEQ, description="the subscriber whose plan decides what is sent"
    )
    protocol: Literal["ftp", "sftp"]
    host: str = Field(min_length=1, max_length=253)
    port: int | None = Field(default=None, ge=1, le=65535, description="default 21 or 22")
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(default="", max_length=1000)
    private_key: str = Field(default="", max_length=20000, alias="privateKey")
    host_key: str = Field(default="", max_length=10000, alias="hostKey")
    folder: str = Field(default="", max_length=500)
    format: str = Field(default="newsmlg2", description="ninjs3, ninjs2, newsmlg2 or nitf")
    passive: bool = Field(default=True, description="FTP passive mode")


class Health(BaseModel):
    """How deliveries to a destination are going."""

    model_config = ConfigDict(populate_by_name=True)
    last_success: datetime | None = Field(alias="lastSuccess")
    last_error: str | None = Field(alias="lastError")
    last_error_at: datetime | None = Field(alias="lastErrorAt")
    backlog: int = Field(description="files waiting to be uploaded")
    dead: int = Field(description="files given up on (replay sends them again)")


class DestinationOut(BaseModel):
    """A destination without its secrets, and its health."""

    model_config = ConfigDict(populate_by_name=True)
    id: int
    subscriber: int
    protocol: str
    host: str
    port: int
    username: str
    folder: str
    format: str
    passive: bool
    host_key: str = Field(alias="hostKey")
    cursor: int
    created: datetime
    health: Health


class Replayed(BaseModel):
    """The destination's cursor after a replay."""

    cursor: int


def _out(d: store.Destination) -> DestinationOut:
    health = Health(
        last_success=d.last_success_at,
        last_error=d.last_error,
        last_error_at=d.last_error_at,
        backlog=d.backlog,
        dead=d.dead,
    )
    return DestinationOut(
        id=d.id, subscriber=d.subscriber_id, protocol=d.protocol, host=d.host, port=d.port,
        username=d.username, folder=d.folder, format=d.format, passive=d.passive,
        host_key=d.host_key, cursor=d.cursor, created=d.created_at, health=health,
    )  # fmt: skip


def _check(body: DestinationBody) -> None:
    if not _HOST.match(body.host):
        raise Invalid("host: a host name or an IP address")
    if body.format not in formats.FORMAT_NAMES:
        raise Invalid(f"format: use one of {', '.join(formats.FORMAT_NAMES)}")
    for name, value in (("folder", body.folder), ("username", body.username)):
        if _CONTROL.search(value):
            raise Invalid(f"{name}: no control characters (line breaks, NUL ...)")
    if _CONTROL.search(body.password):
        raise Invalid("password: no control characters (line breaks, NUL ...)")
    if body.protocol == "ftp" and (body.private_key or body.host_key):
        raise Invalid("privateKey, hostKey: only for sftp")
    if body.protocol == "sftp" and not (body.password or body.private_key):
        raise Invalid("sftp needs a password or a privateKey")
    if body.private_key:
        check_private_key(body.private_key)
    if body.host_key:
        check_host_key(body.host_key)


@router.post("", status_code=201, response_model=DestinationOut, response_model_by_alias=True)
async def create_destination(
    body: DestinationBody, request: Request, ctx: Ctx, _: Admin
) -> DestinationOut:
    """Push the subscriber's wire to an FTP or SFTP server, from what is published next."""
    _check(body)
    await subscriber(ctx.db, body.subscriber)  # 404 when there is none
    cipher: Fernet = getattr(request.app.state, CIPHER_STATE)
    made = await store.create_destination(
        ctx.db,
        store.NewDestination(
            subscriber_id=body.subscriber,
            protocol=body.protocol,
            host=body.host,
            port=body.port or _DEFAULT_PORTS[body.protocol],
            username=body.username,
            credentials=encrypt(cipher, Credentials(body.password, body.private_key)),
            host_key=body.host_key.strip(),
            folder=body.folder.strip(),
            format=body.format,
            passive=body.passive,
        ),
    )
    return _out(made)


@router.get("", response_model=list[DestinationOut], response_model_by_alias=True)
async def list_destinations(
    ctx: Ctx,
    _: Admin,
    subscriber: Annotated[
        int | None, Query(ge=1, le=MAX_SEQ, description="only this subscriber's")
    ] = None,
) -> list[DestinationOut]:
    """Every destination with its health."""
    return [_out(d) for d in await store.destinations(ctx.db, subscriber)]


@router.get("/{destination_id}", response_model=DestinationOut, response_model_by_alias=True)
async def get_destination(destination_id: DestinationId, ctx: Ctx, _: Admin) -> DestinationOut:
    """One destination with its health: last success, backlog, last error."""
    return _out(await store.destination(ctx.db, destination_id))


@router.delete("/{destination_id}", status_code=204)
async def delete_destination(destination_id: DestinationId, ctx: Ctx, _: Admin) -> None:
    """Stop pushing to a destination and drop its backlog."""
    await store.remove_destination(ctx.db, destination_id)


@router.post("/{destination_id}/replay", response_model=Replayed)
async def replay_destination(
    destination_id: DestinationId,
    ctx: Ctx,
    _: Admin,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="send again after this seq")],
) -> Replayed:
    """Upload again, in order, every file after `after` (through the gate as it stands now)."""
    return Replayed(cursor=await store.replay_destination(ctx.db, destination_id, after))
