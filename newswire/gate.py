"""The one gate: for a viewer and an item, visible or not, and in which view.

Every exit (feed, item fetch, stream, webhooks, search, pages, public feeds) asks
this module and nothing else. The four invariants of DESIGN.md live here:

1. a subscriber never receives an item outside its plan, nor a body on a summary plan;
2. nothing embargoed is visible before release, unless the plan allows embargoed
   delivery (and then the item carries `embargoedUntil`);
3. after a kill, no exit serves the killed content; whoever could have received a
   version gets a kill notice;
4. the public never sees a body, nothing before the public delay, nothing killed.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta

from newswire.formats.markup import plain_text, text_to_html
from newswire.model import (
    DEFAULT_TYPES,
    Association,
    Event,
    EventKind,
    Item,
    ItemState,
    Plan,
    Text,
    Viewer,
    ViewerKind,
)

__all__ = [
    "KILL_HEADLINE",
    "PUBLIC_TYPES",
    "View",
    "decide",
    "decide_event",
    "entitled",
    "render",
    "rendition_visible",
]

KILL_HEADLINE = "KILL: story withdrawn, do not use"
_SUMMARY_RENDITIONS = frozenset({"thumbnail", "preview"})
PUBLIC_TYPES = frozenset(DEFAULT_TYPES)  # what a plan gets unless it names its types


class View(enum.Enum):
    """How much of an item a viewer receives."""

    FULL = "full"
    SUMMARY = "summary"
    KILL_NOTICE = "kill"


def entitled(plan: Plan, state: ItemState) -> bool:
    """Whether the plan covers the item's products, language and type at all."""
    item = state.item
    return (
        bool(plan.products & state.products)
        and (not plan.languages or (item.language or "") in plan.languages)
        and (item.type or "text") in plan.types
    )


def decide(viewer: Viewer, state: ItemState, now: datetime) -> View | None:
    """The view of the item's current state for this viewer, or None when hidden."""
    if viewer.kind is ViewerKind.EDITOR:
        return View.KILL_NOTICE if state.killed else View.FULL
    if viewer.kind is ViewerKind.PUBLIC:
        return _decide_public(viewer, state, now)
    plan = viewer.plan
    if plan is None or not entitled(plan, state):
        return None
    if state.killed:
        return View.KILL_NOTICE if _was_deliverable(plan, state) else None
    if state.item.pub_status == "withheld":
        return None
    if state.released_at is None:
        return _depth(plan) if plan.embargoed else None
    if state.released_at + timedelta(minutes=plan.delay_minutes) > now:
        return None
    return _depth(plan)


def decide_event(viewer: Viewer, event: Event, state: ItemState, now: datetime) -> View | None:
    """The view of one wire-log entry for this viewer, or None when it is not for them.

    `state` holds the version the event refers to, with the item's current lifecycle.
    """
    if event.kind is EventKind.KILL:
        view = decide(viewer, state, now)
        return View.KILL_NOTICE if view is View.KILL_NOTICE else None
    if state.killed:
        return None
    if event.embargoed and not _sees_embargoed(viewer):
        return None
    return decide(viewer, state, now)


def render(state: ItemState, view: View, viewer: Viewer) -> Item:
    """The item as this view shows it."""
    if view is View.KILL_NOTICE:
        return _kill_notice(state)
    if view is View.FULL:
        update: dict[str, object] = {"representation_type": "full"}
        if viewer.plan is not None and state.item.associations:
            kept = [a for a in state.item.associations if _covers(viewer.plan, a)]
            update["associations"] = kept or None
        return state.item.model_copy(update=update)
    return _summary(state.item, public=viewer.kind is ViewerKind.PUBLIC)


def rendition_visible(viewer: Viewer, view: View, name: str) -> bool:
    """Whether a viewer who sees a media item in `view` may download the named rendition.

    Full view: every rendition. Summary view (summary-depth plans): the thumbnail and
    the preview, the renditions the summary rendering lists. The public: only the
    watermarked preview. A kill notice: none.
    """
    if view is View.FULL:
        return True
    if view is not View.SUMMARY:
        return False
    if viewer.kind is ViewerKind.PUBLIC:
        return name == "preview"
    return name in _SUMMARY_RENDITIONS


def _covers(plan: Plan, association: Association) -> bool:
    """Whether the plan covers an associated item, by the type and language it declares.

    The associated item's own products are checked when it is fetched or downloaded.
    """
    if (association.type or "text") not in plan.types:
        return False
    language = association.language
    return not plan.languages or language is None or language in plan.languages


def _depth(plan: Plan) -> View:
    return View.FULL if plan.depth == "full" else View.SUMMARY


def _sees_embargoed(viewer: Viewer) -> bool:
    if viewer.kind is ViewerKind.EDITOR:
        return True
    return viewer.plan is not None and viewer.plan.embargoed


def _was_deliverable(plan: Plan, state: ItemState) -> bool:
    """Whether this plan could have received a version before the kill."""
    if plan.embargoed:
        return True
    return state.released_at is not None and (
        state.killed_at is None or state.released_at <= state.killed_at
    )


def _decide_public(viewer: Viewer, state: ItemState, now: datetime) -> View | None:
    public = viewer.public_products & state.products
    if not public or (state.item.type or "text") not in PUBLIC_TYPES:
        return None  # planning and event items are for subscribers who ask for them
    if state.killed:
        return View.KILL_NOTICE if state.released_at is not None else None
    if state.released_at is None or state.item.pub_status == "withheld":
        return None
    delay = min(viewer.public_delay_minutes.get(slug, 0) for slug in public)
    if state.released_at + timedelta(minutes=delay) > now:
        return None
    return View.SUMMARY


def _summary(item: Item, *, public: bool) -> Item:
    renditions = [r for r in item.renditions or [] if r.name in _SUMMARY_RENDITIONS]
    update: dict[str, object] = {
        "representation_type": "partial",
        "bodies": None,
        "associations": None,
        "renditions": renditions or None,
    }
    if public:
        update |= {"ed_note": None, "embargoed_until": None, "usage_terms": None}
        update["descriptions"] = _without_body_sentences(item)
    elif _holds_whole_body(item):
        update["descriptions"] = _without_body_sentences(item)  # invariant 1
    return item.model_copy(update=update)


# A sentence ends at . ! ? or the Arabic question mark before a space, or at CJK stops.
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f])\s+|(?<=[\u3002\uff01\uff1f])")
_MIN_SENTENCE = 20  # shorter fragments (a dateline, a place name) are not body sentences
_RUN = 8  # a sentence sharing this many consecutive words with the body is body text


def _as_text(value: str, content_type: str | None) -> str:
    html = value if content_type and "html" in content_type else text_to_html(value)
    return " ".join(plain_text(html).split())


def _from_body(sentence: str, body: str) -> bool:
    """Whether a sentence repeats the body: whole, or in a run of `_RUN` words."""
    if len(sentence) < _MIN_SENTENCE:
        return False
    if sentence in body:
        return True
    words = sentence.split()
    runs = (" ".join(words[i : i + _RUN]) for i in range(len(words) - _RUN + 1))
    return any(run in body for run in runs)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _without_body_sentences(item: Item) -> list[Text] | None:
    """The descriptions without the sentences the body also holds: an extractive summary
    is body text, and the public never sees the body (invariant 4). Summary plans keep
    such summaries: a summary service carries the lead."""
    if not item.descriptions or not item.bodies:
        return item.descriptions
    body = " ".join(_as_text(b.value, b.content_type) for b in item.bodies)
    kept = []
    for text in item.descriptions:
        sentences = _sentences(_as_text(text.value, text.content_type))
        own = [s for s in sentences if not _from_body(s, body)]
        if own == sentences:
            kept.append(text)
        elif own:
            kept.append(Text(role=text.role, value=" ".join(own)))
    return kept or None


def _holds_whole_body(item: Item) -> bool:
    """Whether the descriptions repeat every sentence of the body (a short story whose
    summary is the story): then a summary plan would receive the full body."""
    if not item.descriptions or not item.bodies:
        return False
    described = " ".join(_as_text(t.value, t.content_type) for t in item.descriptions)
    body = " ".join(_as_text(b.value, b.content_type) for b in item.bodies)
    sentences = [s for s in _sentences(body) if len(s) >= _MIN_SENTENCE]
    return bool(sentences) and all(s in described for s in sentences)


def _kill_notice(state: ItemState) -> Item:
    item = state.item
    reason = state.kill_reason or "withdrawn by the agency"
    return Item(
        uri=item.uri,
        type=item.type,
        version=str(state.kill_version or state.version),
        language=item.language,
        version_created=state.killed_at,
        first_created=item.first_created,
        pub_status="canceled",
        representation_type="partial",
        headlines=[Text(role="main", value=KILL_HEADLINE)],
        ed_note=f"KILL: {reason}. Remove this story and every earlier version from all systems.",
    )
