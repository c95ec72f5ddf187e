"""`newswire entity add NAME --type person|organisation|place [--alias A]...`,
`newswire entity merge ID INTO_ID`, `newswire entity correct ID [--type T] [--name N]
[--alias A]...` and `newswire entity list [--type T] [QUERY]`: the agency's entity
catalogue. A running server picks every change up on the next story it enriches.
"""

from __future__ import annotations

import argparse
from typing import Any

from newswire.store import entities
from newswire.store.database import Database
from newswire.store.entities import Entity

__all__ = ["add_entity_parser"]

_KINDS = ("person", "organisation", "place")


def _line(e: Entity) -> str:
    aliases = f" (also: {', '.join(e.aliases)})" if e.aliases else ""
    return f"{e.id}\t{e.kind}\t{e.name}\t{e.uri}{aliases}"


def cmd_entity_add(args: argparse.Namespace) -> None:
    """Add an entity and print its id and stable uri."""
    from newswire import cli

    async def work(db: Database) -> None:
        made = await entities.create_entity(db, args.type, args.name, args.alias)
        print(f"entity {made.id} added: {made.kind} {made.name!r}, uri {made.uri}")

    cli._with_db(args, work)


def cmd_entity_merge(args: argparse.Namespace) -> None:
    """Merge one entity into another."""
    from newswire import cli

    async def work(db: Database) -> None:
        kept = await entities.merge_entities(db, args.id, args.into_id)
        print(f"entity {args.id} merged into {kept.id} ({kept.name!r}, uri {kept.uri})")

    cli._with_db(args, work)


def cmd_entity_correct(args: argparse.Namespace) -> None:
    """Correct an entity's type, name or aliases."""
    from newswire import cli

    async def work(db: Database) -> None:
        fixed = await entities.correct_entity(
            db, args.id, kind=args.type, name=args.name, aliases=args.alias
        )
        print(f"entity {fixed.id} is now: {fixed.kind} {fixed.name!r}, uri {fixed.uri}")

    cli._with_db(args, work)


def cmd_entity_list(args: argparse.Namespace) -> None:
    """Print live entities, one a line: id, type, name, uri, aliases."""
    from newswire import cli

    async def work(db: Database) -> None:
        for e in await entities.entities(db, args.type, args.query, args.limit):
            print(_line(e))

    cli._with_db(args, work)


def add_entity_parser(
    sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser
) -> None:
    """The `entity` command and its actions."""
    entity = sub.add_parser("entity", help="manage the entity catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = entity.add_parser("add", parents=[common], help="add a known entity")
    add.add_argument("name")
    add.add_argument("--type", choices=_KINDS, required=True)
    add.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
    add.set_defaults(func=cmd_entity_add)

    merge = entity.add_parser("merge", parents=[common], help="merge ID into INTO_ID")
    merge.add_argument("id", type=int, metavar="ID")
    merge.add_argument("into_id", type=int, metavar="INTO_ID")
    merge.set_defaults(func=cmd_entity_merge)

    correct = entity.add_parser("correct", parents=[common], help="fix type, name or aliases")
    correct.add_argument("id", type=int, metavar="ID")
    correct.add_argument("--type", choices=_KINDS)
    correct.add_argument("--name")
    correct.add_argument(
        "--alias", action="append", default=None, help="replaces the aliases (repeatable)"
    )
    correct.set_defaults(func=cmd_entity_correct)

    listing = entity.add_parser("list", parents=[common], help="list entities")
    listing.add_argument("query", nargs="?", default=None, help="part of a name or alias")
    listing.add_argument("--type", choices=_KINDS)
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(func=cmd_entity_list)
