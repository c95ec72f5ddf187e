"""`newswire media add PATH... --products A,B [--item ITEM.json]`: publish pictures and
videos from local files, or from ninjs / NewsML-G2 documents that name local files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from newswire.errors import Invalid, NewswireError
from newswire.media.renditions import MediaLimits
from newswire.model import Item
from newswire.store.database import Database

__all__ = ["add_media_parser", "cmd_media_add"]


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


def add_media_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `newswire media add`."""
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
