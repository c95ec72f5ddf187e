"""Filter clauses: the caller's entitlement and the search's own filters.

Each is a Tantivy query that every hit must match, combined with the typed query
into one; so hits, the total and the facets all come from the same entitled set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import tantivy

from newswire.errors import Invalid
from newswire.model import Viewer, ViewerKind
from newswire.search.schema import KEYWORD, SCHEMA, analyzer, normalize

__all__ = ["Filters", "entitlement", "filter_clauses", "product_filter", "term_filter", "whole"]


@dataclass(frozen=True)
class Filters:
    """What a search narrows to, beyond its words; empty lists do not narrow."""

    products: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    urgency: list[str] = field(default_factory=list)
    person: list[str] = field(default_factory=list)
    organisation: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    start: datetime | None = None  # versionCreated on or after
    end: datetime | None = None  # versionCreated before


def term_filter(field: str, values: list[str]) -> tantivy.Query:
    """Items whose exact `field` holds any of `values`."""
    return tantivy.Query.term_set_query(SCHEMA, field, sorted(set(values)))


def product_filter(values: list[str], allowed: frozenset[str] | None) -> tantivy.Query:
    """Items in any of `values`, counting only the `allowed` products (None: all)."""
    known = [v for v in values if allowed is None or v in allowed]
    return term_filter("products", known) if known else tantivy.Query.empty_query()


def entitlement(viewer: Viewer, now: datetime) -> list[tantivy.Query] | None:
    """The clauses every hit must match for this viewer; None when it may see nothing.

    The index holds only released, live items (the follower deletes kills and admits
    embargoed items at their release), so a plan's embargo rights do not apply here.
    """
    if viewer.kind is ViewerKind.EDITOR:
        return []
    plan = viewer.plan
    if viewer.kind is not ViewerKind.SUBSCRIBER or plan is None:
        return None
    if not plan.products or not plan.types:
        return None
    clauses = [term_filter("products", list(plan.products)), term_filter("type", list(plan.types))]
    if plan.languages:
        clauses.append(term_filter("language", list(plan.languages)))
    if plan.delay_minutes:
        latest = now - timedelta(minutes=plan.delay_minutes)
        clauses.append(
            tantivy.Query.range_query(SCHEMA, "released", tantivy.FieldType.Date, None, latest)
        )
    return clauses


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def filter_clauses(filters: Filters, products: frozenset[str] | None) -> list[tantivy.Query]:
    """The clauses for a search's filters; `products` are those the caller may name."""
    clauses = []
    if filters.products:
        clauses.append(product_filter(filters.products, products))
    for values, name in ((filters.languages, "language"), (filters.types, "type")):
        if values:
            clauses.append(term_filter(name, values))
    if filters.urgency:
        if not all(u.isdigit() and 1 <= int(u) <= 9 for u in filters.urgency):
            raise Invalid("urgency: numbers from 1 (flash) to 9, such as 1,2")
        levels = sorted({int(u) for u in filters.urgency})
        clauses.append(_any([tantivy.Query.term_query(SCHEMA, "urgency", u) for u in levels]))
    for name in ("person", "organisation", "place", "topic"):
        values = getattr(filters, name)
        if values:
            keys = [analyzer(KEYWORD).analyze(normalize(v))[0] for v in values]
            clauses.append(_any([tantivy.Query.term_query(SCHEMA, name, k) for k in keys]))
    if filters.start or filters.end:
        clauses.append(
            tantivy.Query.range_query(
                SCHEMA,
                "created",
                tantivy.FieldType.Date,
                filters.start,
                filters.end,
                include_upper=filters.end is None,
            )
        )
    return clauses


def whole(text_query: tantivy.Query | None, clauses: list[tantivy.Query]) -> tantivy.Query:
    """One query: the typed words (everything when None) and every clause."""
    must = [text_query or tantivy.Query.all_query(), *clauses]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])
