"""`newswire user add USERNAME --role subscriber|editor|admin [--subscriber NAME]
[--email E] [--password P]`: a login for the portal, the desk or the admin pages.
`newswire user password USERNAME [--password P]`: a new password (a forgotten one
reset by the agency); every session of the user ends.

Without `--password` the password is read from standard input (one line; a prompt
when standard input is a terminal), so it need not appear in the shell's history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from newswire.errors import Invalid, NotFound
from newswire.store import subscribers
from newswire.store.database import Database
from newswire.store.users import create_user, set_password, user_named

__all__ = ["add_user_parser", "cmd_user_add", "cmd_user_password"]


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user_add(args: argparse.Namespace) -> None:
    """Create the user and print a one-line confirmation."""
    from newswire import cli

    if (args.role == "subscriber") != (args.subscriber is not None):
        raise Invalid("--subscriber: subscriber users, and only they, name their subscriber")
    password = _password(args)

    async def work(db: Database) -> None:
        subscriber_id = None
        if args.subscriber is not None:
            found = [s for s in await subscribers.subscribers(db) if s.name == args.subscriber]
            if not found:
                raise NotFound(f"--subscriber: no subscriber named {args.subscriber!r}")
            subscriber_id = found[0].id
        user = await create_user(db, args.username, password, args.role, subscriber_id, args.email)
        where = f" of {user.subscriber_name}" if user.subscriber_name else ""
        print(f"user {user.username} ({user.role}{where}) created; log in at /login")

    cli._with_db(args, work)


def cmd_user_password(args: argparse.Namespace) -> None:
    """Set a user's password and end the user's sessions."""
    from newswire import cli

    password = _password(args)

    async def work(db: Database) -> None:
        found = await user_named(db, args.username)
        if found is None:
            raise NotFound(f"no user named {args.username!r}")
        await set_password(db, found.id, password)
        print(f"password of {found.username} changed; the user's sessions have ended")

    cli._with_db(args, work)


def add_user_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """The `user` command and its `add` and `password` actions."""
    user = sub.add_parser("user", help="manage page logins").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = user.add_parser("add", parents=[common], help="create a login for the pages")
    add.add_argument("username")
    add.add_argument("--role", choices=("subscriber", "editor", "admin"), required=True)
    add.add_argument("--subscriber", metavar="NAME", help="the subscriber a portal user belongs to")
    add.add_argument("--email")
    add.add_argument("--password", help="the password (default: read from standard input)")
    add.set_defaults(func=cmd_user_add)
    reset = user.add_parser(
        "password", parents=[common], help="set a user's password (ends the user's sessions)"
    )
    reset.add_argument("username")
    reset.add_argument("--password", help="the password (default: read from standard input)")
    reset.set_defaults(func=cmd_user_password)
