"""A content-addressed store for media files: a blob's name is the SHA-256 of its bytes.

`BlobStore` is the small interface the rest of newswire uses; `FileBlobStore` keeps
blobs in the data dir. An S3-compatible backend implements the same five calls with
`PutObject` (conditional on absence), `HeadObject`, `GetObject` and `DeleteObject`
(see "Media" in docs/design.md).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["BlobStore", "Collected", "FileBlobStore", "digest_file"]

CHUNK = 1024 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def digest_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


class BlobStore(Protocol):
    """Where media bytes live, named by their SHA-256 digest."""

    def put(self, path: Path) -> tuple[str, bool]:
        """Store a file's bytes; returns (digest, whether the blob is new)."""
        ...

    def has(self, digest: str) -> bool:
        """Whether a blob is stored."""
        ...

    def size(self, digest: str) -> int:
        """A stored blob's size in bytes (FileNotFoundError when absent)."""
        ...

    def chunks(self, digest: str) -> Iterator[bytes]:
        """A stored blob's bytes, a chunk at a time (FileNotFoundError when absent)."""
        ...

    def delete(self, digest: str) -> None:
        """Remove a blob (no error when absent)."""
        ...


@dataclass(frozen=True)
class Collected:
    """What a garbage collection removed and kept."""

    blobs: int  # unreferenced blobs removed
    temporaries: int  # half-written uploads removed
    freed: int  # bytes
    kept: int  # blobs still referenced, or too new to judge


class FileBlobStore:
    """Blobs as files under `root/ab/cd/<digest>`, written to a temporary name and renamed.

    Renaming within one file system is atomic, so a reader never sees half a blob, and
    two writers of the same bytes both end with the same complete file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, digest: str) -> Path:
        if not _DIGEST.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, path: Path) -> tuple[str, bool]:
        """Store a file's bytes; returns (digest, whether the blob is new)."""
        digest = digest_file(path)
        target = self._path(digest)
        if target.exists():
            os.utime(target)  # fresh again: a collection must not take it before its row
            return digest, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest, True

    def has(self, digest: str) -> bool:
        """Whether a blob is stored."""
        return self._path(digest).is_file()

    def size(self, digest: str) -> int:
        """A stored blob's size in bytes."""
        return self._path(digest).stat().st_size

    def chunks(self, digest: str) -> Iterator[bytes]:
        """A stored blob's bytes, a chunk at a time."""
        with self._path(digest).open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def delete(self, digest: str) -> None:
        """Remove a blob (no error when absent)."""
        self._path(digest).unlink(missing_ok=True)

    def collect(self, keep: set[str], before: float) -> Collected:
        """Remove blobs outside `keep` and leftover temporary files, when last written
        before `before` (a Unix time: newer ones may belong to an upload in progress)."""
        blobs = temporaries = freed = kept = 0
        if not self.root.is_dir():
            return Collected(0, 0, 0, 0)
        for path in self.root.glob("*/*/*"):
            stat = path.stat()
            if path.name.startswith(".incoming-") and stat.st_mtime < before:
                path.unlink(missing_ok=True)
                temporaries, freed = temporaries + 1, freed + stat.st_size
            elif _DIGEST.match(path.name):
                if path.name in keep or stat.st_mtime >= before:
                    kept += 1
                    continue
                path.unlink(missing_ok=True)
                blobs, freed = blobs + 1, freed + stat.st_size
        return Collected(blobs, temporaries, freed, kept)

    def digests(self) -> list[str]:
        """Every stored blob's digest (for tests and garbage collection)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("*/*/*") if _DIGEST.match(p.name))
