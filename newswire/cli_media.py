"""`newswire media add PATH... --products A,B [--item ITEM.json]`: publish pictures and
videos from local files, or from ninjs / NewsML-G2 documents that name local files.
`newswire media gc [--min-age MINUTES]`: remove blobs no rendition names (left by an
upload that failed or crashed before its publish committed) and half-written files."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from newswire.errors import Invalid, NewswireError
from newswire.media.renditions import MediaLimits
from newswire.model import Item
from newswire.store.database import Database

__all__ = ["add_media_parser", "cmd_media_add", "cmd_media_gc"]


def _item(path: str | None) -> Item | None:
    if not path:
        return None
    try:
        return Item.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as err:
        raise Invalid(f"--item {path}: not a readable ninjs item ({err})") from err


def cmd_media_add(args: argparse.Namespace) -> int:
    """Publish each file; print one line per item and a count; non-zero if any failed."""
    from newswire import cli
    from newswire.media_ingest import ingest_media_path
    from newswire.web.media import blob_store

    settings = cli._settings(args)
    if not settings.public_url:
        raise Invalid(
            "set NEWSWIRE_PUBLIC_URL to this wire's base URL (https://wire.example.com):"
            " rendition links point there"
        )
    files = cli._expand(args.paths)
    item = _item(args.item)
    if item is not None and len(files) != 1:
        raise Invalid("--item describes one file; name exactly one")
    products = cli._csv(args.products) if args.products else []
    lines: list[str] = []
    failed = 0

    async def work(db: Database) -> None:
        nonlocal failed
        for path in files:
            try:
                done = await ingest_media_path(
                    db,
                    blob_store(settings),
                    path,
                    products=products,
                    item=item,
                    base_url=settings.public_url.rstrip("/"),
                    agency=settings.agency_name,
                    uri_prefix=settings.uri_prefix,
                    limits=MediaLimits(
                        settings.media_max_bytes,
                        settings.media_max_pixels,
                        settings.media_video_seconds,
                    ),
                    work_root=settings.data_dir / "media-work",
                )
            except (OSError, NewswireError) as err:
                failed += 1
                lines.append(f"rejected {path}: {err}")
                continue
            lines.extend(f"published {d.uri} ({', '.join(d.renditions)})" for d in done)

    cli._with_db(args, work)
    for line in lines:
        print(line)
    print(f"{len(files) - failed} accepted, {failed} rejected")
    return 1 if failed else 0


def cmd_media_gc(args: argparse.Namespace) -> None:
    """Collect the blob store's garbage and say what went."""
    from newswire import cli
    from newswire.store.media import referenced_blobs
    from newswire.web.media import blob_store

    if args.min_age < 10:
        raise Invalid("--min-age: at least 10 minutes, so uploads in progress are left alone")
    settings = cli._settings(args)

    async def work(db: Database) -> None:
        before = time.time() - args.min_age * 60  # read before the references: safe side
        keep = await referenced_blobs(db)
        done = blob_store(settings).collect(keep, before)
        print(
            f"removed {done.blobs} unreferenced blobs and {done.temporaries} half-written"
            f" files ({done.freed / 1e6:.1f} MB); {done.kept} blobs kept"
        )

    cli._with_db(args, work)


def add_media_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `newswire media add` and `newswire media gc`."""
    media = sub.add_parser("media", help="publish pictures and videos").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = media.add_parser(
        "add",
        parents=[common],
        help="publish picture or video files, or documents that name local media files",
    )
    add.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    add.add_argument("--products", default="", help="comma-separated product slugs")
    add.add_argument("--item", help="a ninjs item (JSON file) for a single picture or video")
    add.set_defaults(func=cmd_media_add)
    gc = media.add_parser(
        "gc", parents=[common], help="remove media files no published item refers to"
    )
    gc.add_argument(
        "--min-age",
        type=int,
        default=60,
        metavar="MINUTES",
        help="leave files written in the last MINUTES alone (default 60, at least 10)",
    )
    gc.set_defaults(func=cmd_media_gc)
