"""Users who log in to the pages: portal (subscriber), desk (editor), admin.

Passwords are stored as argon2id hashes (argon2-cffi); hashing runs on a worker
thread because it is deliberately slow.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from newswire.errors import Conflict, Invalid, NotFound
from newswire.model import Role
from newswire.store.database import Database

__all__ = [
    "User",
    "check_password",
    "create_user",
    "disable_user",
    "set_password",
    "user",
    "user_named",
    "users",
]

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1000
_COLUMNS = "u.id, u.username, u.email, u.role, u.subscriber_id, s.name, u.created_at, u.disabled_at"
_FROM = "users u LEFT JOIN subscribers s ON s.id = u.subscriber_id"


@dataclass(frozen=True)
class User:
    """A person who logs in; subscriber users belong to one subscriber."""

    id: int
    username: str
    email: str | None
    role: Role
    subscriber_id: int | None
    subscriber_name: str | None
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the user may log in."""
        return self.disabled_at is None


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"password: must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    if "\x00" in password:
        raise Invalid("password: may not contain NUL characters")


def _check_user(username: str, role: str, subscriber_id: int | None, email: str | None) -> None:
    if not _USERNAME.match(username):
        raise Invalid(
            "username: 1 to 100 letters, digits, '.', '_', '@' or '-', starting with a letter"
            " or digit"
        )
    if role not in ("subscriber", "editor", "admin"):
        raise Invalid("role: must be subscriber, editor or admin")
    if (role == "subscriber") != (subscriber_id is not None):
        raise Invalid("subscriber: subscriber users, and only they, belong to a subscriber")
    if email is not None and (
        len(email) > 320 or "@" not in email or any(c.isspace() for c in email)
    ):
        raise Invalid("email: not an e-mail address")


async def create_user(
    db: Database,
    username: str,
    password: str,
    role: Role,
    subscriber_id: int | None = None,
    email: str | None = None,
) -> User:
    """Store a new user with an argon2 hash of the password."""
    email = (email or "").strip() or None
    _check_user(username, role, subscriber_id, email)
    _check_password(password)
    digest = await asyncio.to_thread(_hasher.hash, password)
    try:
        async with db.connection() as conn:
            cur = await conn.execute(
                "INSERT INTO users (username, email, password_hash, role, subscriber_id)"
                " VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (username, email, digest, role, subscriber_id),
            )
            row = await cur.fetchone()
    except psycopg.errors.UniqueViolation as err:
        raise Conflict(f"user {username!r} already exists") from err
    except psycopg.errors.ForeignKeyViolation as err:
        raise Invalid(f"subscriber: no such subscriber {subscriber_id}") from err
    assert row is not None
    return await user(db, int(row[0]))


def _user_from_row(row: tuple[object, ...]) -> User:
    return User(*row)  # type: ignore[arg-type]


async def user(db: Database, user_id: int) -> User:
    """One user by id."""
    async with db.connection() as conn:
        cur = await conn.execute(f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.id = %s", (user_id,))
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no user {user_id}")
    return _user_from_row(row)


async def user_named(db: Database, username: str) -> User | None:
    """One user by username, or None."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE u.username = %s", (username,)
        )
        row = await cur.fetchone()
    return None if row is None else _user_from_row(row)


async def users(db: Database) -> list[User]:
    """Every user, by username."""
    async with db.connection() as conn:
        cur = await conn.execute(f"SELECT {_COLUMNS} FROM {_FROM} ORDER BY u.username")
        return [_user_from_row(row) for row in await cur.fetchall()]


async def check_password(db: Database, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (same answer for every failure)."""
    if len(password) > MAX_PASSWORD or len(username) > 100:
        return None
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, password_hash FROM users WHERE username = %s AND disabled_at IS NULL",
            (username,),
        )
        row = await cur.fetchone()
    # Unknown users cost a hash too, so the answer's timing does not tell who exists.
    digest = str(row[1]) if row else _DUMMY_HASH
    try:
        await asyncio.to_thread(_hasher.verify, digest, password)
    except (VerificationError, InvalidHashError):
        return None
    return None if row is None else await user(db, int(row[0]))


async def set_password(db: Database, user_id: int, password: str) -> None:
    """Replace a user's password and end the user's sessions."""
    _check_password(password)
    digest = await asyncio.to_thread(_hasher.hash, password)
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE users SET password_hash = %s WHERE id = %s", (digest, user_id)
        )
        if cur.rowcount == 0:
            raise NotFound(f"no user {user_id}")
        await conn.execute("DELETE FROM sessions WHERE user_id = %s", (user_id,))


async def disable_user(db: Database, user_id: int) -> None:
    """Stop a user from logging in and end the user's sessions at once."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE users SET disabled_at = now() WHERE id = %s AND disabled_at IS NULL",
            (user_id,),
        )
        if cur.rowcount == 0:
            raise NotFound(f"no active user {user_id}")
        await conn.execute("DELETE FROM sessions WHERE user_id = %s", (user_id,))


_DUMMY_HASH = _hasher.hash("newswire-no-such-user")
