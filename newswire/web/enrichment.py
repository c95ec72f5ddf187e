"""What enrichment inferred, for editors: `GET /v1/desk/items/{uri}/enrichment`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from newswire.store.enrichment import enrichment_of
from newswire.web.auth import Editor
from newswire.web.context import Context, context
from newswire.web.paths import checked_uri

__all__ = ["router"]

router = APIRouter(prefix="/v1/desk", tags=["desk"])
Ctx = Annotated[Context, Depends(context)]


class NearDuplicate(BaseModel):
    """An earlier item (of the last days) that this version nearly repeats."""

    uri: str
    bits: int


class EnrichmentOut(BaseModel):
    """Which enrichment step filled which field of a version, and its SimHash (hex)."""

    uri: str
    version: int
    provenance: dict[str, str]
    fingerprint: str | None
    nearDuplicateOf: NearDuplicate | None = None


@router.get("/items/{uri:path}/enrichment", response_model=EnrichmentOut)
async def item_enrichment(
    uri: str,
    ctx: Ctx,
    _: Editor,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> EnrichmentOut:
    """A version's inferred fields and their origin (the latest version by default)."""
    found = await enrichment_of(ctx.db, checked_uri(uri), version)
    near = None
    if found.near_duplicate_of is not None and found.near_duplicate_bits is not None:
        near = NearDuplicate(uri=found.near_duplicate_of, bits=found.near_duplicate_bits)
    return EnrichmentOut(
        uri=found.uri,
        version=found.version,
        provenance=found.provenance,
        fingerprint=None if found.fingerprint is None else f"{found.fingerprint:016x}",
        nearDuplicateOf=near,
    )
