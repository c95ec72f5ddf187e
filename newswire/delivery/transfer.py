"""Where a destination's files go: the decrypted target one upload needs, and checks of
the SSH keys an admin gives for it."""

from __future__ import annotations

from dataclasses import dataclass

import asyncssh

from newswire.errors import Invalid

__all__ = ["Parcel", "Target", "check_host_key", "check_private_key"]


@dataclass(frozen=True)
class Target:
    """An FTP or SFTP server, a login and a folder."""

    protocol: str
    host: str
    port: int
    username: str
    folder: str = ""
    passive: bool = True
    host_key: str = ""


@dataclass(frozen=True)
class Parcel:
    """One file to put in place, and the files it recalls (removed once it is there)."""

    name: str
    body: bytes
    recall: tuple[str, ...] = ()


def check_private_key(text: str) -> None:
    """Invalid unless the text is a private key asyncssh can read (unencrypted)."""
    try:
        asyncssh.import_private_key(text)
    except Exception as err:  # the parser raises several kinds for malformed input
        raise Invalid(f"privateKey: not a usable private key ({_short(err)})") from None


def check_host_key(text: str) -> None:
    """Invalid unless the text is an SSH public key (`ssh-ed25519 AAAA...`)."""
    try:
        asyncssh.import_public_key(text)
    except Exception as err:  # the parser raises several kinds for malformed input
        raise Invalid(f"hostKey: not an SSH public key ({_short(err)})") from None


def _short(err: Exception) -> str:
    return (str(err) or type(err).__name__)[:200]
