"""The desk's story form: from submitted fields to a ninjs item, and back for editing."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from newswire.errors import Invalid
from newswire.model import Item, Text
from newswire.web.pages.sessions import Form

__all__ = ["StoryForm"]

_LOOKS_LIKE_HTML = re.compile(r"<(p|div|br|h[1-6]|ul|ol|li|blockquote|b|i|em|strong|a)\b", re.I)
MAX_HEADLINE = 500


def _body_html(text: str) -> str:
    """Pasted HTML stays as it is; plain text becomes one paragraph per blank-line block."""
    if _LOOKS_LIKE_HTML.search(text):
        return text
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


@dataclass
class StoryForm:
    """The fields of the compose and update forms, as submitted (strings)."""

    headline: str = ""
    summary: str = ""
    body: str = ""
    by: str = ""
    located: str = ""
    slugline: str = ""
    language: str = "en"
    urgency: str = "5"
    embargo: str = ""
    ed_note: str = ""
    products: list[str] = field(default_factory=list)
    signal: str = "update"

    @classmethod
    def from_form(cls, form: Form) -> StoryForm:
        """The fields of a submitted form."""
        return cls(
            headline=form.get("headline"),
            summary=form.get("summary"),
            body=form.get("body"),
            by=form.get("by"),
            located=form.get("located"),
            slugline=form.get("slugline"),
            language=form.get("language"),
            urgency=form.get("urgency"),
            embargo=form.get("embargo"),
            ed_note=form.get("ed_note"),
            products=[p.strip() for p in form.getall("products") if p.strip()],
            signal=form.get("signal") or "update",
        )

    @classmethod
    def from_item(cls, item: Item, products: list[str]) -> StoryForm:
        """The form filled from a stored version, for the next version."""
        body = "".join(b.value for b in item.bodies or [])
        embargo = item.embargoed_until
        return cls(
            headline=item.headline(),
            summary=item.summary(),
            body=body,
            by=item.by or "",
            located=item.located or "",
            slugline=item.slugline or "",
            language=item.language or "",
            urgency="" if item.urgency is None else str(item.urgency),
            embargo=embargo.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if embargo else "",
            ed_note=item.ed_note or "",
            products=sorted(products),
        )

    def signal_checked(self) -> str:
        """The signal of an update: 'update' or 'correction' (Invalid otherwise)."""
        if self.signal not in ("update", "correction"):
            raise Invalid("signal: choose update or correction")
        return self.signal

    def item(self) -> Item:
        """The ninjs item these fields describe; Invalid naming the field when they cannot."""
        if not self.headline:
            raise Invalid("headline: a story needs a headline")
        if len(self.headline) > MAX_HEADLINE:
            raise Invalid(f"headline: at most {MAX_HEADLINE} characters")
        values: dict[str, Any] = {
            "type": "text",
            "headlines": [Text(role="main", value=self.headline)],
        }
        if self.summary:
            values["descriptions"] = [Text(role="summary", value=self.summary)]
        if self.body:
            values["bodies"] = [
                Text(role="main", content_type="text/html", value=_body_html(self.body))
            ]
        for name in ("by", "located", "slugline", "ed_note"):
            if getattr(self, name):
                values[name] = getattr(self, name)
        if self.language:
            values["language"] = self.language
        if self.urgency:
            if not self.urgency.isdigit() or not 1 <= int(self.urgency) <= 9:
                raise Invalid("urgency: a whole number from 1 (flash) to 9")
            values["urgency"] = int(self.urgency)
        if self.embargo:
            values["embargoed_until"] = _moment(self.embargo)
        try:
            return Item(**values)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise Invalid(f"{where or 'story'}: {first.get('msg', 'not valid')}") from err


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise Invalid(f"embargo: not a date and time such as 2026-05-01T14:30: {value!r}") from err
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
