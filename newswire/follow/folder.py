"""The hot folder: atomic file writes, the cursor beside them, and removal after kills.

Every file appears whole or not at all: it is written to a hidden temporary name,
flushed to disk, then renamed (and the folder entry made durable). The cursor is
written the same way, after the files of its event, so a crash leaves at worst an
event whose files exist and whose cursor does not: on restart it is applied again
under the same names, which replaces identical files and adds nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from newswire.delivery.filenames import belongs_to
from newswire.follow.exits import BadUsage

__all__ = ["CURSOR_FILE", "HotFolder"]

CURSOR_FILE = ".newswire-follow.json"
LOCK_FILE = ".newswire-follow.lock"
_TEMP_PREFIX = ".tmp-"


class HotFolder:
    """One agent's output folder, locked for as long as the agent runs."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise BadUsage(f"--out {path}: cannot create the folder ({err.strerror})") from err
        self._lock = self._take_lock()
        for leftover in path.glob(_TEMP_PREFIX + "*"):  # from an agent killed mid-write
            leftover.unlink(missing_ok=True)

    def _take_lock(self) -> IO[bytes] | None:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one agent per folder is on the user
            return None
        handle = (self.path / LOCK_FILE).open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise BadUsage(f"--out {self.path}: another follow agent is using it") from None
        return handle

    def close(self) -> None:
        """Release the folder."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def cursor(self) -> int | None:
        """The last sequence number fully written here, or None for a new folder."""
        try:
            saved = json.loads((self.path / CURSOR_FILE).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            raise BadUsage(f"{self.path / CURSOR_FILE}: unreadable cursor ({err})") from err
        if saved.get("format") != self.fmt:
            raise BadUsage(
                f"--out {self.path}: this folder follows the wire in {saved.get('format')};"
                " use another folder for another format"
            )
        seq = saved.get("seq")
        if not isinstance(seq, int) or seq < 0:
            raise BadUsage(f"{self.path / CURSOR_FILE}: no valid seq in the cursor")
        return seq

    def save_cursor(self, seq: int) -> None:
        """Record that everything up to `seq` is in the folder."""
        data = json.dumps({"seq": seq, "format": self.fmt}).encode()
        self.write(CURSOR_FILE, data)

    def write(self, name: str, data: bytes) -> None:
        """Write a file atomically: temporary name, fsync, rename, fsync the folder."""
        self.write_chunks(name, (data,))

    def write_chunks(self, name: str, chunks: Iterable[bytes]) -> None:
        """Write a file atomically from chunks (a download), never holding it whole."""
        temp = self.path / f"{_TEMP_PREFIX}{name}"
        try:
            with temp.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path / name)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self._sync_folder()

    def remove_item(self, uri: str, keep: str) -> int:
        """Remove the item's earlier files (not `keep`); how many were removed."""
        removed = 0
        for entry in os.scandir(self.path):
            if entry.name != keep and belongs_to(entry.name, uri):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
        if removed:
            self._sync_folder()
        return removed

    def _sync_folder(self) -> None:
        if os.name != "posix":
            return
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
