"""`newswire media gc`: blobs no rendition names go (once old enough), the rest stay."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from tests.conftest import Wire, run_cli
from tests.media.conftest import blobs_of, picture, upload

HOUR = 3600.0


def _gc(wire: Wire, *args: str) -> subprocess.CompletedProcess[str]:
    assert wire.server is not None
    return run_cli(wire.db_url, "media", "gc", "--data-dir", str(wire.server.data_dir), *args)


def _aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_gc_removes_only_old_unreferenced_blobs_and_leftovers(media: Wire, tmp_path: Path) -> None:
    media.product("world")
    media.plan("full", ["world"])
    reader = media.subscriber("Full Daily", "full")
    r = upload(media, picture(1200, 800), "harbour.jpg", item={"headlines": [{"value": "Port"}]})
    assert r.status_code == 201, r.text
    uri = r.json()["uri"]
    store = blobs_of(media)
    published = set(store.digests())
    assert len(published) >= 4  # original and renditions
    for digest in published:
        _aged(store._path(digest), 3 * HOUR)  # old, but named by a rendition: kept

    def orphan(name: str, age: float) -> str:
        path = tmp_path / name
        path.write_bytes(os.urandom(2048))
        digest, new = store.put(path)
        assert new
        _aged(store._path(digest), age)
        return digest

    crashed = orphan("crashed-upload.bin", 2 * HOUR)  # its publish never committed
    in_flight = orphan("in-flight.bin", 60)  # an upload still being processed
    half = store._path(crashed).parent / ".incoming-x1y2"
    half.write_bytes(b"half a file")
    _aged(half, 2 * HOUR)

    done = _gc(media)
    assert done.returncode == 0, done.stderr
    assert "removed 1 unreferenced blobs and 1 half-written files" in done.stdout, done.stdout
    left = set(store.digests())
    assert left == published | {in_flight}
    assert not half.exists()
    original = reader.get(f"/v1/items/{quote(uri, safe='')}/renditions/original")
    assert original.status_code == 200 and len(original.content) > 1000

    # Storing bytes an old orphan holds makes it fresh: an upload of the same file that
    # is still being processed keeps its blob.
    again = tmp_path / "again.bin"
    again.write_bytes(os.urandom(2048))
    digest, _ = store.put(again)
    _aged(store._path(digest), 2 * HOUR)
    assert store.put(again) == (digest, False)
    done = _gc(media)
    assert "removed 0 unreferenced blobs" in done.stdout, done.stdout
    assert digest in store.digests()
    refused = _gc(media, "--min-age", "5")  # too short a guard for uploads in progress
    assert refused.returncode == 1 and "--min-age" in refused.stderr
