"""Running the app under uvicorn, closing stream connections first at shutdown."""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from newswire.delivery.fanout import RUNNING_HUBS
from newswire.web.logging import log_config

__all__ = ["NewswireServer", "serve"]

APP = "newswire.web.app:create_app"


class NewswireServer(uvicorn.Server):
    """uvicorn's server; at shutdown it closes streams, which never end by themselves."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close every stream connection, then shut down as uvicorn does."""
        for hub in list(RUNNING_HUBS):
            hub.close_all()
        await super().shutdown(sockets)


class _WorkerProcess(Process):
    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = NewswireServer(config=self.config)
        return self._server


class _Workers(Multiprocess):
    """uvicorn's worker supervisor, starting workers that run NewswireServer.

    Workers that uvicorn itself restarts after a crash run its plain server; their
    streams then close after the graceful-shutdown timeout instead of at once.
    """

    def init_processes(self) -> None:
        for _ in range(self.processes_num):
            process = _WorkerProcess(self.config, self.sockets)
            process.start()
            self.processes.append(process)


def serve(host: str, port: int, workers: int, log_format: str = "text") -> None:
    """Serve the app (from the environment's settings) until SIGTERM or SIGINT;
    `log_format` "json" writes one JSON object a line (web/logging.py)."""
    config = uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        log_config=log_config() if log_format == "json" else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=5,
    )
    server = NewswireServer(config)
    if workers > 1:
        sock = config.bind_socket()
        _Workers(config, sockets=[sock]).run()
    else:
        server.run()
