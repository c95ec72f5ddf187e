"""The agency's entity catalogue: `/v1/admin/entities` (add, list, correct, merge).

Every change reaches recognition on the next story any node enriches (store/entities.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from newswire.store import entities
from newswire.store.audit import record_audit
from newswire.store.entities import Entity
from newswire.store.keys import KeyOwner
from newswire.web.auth import Admin
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1/admin/entities", tags=["entities"])
Ctx = Annotated[Context, Depends(context)]
Kind = Literal["person", "organisation", "place"]
MAX_ID = 2**62
EntityId = Annotated[int, Path(ge=1, le=MAX_ID, description="the entity's id")]


class EntityBody(BaseModel):
    """A new entity: its canonical name, its type and other names it goes by."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    type: Kind
    aliases: list[str] = Field(default_factory=list, max_length=50)


class Correction(BaseModel):
    """What to change; fields left out stay as they are (`aliases` replaces the list)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: Kind | None = None
    aliases: list[str] | None = Field(default=None, max_length=50)


class MergeBody(BaseModel):
    """The entity that absorbs this one."""

    model_config = ConfigDict(extra="forbid")
    into: int = Field(ge=1, le=MAX_ID)


class EntityOut(BaseModel):
    """A catalogue entity; `uri` is its stable id in ninjs `people`/`organisations`/`places`."""

    id: int
    uri: str
    name: str
    type: Kind
    aliases: list[str]
    mergedInto: int | None = None


def _out(e: Entity) -> EntityOut:
    return EntityOut(
        id=e.id,
        uri=e.uri,
        name=e.name,
        type=e.kind,
        aliases=list(e.aliases),
        mergedInto=e.merged_into,
    )


async def _audit(ctx: Context, owner: KeyOwner, action: str, e: Entity, **detail: object) -> None:
    await record_audit(ctx.db, f"key:{owner.key_id}", action, e.uri, {"id": e.id, **detail})


@router.post("", status_code=201, response_model=EntityOut)
async def add_entity(body: EntityBody, ctx: Ctx, owner: Admin) -> EntityOut:
    """Add an entity; recognition finds it (and its aliases) from the next story on."""
    made = await entities.create_entity(ctx.db, body.type, body.name, body.aliases)
    await _audit(ctx, owner, "entity.add", made)
    return _out(made)


@router.get("", response_model=list[EntityOut])
async def list_entities(
    ctx: Ctx,
    _: Admin,
    type: Kind | None = None,
    q: Annotated[str | None, Query(max_length=200, description="part of a name or alias")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[EntityOut]:
    """Live entities by name (merged ones are left out)."""
    return [_out(e) for e in await entities.entities(ctx.db, type, q, limit)]


@router.get("/{entity_id}", response_model=EntityOut)
async def get_entity(entity_id: EntityId, ctx: Ctx, _: Admin) -> EntityOut:
    """One entity, merged or not."""
    return _out(await entities.entity(ctx.db, entity_id))


@router.patch("/{entity_id}", response_model=EntityOut)
async def correct_entity(
    entity_id: EntityId, body: Correction, ctx: Ctx, owner: Admin
) -> EntityOut:
    """Correct an entity's type, name or aliases; its uri does not change."""
    fixed = await entities.correct_entity(
        ctx.db, entity_id, kind=body.type, name=body.name, aliases=body.aliases
    )
    await _audit(ctx, owner, "entity.correct", fixed, **body.model_dump(exclude_none=True))
    return _out(fixed)


@router.post("/{entity_id}/merge", response_model=EntityOut)
async def merge_entity(entity_id: EntityId, body: MergeBody, ctx: Ctx, owner: Admin) -> EntityOut:
    """Merge this entity into `into`; answers with the entity that remains."""
    kept = await entities.merge_entities(ctx.db, entity_id, body.into)
    await _audit(ctx, owner, "entity.merge", kept, merged=entity_id)
    return _out(kept)
