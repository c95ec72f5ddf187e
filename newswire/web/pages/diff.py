"""What changed between two versions of a story: headline, summary and body, line by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from newswire.enrich.text import plain_text
from newswire.model import Item

__all__ = ["Change", "changes"]


@dataclass(frozen=True)
class Change:
    """One field's difference: lines taken out and lines put in, in order."""

    field: str
    lines: list[tuple[str, str]]  # ("-" | "+" | " ", text)


def _body_lines(item: Item) -> list[str]:
    text = "\n".join(plain_text(b.value) for b in item.bodies or [])
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fields(item: Item) -> dict[str, list[str]]:
    return {
        "headline": [item.headline()] if item.headline() else [],
        "summary": [item.summary()] if item.summary() else [],
        "body": _body_lines(item),
    }


def changes(old: Item | None, new: Item) -> list[Change]:
    """The fields that differ from `old` to `new` (everything is new when `old` is None)."""
    before = _fields(old) if old is not None else {"headline": [], "summary": [], "body": []}
    after = _fields(new)
    found = []
    for name in ("headline", "summary", "body"):
        if before[name] == after[name]:
            continue
        lines = []
        for line in difflib.ndiff(before[name], after[name]):
            mark, text = line[:1], line[2:]
            if mark in ("-", "+"):
                lines.append((mark, text))
        found.append(Change(name, lines))
    return found
