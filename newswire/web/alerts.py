"""The alerts API: a subscriber's saved searches and what they matched."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from newswire.delivery.alerts import filters_from_json
from newswire.errors import Forbidden, Invalid
from newswire.search.filters import filter_clauses
from newswire.search.query import compile_query, parse
from newswire.store import alerts as store
from newswire.store.keys import KeyOwner
from newswire.web.auth import Caller
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
Ctx = Annotated[Context, Depends(context)]
MAX_ID = 2**63 - 1
AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="the alert's id")]
Channel = Literal["stream", "webhook", "portal", "email"]


async def _owner(owner: Caller) -> KeyOwner:
    if owner.role != "subscriber" or owner.subscriber_id is None or owner.plan is None:
        raise Forbidden("alerts belong to a subscriber: call with a subscriber's key")
    return owner


Owner = Annotated[KeyOwner, Depends(_owner)]


class AlertFilters(BaseModel):
    """What the alert narrows to beyond its words (as the search filters of the same names)."""

    model_config = ConfigDict(extra="forbid")
    products: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=50)
    languages: list[Annotated[str, Field(max_length=35)]] = Field(default=[], max_length=50)
    types: list[Annotated[str, Field(max_length=20)]] = Field(default=[], max_length=10)
    urgency: list[Annotated[str, Field(max_length=1)]] = Field(default=[], max_length=9)
    person: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=20)
    organisation: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=20)
    place: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=20)
    topic: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=20)


class AlertBody(BaseModel):
    """A new alert: a search (the syntax of `GET /v1/search?q=`) and where matches go."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1, max_length=1000, description="as `q` of /v1/search")
    filters: AlertFilters = Field(default_factory=AlertFilters)
    channels: list[Channel] = Field(
        default=["stream", "webhook", "portal"], min_length=1, max_length=4
    )
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="one of your users")


class AlertOut(BaseModel):
    """A saved alert."""

    id: int
    name: str
    query: str
    filters: dict[str, Any]
    channels: list[str]
    user_id: int | None
    created_at: datetime


class MatchOut(BaseModel):
    """One story an alert matched: the wire seq of the version and its headline."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    matched_at: datetime
    emailed_at: datetime | None
    webhook_status: str


class MatchPage(BaseModel):
    """Matches, newest first; pass `next` as `before` for older ones."""

    matches: list[MatchOut]
    next: int | None


def _out(alert: store.Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        name=alert.name,
        query=alert.query,
        filters=alert.filters,
        channels=alert.channels,
        user_id=alert.user_id,
        created_at=alert.created_at,
    )


def _check(body: AlertBody, owner: KeyOwner) -> dict[str, Any]:
    """Parse and compile the query for the caller's plan, as a search would; the filters."""
    plan = owner.plan
    assert plan is not None
    node = parse(body.query)
    if node is None:
        raise Invalid("query: an alert needs at least one word, phrase or field:value")
    filters_json = {k: v for k, v in body.filters.model_dump().items() if v}
    filters = filters_from_json(filters_json)
    languages = frozenset(filters.languages) or plan.languages
    compile_query(node, languages, plan.depth == "full", plan.products)
    filter_clauses(filters, plan.products)
    unknown = sorted(set(filters.products) - plan.products)
    if unknown:
        raise Invalid(f"filters.products: not in your plan: {', '.join(unknown)}")
    return filters_json


@router.post("", status_code=201, response_model=AlertOut)
async def create_alert(body: AlertBody, ctx: Ctx, owner: Owner) -> AlertOut:
    """Save a search; from now on each entitled story it matches fires the alert."""
    filters = _check(body, owner)
    assert owner.subscriber_id is not None
    alert = await store.create_alert(
        ctx.db,
        owner.subscriber_id,
        body.name,
        body.query,
        filters,
        sorted(set(body.channels)),
        body.user_id,
    )
    return _out(alert)


@router.get("", response_model=list[AlertOut])
async def list_alerts(ctx: Ctx, owner: Owner) -> list[AlertOut]:
    """The caller's alerts."""
    assert owner.subscriber_id is not None
    return [_out(a) for a in await store.alerts(ctx.db, owner.subscriber_id)]


@router.get("/{alert_id}", response_model=AlertOut)
async def get_alert(alert_id: AlertId, ctx: Ctx, owner: Owner) -> AlertOut:
    """One of the caller's alerts."""
    assert owner.subscriber_id is not None
    return _out(await store.alert(ctx.db, owner.subscriber_id, alert_id))


@router.delete("/{alert_id}", status_code=204)
async def delete_alert(alert_id: AlertId, ctx: Ctx, owner: Owner) -> Response:
    """Delete an alert and its matches."""
    assert owner.subscriber_id is not None
    await store.remove_alert(ctx.db, owner.subscriber_id, alert_id)
    return Response(status_code=204)


@router.get("/{alert_id}/matches", response_model=MatchPage)
async def list_matches(
    alert_id: AlertId,
    ctx: Ctx,
    owner: Owner,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="older than seq")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> MatchPage:
    """What the alert matched, newest first (what the portal lists)."""
    assert owner.subscriber_id is not None
    rows = await store.matches(ctx.db, owner.subscriber_id, alert_id, before, limit)
    return MatchPage(
        matches=[MatchOut(**vars(m)) for m in rows],
        next=rows[-1].seq if len(rows) == limit else None,
    )
