"""Upload one file to an FTP server: to a temporary name first, then renamed into place,
so the subscriber's system never picks up half a file; then remove the files it recalls
(a kill notice recalls the story's earlier versions). Uses the standard ftplib."""

from __future__ import annotations

import asyncio
import ftplib
import io

from newswire.delivery.destination_secrets import Credentials
from newswire.delivery.transfer import Parcel, Target

__all__ = ["upload_ftp"]


def _upload(target: Target, credentials: Credentials, parcel: Parcel, timeout: float) -> None:
    with ftplib.FTP(timeout=timeout) as ftp:
        ftp.connect(target.host, target.port)
        ftp.login(target.username, credentials.password)
        ftp.set_pasv(target.passive)
        if target.folder:
            ftp.cwd(target.folder)
        temp = f".tmp-{parcel.name}"
        ftp.storbinary(f"STOR {temp}", io.BytesIO(parcel.body))
        ftp.rename(temp, parcel.name)
        for old in parcel.recall:
            try:
                ftp.delete(old)
            except ftplib.error_perm as err:  # 550: gone already (or never delivered)
                if not str(err).startswith("550"):
                    raise


async def upload_ftp(
    target: Target, credentials: Credentials, parcel: Parcel, timeout: float
) -> None:
    """Upload, rename into place, remove what it recalls; raises on any failure (retried)."""
    await asyncio.to_thread(_upload, target, credentials, parcel, timeout)
