"""The command line: `newswire COMMAND ... [--data-dir DIR]`."""

from __future__ import annotations

import argparse
import asyncio
import glob
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from newswire.cli_entities import add_entity_parser
from newswire.cli_media import add_media_parser
from newswire.cli_users import add_user_parser
from newswire.config import Settings
from newswire.errors import NewswireError
from newswire.model import DEFAULT_TYPES, Plan, Product
from newswire.store import keys, limits, plans, products, subscribers
from newswire.store.database import Database, migrate
from newswire.store.limits import PlanLimits
from newswire.store.server import start_embedded

__all__ = ["main"]


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """The configured URL, or the embedded server's (started for the block)."""
    if settings.database_url:
        migrate(settings.database_url)
        yield settings.database_url
        return
    server = start_embedded(settings.data_dir)
    try:
        migrate(server.url)
        yield server.url
    finally:
        server.stop()


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(data_dir=args.data_dir)


def _with_db(args: argparse.Namespace, work: Callable[[Database], Awaitable[None]]) -> None:
    async def run(url: str) -> None:
        db = Database(url, size=2)
        await db.open()
        try:
            await work(db)
        finally:
            await db.close()

    with database_url(_settings(args)) as url:
        asyncio.run(run(url))


def _positive(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) < 2**31:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 2^31-1")
    return int(value)


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def cmd_serve(args: argparse.Namespace) -> None:
    """Run the server until SIGTERM or Ctrl-C."""
    from newswire.web.server import serve

    settings = _settings(args)
    with database_url(settings) as url:
        os.environ["NEWSWIRE_DATABASE_URL"] = url
        os.environ["NEWSWIRE_DATA_DIR"] = str(settings.data_dir)
        if getattr(args, "announce", None):
            args.announce(url)
        print(
            f"newswire serving on http://{args.host}:{args.port}/ (API docs at /docs)", flush=True
        )
        # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; this
        # handler turns that into a normal exit, so the embedded PostgreSQL is stopped too.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        serve(args.host, args.port, args.workers, settings.log_format)


def cmd_demo(args: argparse.Namespace) -> None:
    """Fill a fresh demo data dir with sample content, print the keys, then serve."""
    from newswire.demo.seed import prepare_demo_dir, seed_demo

    settings = _settings(args)
    prepare_demo_dir(settings.data_dir)
    base = f"http://{args.host}:{args.port}"

    def announce(url: str) -> None:
        async def seed() -> None:
            db = Database(url, size=2)
            await db.open()
            try:
                print(await seed_demo(db, base), flush=True)
            finally:
                await db.close()

        asyncio.run(seed())

    args.announce = announce
    cmd_serve(args)


def cmd_product_add(args: argparse.Namespace) -> None:
    """Create a product."""
    product = Product(args.slug, args.name or args.slug, args.public, args.public_delay)

    async def work(db: Database) -> None:
        await products.create_product(db, product)
        print(f"product {product.slug} created" + (" (public)" if product.public else ""))

    _with_db(args, work)


def cmd_plan_add(args: argparse.Namespace) -> None:
    """Create a plan."""
    plan = Plan(
        slug=args.slug,
        products=frozenset(_csv(args.products)),
        languages=frozenset(_csv(args.languages)) - {"*"},
        types=frozenset(_csv(args.types)),
        depth=args.depth,
        delay_minutes=args.delay,
        embargoed=args.embargoed,
    )

    plan_limits = PlanLimits(args.rate_limit, args.daily_quota, args.stream_connections)

    async def work(db: Database) -> None:
        await plans.create_plan(db, plan)
        if plan_limits != PlanLimits():
            await limits.set_plan_limits(db, plan.slug, plan_limits)
        print(f"plan {plan.slug} created")

    _with_db(args, work)


def cmd_subscriber_add(args: argparse.Namespace) -> None:
    """Create a subscriber and print its first key as the last word."""

    async def work(db: Database) -> None:
        made = await subscribers.create_subscriber(db, args.name, args.plan)
        _, key = await keys.create_key(db, "subscriber", made.id)
        print(f"subscriber {made.name} (id {made.id}) on plan {made.plan}; API key: {key}")

    _with_db(args, work)


def cmd_key_create(args: argparse.Namespace) -> None:
    """Create an agency key and print it as the last word."""

    async def work(db: Database) -> None:
        key_id, key = await keys.create_key(db, args.role)
        print(f"{args.role} key (id {key_id}): {key}")

    _with_db(args, work)


def _expand(paths: list[str]) -> list[Path]:
    """Files named, files under folders named (recursively), and glob patterns."""
    found: list[Path] = []
    for raw in paths:
        matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))] or [Path(raw)]
        for path in matches:
            if path.is_dir():
                found += sorted(p for p in path.rglob("*") if p.is_file())
            else:
                found.append(path)
    return found


def cmd_ingest(args: argparse.Namespace) -> int:
    """Import files; report accepted and rejected; non-zero when any file was rejected."""
    from tqdm import tqdm

    from newswire.ingest import ingest_document

    files = _expand(args.paths)
    products = _csv(args.products) if args.products else []
    rejected: list[str] = []
    counts: dict[str, int] = {}

    async def work(db: Database) -> None:
        for path in tqdm(
            files, desc="ingest", unit="file", file=sys.stderr, disable=len(files) < 2
        ):
            try:
                data = path.read_bytes()
                done = await ingest_document(db, data, filename=path.name, products=products)
            except (OSError, NewswireError) as err:
                rejected.append(f"rejected {path}: {err}")
                continue
            for entry in done:
                counts[entry.action] = counts.get(entry.action, 0) + 1

    _with_db(args, work)
    for line in rejected:
        print(line)
    actions = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "no items"
    print(f"{len(files) - len(rejected)} accepted, {len(rejected)} rejected ({actions})")
    return 1 if rejected else 0


def cmd_reindex(args: argparse.Namespace) -> None:
    """Rebuild the search index from the wire log; a running server moves over to it."""
    from newswire.search import index_dir
    from newswire.search.reindex import reindex

    settings = _settings(args)

    async def work(db: Database) -> None:
        count = await reindex(db, index_dir(settings.data_dir))
        print(f"search index rebuilt: {count} items")

    _with_db(args, work)


def cmd_follow(args: argparse.Namespace) -> int:
    """Follow the wire into a hot folder until SIGTERM or Ctrl-C (exit codes in its help)."""
    from newswire.follow import AgentOptions, follow

    logging.getLogger("newswire.follow").setLevel(logging.WARNING if args.quiet else logging.INFO)
    options = AgentOptions(
        url=args.url,
        key=args.key or os.environ.get("NEWSWIRE_KEY", ""),
        fmt=args.format,
        out=Path(args.out),
        after=args.after,
        keep_killed=args.keep_killed,
        renditions=not args.no_renditions,
        use_stream=not args.feed_only,
        give_up_after=args.give_up_after,
        progress_every=args.progress_every,
    )
    if not options.key:
        print("newswire: follow needs --key or $NEWSWIRE_KEY", file=sys.stderr)
        return 2
    return follow(options)


def cmd_backup(args: argparse.Namespace) -> None:
    """Write a snapshot of the database to a file (works while the server runs)."""
    from newswire.backup import backup

    with database_url(_settings(args)) as url:
        size = backup(url, Path(args.file))
    print(f"backup written to {args.file} ({size} bytes)")


def cmd_restore(args: argparse.Namespace) -> None:
    """Replace the database with a backup, then rebuild the search index from its log."""
    from newswire.backup import restore
    from newswire.search import index_dir
    from newswire.search.reindex import reindex

    settings = _settings(args)

    async def rebuild(db: Database) -> None:
        count = await reindex(db, index_dir(settings.data_dir), progress=False)
        print(f"restored {args.file}; search index rebuilt: {count} items")

    with database_url(settings) as url:
        restore(url, Path(args.file))
    _with_db(args, rebuild)


def _follow_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    from newswire.follow.exits import __doc__ as exits_doc

    follow = sub.add_parser(
        "follow",
        parents=[common],
        help="follow the wire into a folder (subscriber agent)",
        description="Write every entitled item into a hot folder, resuming where it stopped.",
        epilog=" ".join((exits_doc or "").split("\n\n", 1)[-1].split()),
    )
    follow.add_argument("--url", required=True, help="the server, e.g. https://wire.example")
    follow.add_argument("--key", default=None, help="subscriber API key (or $NEWSWIRE_KEY)")
    follow.add_argument("--format", required=True, choices=("newsmlg2", "nitf", "ninjs3", "ninjs2"))
    follow.add_argument("--out", required=True, metavar="DIR", help="the hot folder")
    follow.add_argument(
        "--after", type=int, default=0, metavar="SEQ", help="where a new folder starts (default 0)"
    )
    follow.add_argument(
        "--keep-killed", action="store_true", help="keep earlier files of killed items"
    )
    follow.add_argument("--no-renditions", action="store_true", help="do not download media")
    follow.add_argument("--feed-only", action="store_true", help="poll the feed, never stream")
    follow.add_argument(
        "--give-up-after", type=float, default=300.0, metavar="SECONDS",
        help="exit 4 when the server stays unreachable this long (default 300)",
    )  # fmt: skip
    follow.add_argument(
        "--progress-every", type=int, default=100, metavar="N", help="a log line per N events"
    )
    follow.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    follow.set_defaults(func=cmd_follow)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, like every other failure (subparsers inherit)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=None,
        help="data directory (default ./newswire-data, or $NEWSWIRE_DATA_DIR)",
    )
    parser: argparse.ArgumentParser = _Parser(prog="newswire", description="A news-agency wire.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def server_options(p: argparse.ArgumentParser, port: int) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=port)
        p.add_argument("--workers", type=int, default=1)

    serve = sub.add_parser("serve", parents=[common], help="run the server")
    server_options(serve, 8080)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", parents=[common], help="serve a data dir of sample content")
    server_options(demo, 8080)
    demo.set_defaults(func=cmd_demo, data_dir_default="./newswire-demo")

    product = sub.add_parser("product", help="manage products").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p_add = product.add_parser("add", parents=[common], help="create a product")
    p_add.add_argument("slug")
    p_add.add_argument("--name", default="")
    p_add.add_argument(
        "--public",
        action="store_true",
        help="its items appear, in summary form, on the public site",
    )
    p_add.add_argument("--public-delay", type=int, default=0, metavar="MINUTES")
    p_add.set_defaults(func=cmd_product_add)

    plan = sub.add_parser("plan", help="manage plans").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    pl_add = plan.add_parser("add", parents=[common], help="create a plan")
    pl_add.add_argument("slug")
    pl_add.add_argument("--products", required=True, help="comma-separated product slugs")
    pl_add.add_argument("--languages", default="", help="comma-separated; empty or * for all")
    pl_add.add_argument("--depth", choices=("full", "summary"), default="full")
    pl_add.add_argument("--types", default=",".join(DEFAULT_TYPES))
    pl_add.add_argument(
        "--embargoed", action="store_true", help="receive embargoed items before release"
    )
    pl_add.add_argument("--delay", type=int, default=0, metavar="MINUTES")
    for flag, unit in (
        ("--rate-limit", "requests a minute"),
        ("--daily-quota", "requests a day"),
        ("--stream-connections", "open streams per key"),
    ):
        pl_add.add_argument(flag, type=_positive, default=None, metavar="N", help=unit)
    pl_add.set_defaults(func=cmd_plan_add)

    subscriber = sub.add_parser("subscriber", help="manage subscribers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    s_add = subscriber.add_parser("add", parents=[common], help="create a subscriber")
    s_add.add_argument("name")
    s_add.add_argument("--plan", required=True)
    s_add.set_defaults(func=cmd_subscriber_add)

    ingest = sub.add_parser(
        "ingest", parents=[common], help="import ninjs, NewsML-G2, NITF or text files"
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    ingest.add_argument(
        "--products", default="", help="comma-separated products for items whose file names none"
    )
    ingest.set_defaults(func=cmd_ingest)

    reindex = sub.add_parser(
        "reindex", parents=[common], help="rebuild the search index from the wire log"
    )
    reindex.set_defaults(func=cmd_reindex)
    p_backup = sub.add_parser("backup", parents=[common], help="write a database backup")
    p_backup.add_argument("file")
    p_backup.set_defaults(func=cmd_backup)
    p_restore = sub.add_parser(
        "restore", parents=[common], help="restore a backup (stop the server first)"
    )
    p_restore.add_argument("file")
    p_restore.set_defaults(func=cmd_restore)

    key = sub.add_parser("key", help="manage agency keys").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    k_create = key.add_parser("create", parents=[common], help="create an editor or admin key")
    k_create.add_argument("--role", choices=("editor", "admin"), required=True)
    k_create.set_defaults(func=cmd_key_create)
    _follow_parser(sub, common)
    add_media_parser(sub, common)
    add_user_parser(sub, common)
    add_entity_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 with a one-line error on stderr otherwise."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.data_dir is None:
        args.data_dir = getattr(args, "data_dir_default", None)
    func: Callable[[argparse.Namespace], Any] = args.func
    try:
        status = func(args)
    except NewswireError as err:
        print(f"newswire: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the one place that turns any failure into a one-line error
        print(f"newswire: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return status if isinstance(status, int) else 0
