"""Upload one file to an FTP server: to a temporary name first, then renamed into place,
so the subscriber's system never picks up half a file. Uses the standard ftplib."""

from __future__ import annotations

import asyncio
import ftplib
import io

from newswire.delivery.destination_secrets import Credentials
from newswire.delivery.transfer import Target

__all__ = ["upload_ftp"]


def _upload(
    target: Target, credentials: Credentials, name: str, body: bytes, timeout: float
) -> None:
    with ftplib.FTP(timeout=timeout) as ftp:
        ftp.connect(target.host, target.port)
        ftp.login(target.username, credentials.password)
        ftp.set_pasv(target.passive)
        if target.folder:
            ftp.cwd(target.folder)
        temp = f".tmp-{name}"
        ftp.storbinary(f"STOR {temp}", io.BytesIO(body))
        ftp.rename(temp, name)


async def upload_ftp(
    target: Target, credentials: Credentials, name: str, body: bytes, timeout: float
) -> None:
    """Upload and rename into place; raises on any failure (the caller retries)."""
    await asyncio.to_thread(_upload, target, credentials, name, body, timeout)
