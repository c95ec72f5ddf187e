"""The subscriber-side agent: follow the wire into a hot folder (`newswire follow`)."""

from newswire.follow.agent import Agent, AgentOptions, follow
from newswire.follow.exits import (
    EXIT_AUTH,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_AUTH",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "Agent",
    "AgentOptions",
    "follow",
]
