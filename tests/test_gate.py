"""Property tests of the one gate: random plans, items, embargoes and kills."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from newswire import gate
from newswire.gate import View
from newswire.model import (
    Event,
    EventKind,
    Item,
    ItemState,
    Plan,
    Rendition,
    Text,
    Viewer,
    ViewerKind,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PRODUCTS = ["world", "economy", "sport"]
LANGUAGES = ["en", "tr", "ar"]
TYPES = ["text", "picture", "video"]
SECRET = "SECRET-BODY-TEXT"
HEADLINE = "ORIGINAL-HEADLINE"

minutes = st.integers(min_value=0, max_value=120).map(lambda m: timedelta(minutes=m))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    return Plan(
        slug="p",
        products=frozenset(draw(st.sets(st.sampled_from(PRODUCTS), min_size=1))),
        languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES)))),
        types=frozenset(draw(st.sets(st.sampled_from(TYPES), min_size=1))),
        depth=draw(st.sampled_from(["full", "summary"])),
        delay_minutes=draw(st.sampled_from([0, 0, 15, 60])),
        embargoed=draw(st.booleans()),
    )


@st.composite
def states(draw: st.DrawFn) -> ItemState:
    embargo = draw(
        st.one_of(st.none(), minutes.map(lambda d: NOW + d), minutes.map(lambda d: NOW - d))
    )
    released_at = draw(st.one_of(st.none(), minutes.map(lambda d: NOW - d)))
    if embargo is not None and embargo > NOW:
        released_at = None  # an embargo in the future is not released yet
    killed_at = draw(st.one_of(st.none(), minutes.map(lambda d: NOW - d / 2)))
    item = Item(
        uri="urn:test:1",
        type=draw(st.sampled_from(TYPES)),
        version="1",
        language=draw(st.sampled_from(LANGUAGES)),
        pub_status=draw(st.sampled_from(["usable", "usable", "withheld"])),
        embargoed_until=embargo,
        headlines=[Text(role="main", value=HEADLINE)],
        descriptions=[Text(role="summary", value="A summary.")],
        bodies=[Text(value=f"<p>{SECRET}</p>")],
        renditions=[Rendition(name="original"), Rendition(name="thumbnail")],
        ed_note="internal note",
    )
    return ItemState(
        item=item,
        version=1,
        products=frozenset(draw(st.sets(st.sampled_from(PRODUCTS), min_size=1))),
        killed_at=killed_at,
        kill_reason="legal" if killed_at else "",
        kill_version=2 if killed_at else 0,
        embargo_until=embargo if released_at is None else None,
        released_at=released_at,
    )


def _text(item: Item) -> str:
    return json.dumps(item.to_ninjs())


@given(plans(), states())
def test_subscriber_invariants(plan: Plan, state: ItemState) -> None:
    viewer = Viewer(ViewerKind.SUBSCRIBER, plan=plan)
    view = gate.decide(viewer, state, NOW)
    if view is None:
        return
    shown = gate.render(state, view, viewer)
    # 1. inside the plan, and no body on a summary plan
    assert gate.entitled(plan, state)
    if plan.depth == "summary":
        assert SECRET not in _text(shown)
    if view is View.SUMMARY:
        assert shown.bodies is None and shown.representation_type == "partial"
        assert [r.name for r in shown.renditions or []] == ["thumbnail"]
    # 2. nothing embargoed before release unless the plan takes embargoed items
    if state.released_at is None and view is not View.KILL_NOTICE:
        assert plan.embargoed
        assert shown.embargoed_until == state.item.embargoed_until
    # 3. after a kill, only the kill notice
    if state.killed:
        assert view is View.KILL_NOTICE
        assert SECRET not in _text(shown) and HEADLINE not in _text(shown)
        assert shown.pub_status == "canceled"
    # delay and withheld
    if view is not View.KILL_NOTICE:
        assert state.item.pub_status != "withheld"
        if state.released_at is not None:
            assert state.released_at + timedelta(minutes=plan.delay_minutes) <= NOW


@given(plans(), states())
def test_everyone_who_could_have_received_it_gets_the_kill_notice(
    plan: Plan, state: ItemState
) -> None:
    if not state.killed or not gate.entitled(plan, state):
        return
    could_have = plan.embargoed or (
        state.released_at is not None
        and state.killed_at is not None
        and state.released_at <= state.killed_at
    )
    view = gate.decide(Viewer(ViewerKind.SUBSCRIBER, plan=plan), state, NOW)
    assert (view is View.KILL_NOTICE) == could_have


@given(states(), st.sets(st.sampled_from(PRODUCTS)), st.sampled_from([0, 10, 90]))
def test_public_invariants(state: ItemState, public: set[str], delay: int) -> None:
    viewer = Viewer(
        ViewerKind.PUBLIC,
        public_products=frozenset(public),
        public_delay_minutes=dict.fromkeys(public, delay),
    )
    view = gate.decide(viewer, state, NOW)
    if view is None:
        return
    shown = gate.render(state, view, viewer)
    assert view is not View.FULL  # 4. never a body
    assert SECRET not in _text(shown) and "internal note" not in _text(shown)
    assert state.products & public
    if state.killed:
        assert view is View.KILL_NOTICE
    else:
        assert state.released_at is not None
        assert state.released_at + timedelta(minutes=delay) <= NOW


@given(plans(), states(), st.sampled_from(list(EventKind)), st.booleans())
def test_events_of_killed_or_embargoed_items(
    plan: Plan, state: ItemState, kind: EventKind, embargoed: bool
) -> None:
    viewer = Viewer(ViewerKind.SUBSCRIBER, plan=plan)
    event = Event(1, kind, "urn:test:1", 1, state.products, embargoed, NOW)
    view = gate.decide_event(viewer, event, state, NOW)
    if state.killed and kind is not EventKind.KILL:
        assert view is None
    if kind is EventKind.KILL:
        assert view in (None, View.KILL_NOTICE)
    if embargoed and not plan.embargoed and kind is not EventKind.KILL:
        assert view is None
    if view is not None:
        assert view == gate.decide(viewer, state, NOW)


@given(states())
def test_editors_see_everything_but_killed_content(state: ItemState) -> None:
    viewer = Viewer(ViewerKind.EDITOR)
    view = gate.decide(viewer, state, NOW)
    assert view is (View.KILL_NOTICE if state.killed else View.FULL)


def test_public_never_shows_planning_or_event_items() -> None:
    viewer = Viewer(
        ViewerKind.PUBLIC, public_products=frozenset({"world"}), public_delay_minutes={}
    )
    for kind, shown in (("text", True), ("picture", True), ("event", False), ("planning", False)):
        item = Item(uri=f"urn:test:{kind}", type=kind, version="1")
        state = ItemState(
            item=item, version=1, products=frozenset({"world"}), released_at=NOW - timedelta(1)
        )
        assert (gate.decide(viewer, state, NOW) is View.SUMMARY) == shown, kind
