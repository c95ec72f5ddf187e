"""The follow agent's exit statuses and the exceptions that lead to them.

A service manager or cron job reads these: 0 a clean stop (SIGTERM, SIGINT), 1 an
unexpected failure, 2 bad usage (options, or a folder in use or kept for another
format), 3 the server refused the key, 4 the server stayed unreachable for longer
than `--give-up-after`.
"""

from __future__ import annotations

__all__ = [
    "EXIT_AUTH",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "AuthRefused",
    "BadUsage",
    "ServerTrouble",
    "Stopped",
]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNREACHABLE = 4


class Stopped(BaseException):
    """SIGTERM or SIGINT arrived: stop at once (every write is atomic, so any point is safe)."""


class BadUsage(Exception):
    """The agent cannot run as asked (exit 2)."""


class AuthRefused(Exception):
    """The server answered 401 or 403: retrying will not help (exit 3)."""


class ServerTrouble(Exception):
    """The server answered with an unexpected status or body: retry later."""
