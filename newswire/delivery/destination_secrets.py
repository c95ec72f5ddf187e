"""Destination credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from the `destination_key` setting; when it is empty, a key is generated
on first start into `<data_dir>/destination.key` (mode 0600) and read from there after.
Every node of a deployment must share the key: set it in the environment for
multi-node deployments, and back it up, since stored credentials cannot be read
without it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from newswire.errors import Invalid

__all__ = ["Credentials", "decrypt", "encrypt", "load_cipher"]

KEY_FILE = "destination.key"


@dataclass(frozen=True)
class Credentials:
    """A password, or a private key in OpenSSH/PEM form (SFTP), or both."""

    password: str = ""
    private_key: str = ""


def load_cipher(key: str, data_dir: Path) -> Fernet:
    """The cipher for the configured key, or for the data dir's key file (made once)."""
    if key:
        try:
            return Fernet(key.encode())
        except ValueError as err:
            raise Invalid(
                "NEWSWIRE_DESTINATION_KEY: not a Fernet key (32 url-safe base64 bytes)"
            ) from err
    path = data_dir / KEY_FILE
    try:
        return Fernet(path.read_bytes().strip())
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    fresh = Fernet.generate_key()
    try:  # O_EXCL: two processes starting together agree on the first one's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return Fernet(path.read_bytes().strip())
    with os.fdopen(fd, "wb") as out:
        out.write(fresh)
        out.flush()
        os.fsync(out.fileno())
    return Fernet(fresh)


def encrypt(cipher: Fernet, credentials: Credentials) -> bytes:
    """The credentials as one Fernet token."""
    data = {"password": credentials.password, "private_key": credentials.private_key}
    return cipher.encrypt(json.dumps(data).encode())


def decrypt(cipher: Fernet, token: bytes) -> Credentials:
    """The credentials back; Invalid when the key is not the one they were stored with."""
    try:
        data = json.loads(cipher.decrypt(bytes(token)))
    except InvalidToken:
        raise Invalid("destination credentials: stored with another destination key") from None
    return Credentials(str(data.get("password", "")), str(data.get("private_key", "")))
