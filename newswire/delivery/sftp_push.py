"""Upload one file over SFTP (asyncssh): to a temporary name, then renamed into place.

The rename uses OpenSSH's posix-rename extension, which replaces an existing file
atomically; servers without it get remove-then-rename. Then the files the upload
recalls are removed (a kill notice recalls the story's earlier versions). With a host
key configured the server must present exactly that key; without one, any host key is
accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import posixpath

import asyncssh

from newswire.delivery.destination_secrets import Credentials
from newswire.delivery.transfer import Parcel, Target

__all__ = ["upload_sftp"]


async def upload_sftp(
    target: Target, credentials: Credentials, parcel: Parcel, timeout: float
) -> None:
    """Upload, rename into place, remove what it recalls; raises on any failure (retried)."""
    path, temp = _path(target, parcel.name), _path(target, f".tmp-{parcel.name}")
    trusted = [asyncssh.import_public_key(target.host_key)] if target.host_key else None
    key = credentials.private_key
    async with (
        asyncio.timeout(timeout),
        asyncssh.connect(
            target.host,
            target.port,
            username=target.username,
            password=credentials.password or None,
            client_keys=[asyncssh.import_private_key(key)] if key else None,
            known_hosts=None if trusted is None else (trusted, [], []),
            agent_path=None,
        ) as conn,
        conn.start_sftp_client() as sftp,
    ):
        async with sftp.open(temp, "wb") as out:
            await out.write(parcel.body)
        try:
            await sftp.posix_rename(temp, path)
        except asyncssh.SFTPOpUnsupported:
            if await sftp.exists(path):
                await sftp.remove(path)
            await sftp.rename(temp, path)
        for old in parcel.recall:
            with contextlib.suppress(asyncssh.SFTPNoSuchFile):  # gone already
                await sftp.remove(_path(target, old))


def _path(target: Target, name: str) -> str:
    return posixpath.join(target.folder, name) if target.folder else name
