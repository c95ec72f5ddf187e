"""Domain types: the ninjs 3.x item, products, plans, viewers and wire events. No I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "DEFAULT_TYPES",
    "Association",
    "Concept",
    "Event",
    "EventKind",
    "Item",
    "ItemState",
    "Plan",
    "Product",
    "Rendition",
    "Role",
    "Signal",
    "Text",
    "Viewer",
    "ViewerKind",
]

ItemType = Literal[
    "text", "audio", "video", "picture", "graphic", "composite", "component", "event", "planning"
]
PubStatus = Literal["usable", "withheld", "canceled"]
Signal = Literal["update", "correction"]
Role = Literal["subscriber", "editor", "admin"]
DEFAULT_TYPES: tuple[str, ...] = ("text", "picture", "video", "graphic", "audio", "composite")


def _as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-12:00 is in year 10000 in UTC
        raise ValueError("date-time is outside years 1 to 9999 once converted to UTC") from None


class _Ninjs(BaseModel):
    """Base for ninjs objects: camelCase on the wire, unknown properties rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text may not contain NUL (U+0000) characters")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Text(_Ninjs):
    """One headline, description or body: ninjs `{role, contentType, value}`."""

    value: str
    role: str | None = None
    content_type: str | None = None
    char_count: int | None = None
    word_count: int | None = None


class Concept(_Ninjs):
    """A subject, person, place, genre or other concept reference."""

    name: str | None = None
    rel: str | None = None
    uri: str | None = None
    literal: str | None = None
    creator: str | None = None
    relevance: int | None = Field(default=None, ge=0, le=100)
    confidence: int | None = Field(default=None, ge=0, le=100)
    contact_info: list[dict[str, Any]] | None = None
    geo_json: dict[str, Any] | None = Field(default=None, alias="geoJSON")


class Rendition(_Ninjs):
    """One rendition of a media item (ninjs `renditionType`)."""

    name: str
    href: str | None = None
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    size_in_bytes: int | None = None
    duration: float | None = None
    format: str | None = None
    aspect_ratio: str | None = None
    video_codec: str | None = None
    frame_rate: float | None = None
    poi: dict[str, int] | None = None
    transport_protocol: str | None = None
    scan_type: Literal["progressive", "interlaced"] | None = None
    bitrate: str | None = None


class _ItemFields(_Ninjs):
    """Every property ninjs 3.1 allows on an item."""

    uri: str | None = None
    type: ItemType | None = None
    representation_type: Literal["full", "partial"] | None = None
    profile: str | None = None
    version: str | None = None
    first_created: datetime | None = None
    version_created: datetime | None = None
    content_created: datetime | None = None
    embargoed_until: datetime | None = None
    pub_status: PubStatus | None = None
    urgency: int | None = Field(default=None, ge=1, le=9)
    copyright_holder: str | None = None
    copyright_notice: str | None = None
    usage_terms: str | None = None
    ed_note: str | None = None
    language: str | None = None
    headlines: list[Text] | None = None
    descriptions: list[Text] | None = None
    bodies: list[Text] | None = None
    title: str | None = None
    by: str | None = None
    slugline: str | None = None
    located: str | None = None
    subjects: list[Concept] | None = None
    people: list[Concept] | None = None
    organisations: list[dict[str, Any]] | None = None
    places: list[Concept] | None = None
    events: list[Concept] | None = None
    objects: list[Concept] | None = None
    genres: list[Concept] | None = None
    info_sources: list[dict[str, Any]] | None = None
    event_details: dict[str, Any] | None = None
    planned_coverage: list[dict[str, Any]] | None = None
    renditions: list[Rendition] | None = None
    alt_ids: list[dict[str, str]] | None = None
    trust_indicators: list[dict[str, str]] | None = None
    standard: dict[str, str] | None = None
    expires: datetime | None = None
    rights_info: dict[str, str] | None = None
    digital_source_type: dict[str, str] | None = None

    @field_validator(
        "first_created",
        "version_created",
        "content_created",
        "embargoed_until",
        "expires",
    )
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)

    @field_validator("uri")
    @classmethod
    def _uri_shape(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or any(c.isspace() for c in value)):
            raise ValueError("must be an absolute URI such as 'urn:newsml:example.com:1234'")
        return value

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str | None) -> str | None:
        if value is not None and not (
            1 < len(value) <= 35 and all(c.isalnum() or c == "-" for c in value)
        ):
            raise ValueError("must be a BCP 47 language tag such as 'en' or 'pt-BR'")
        return value


class Association(_ItemFields):
    """An item embedded in another item's `associations`; ninjs requires name and uri."""

    name: str
    rel: str | None = None


class Item(_ItemFields):
    """One version of a story, picture, video or graphic, in ninjs 3.x terms."""

    associations: list[Association] | None = None

    def headline(self) -> str:
        """The main headline's text, or an empty string."""
        return _pick(self.headlines, "main")

    def summary(self) -> str:
        """The summary description's text, or an empty string."""
        return _pick(self.descriptions, "summary")

    def to_ninjs(self) -> dict[str, Any]:
        """The item as a ninjs 3.x JSON object (camelCase, no empty fields)."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return data


def _pick(texts: list[Text] | None, role: str) -> str:
    if not texts:
        return ""
    for text in texts:
        if text.role == role:
            return text.value
    return texts[0].value


@dataclass(frozen=True)
class Product:
    """A named channel of content; public products show summaries on the public site."""

    slug: str
    name: str
    public: bool = False
    public_delay_minutes: int = 0


@dataclass(frozen=True)
class Plan:
    """What a subscription entitles. Empty languages means every language."""

    slug: str
    products: frozenset[str]
    languages: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset(DEFAULT_TYPES)
    depth: Literal["full", "summary"] = "full"
    delay_minutes: int = 0
    embargoed: bool = False


class ViewerKind(enum.Enum):
    """Who is looking: a subscriber (through its plan), the public, or the agency's editors."""

    SUBSCRIBER = "subscriber"
    PUBLIC = "public"
    EDITOR = "editor"


@dataclass(frozen=True)
class Viewer:
    """A viewer as the gate sees it."""

    kind: ViewerKind
    plan: Plan | None = None
    public_products: frozenset[str] = frozenset()
    public_delay_minutes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemState:
    """An item version together with the item's current lifecycle state."""

    item: Item
    version: int
    products: frozenset[str]
    kill_reason: str = ""
    killed_at: datetime | None = None
    kill_version: int = 0
    embargo_until: datetime | None = None
    released_at: datetime | None = None
    signal: str | None = None  # how this version came: publish, update, correction, ...

    @property
    def killed(self) -> bool:
        """Whether the item has been killed (in any version)."""
        return self.killed_at is not None


class EventKind(enum.StrEnum):
    """The kinds of entries in the wire log."""

    PUBLISH = "publish"
    UPDATE = "update"
    CORRECTION = "correction"
    KILL = "kill"
    RELEASE = "release"


@dataclass(frozen=True)
class Event:
    """One row of the wire log."""

    seq: int
    kind: EventKind
    uri: str
    version: int
    products: frozenset[str]
    embargoed: bool
    created_at: datetime
