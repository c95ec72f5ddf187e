"""The demo: sample products, plans, subscribers, keys and stories written for newswire."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from newswire.errors import Conflict
from newswire.model import Item, Plan, Product, Role
from newswire.store import keys, plans, products, subscribers
from newswire.store.database import Database
from newswire.store.enrichment import enrich_version
from newswire.store.items import kill_item, publish_item, update_item
from newswire.store.users import create_user

__all__ = ["DEMO_PLANS", "DEMO_PRODUCTS", "DEMO_SUBSCRIBERS", "prepare_demo_dir", "seed_demo"]

MARKER = ".newswire-demo"

DEMO_PRODUCTS = [
    Product("world-en", "World / English", public=True),
    Product("economy-en", "Economy / English", public=True, public_delay_minutes=0),
    Product("sport-en", "Sport / English", public=True),
    Product("gundem-tr", "Gündem / Türkçe", public=True),
    Product("ekonomi-tr", "Ekonomi / Türkçe"),
    Product("world-ar", "العالم / العربية", public=True),
    Product("monde-fr", "Monde / Français", public=True),
]
_ALL = frozenset(p.slug for p in DEMO_PRODUCTS)
DEMO_PLANS = [
    Plan(
        "english-full",
        frozenset({"world-en", "economy-en", "sport-en"}),
        languages=frozenset({"en"}),
        depth="full",
        embargoed=True,
    ),
    Plan("all-summary", _ALL, depth="summary"),
    Plan(
        "arabic-french-full",
        frozenset({"world-ar", "monde-fr"}),
        languages=frozenset({"ar", "fr"}),
        depth="full",
    ),
]
DEMO_SUBSCRIBERS = [
    ("Daily Chronicle", "english-full"),
    ("Regional Digest", "all-summary"),
    ("Al-Sahifa Media", "arabic-french-full"),
]


def prepare_demo_dir(data_dir: Path) -> None:
    """Empty a previous demo's data dir; refuse a data dir that holds something else."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise Conflict(
                f"{data_dir} holds data that is not a demo's; give `newswire demo` another"
                " --data-dir"
            )
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("made by `newswire demo`; emptied at each demo start\n")


def _stories() -> list[dict[str, Any]]:
    text = (resources.files("newswire.demo") / "stories.json").read_text(encoding="utf-8")
    stories: list[dict[str, Any]] = json.loads(text)["stories"]
    return stories


async def _publish_stories(db: Database) -> dict[str, int]:
    counts = {"stories": 0, "updates": 0, "kills": 0, "embargoed": 0}
    now = datetime.now(UTC)
    for story in _stories():
        data = dict(story["item"])
        if "embargoMinutes" in story:
            data["embargoedUntil"] = (now + timedelta(minutes=story["embargoMinutes"])).isoformat()
            counts["embargoed"] += 1
        item, record = await enrich_version(db, Item.model_validate(data))
        done = await publish_item(db, item, story["products"], enrichment=record)
        counts["stories"] += 1
        for change in story.get("updates", []):
            item, record = await enrich_version(db, Item.model_validate(change["item"]))
            await update_item(db, done.uri, item, None, change["signal"], enrichment=record)
            counts["updates"] += 1
        if "kill" in story:
            await kill_item(db, done.uri, story["kill"])
            counts["kills"] += 1
    return counts


async def _login(
    db: Database, username: str, role: Role, subscriber_id: int | None, what: str
) -> str:
    """A page login with a fresh random password; the line that prints it."""
    password = secrets.token_urlsafe(9)
    await create_user(db, username, password, role, subscriber_id)
    return f"  login {username:<18} password {password:<14} ({what})"


async def seed_demo(db: Database, base_url: str) -> str:
    """Fill an empty database with the demo; returns the text to print (URLs and keys)."""
    for product in DEMO_PRODUCTS:
        await products.create_product(db, product)
    for plan in DEMO_PLANS:
        await plans.create_plan(db, plan)
    lines, logins = [], []
    for name, plan_slug in DEMO_SUBSCRIBERS:
        made = await subscribers.create_subscriber(db, name, plan_slug)
        _, key = await keys.create_key(db, "subscriber", made.id)
        lines.append(f"  subscriber {name:<18} plan {plan_slug:<20} key {key}")
        username = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        logins.append(await _login(db, username, "subscriber", made.id, f"portal of {name}"))
    _, editor = await keys.create_key(db, "editor")
    _, admin = await keys.create_key(db, "admin")
    logins.append(await _login(db, "editor", "editor", None, "the desk"))
    logins.append(await _login(db, "admin", "admin", None, "the admin pages"))
    counts = await _publish_stories(db)
    return "\n".join(
        [
            "newswire demo",
            f"  {counts['stories']} stories, {counts['updates']} updates and corrections,"
            f" {counts['kills']} kill, {counts['embargoed']} embargoed story released a minute"
            " from now",
            "",
            f"  public site   {base_url}/   (summaries of public products only)",
            f"  public Atom   {base_url}/feeds/public.atom",
            f"  API docs      {base_url}/docs",
            f"  subscriber feed {base_url}/v1/feed  (Authorization: Bearer <subscriber key>)",
            f"  health        {base_url}/healthz",
            f"  portal        {base_url}/portal   desk {base_url}/desk   admin {base_url}/admin",
            f"  sign in at    {base_url}/login",
            "",
            *logins,
            "",
            *lines,
            f"  editor key    {editor}",
            f"  admin key     {admin}",
            "",
            f"  try: curl -H 'Authorization: Bearer <key>' '{base_url}/v1/feed?limit=5'",
        ]
    )
