"""create_app: the one ASGI application, its routers and its background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from newswire import __version__
from newswire.config import Settings
from newswire.delivery.alert_webhooks import run_alert_webhooks
from newswire.delivery.alerts import AlertMatcher
from newswire.delivery.destination_secrets import load_cipher
from newswire.delivery.destinations import run_destination_worker
from newswire.delivery.email_alerts import SmtpSettings, run_email_alerts
from newswire.delivery.embargo import run_embargo_scheduler
from newswire.delivery.fanout import Hub
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.usage_counter import UsageCounter
from newswire.delivery.webhooks import run_webhook_worker
from newswire.enrich.pipeline import warm_up
from newswire.search import index_dir
from newswire.search.follower import run_search_follower
from newswire.store.database import Database, migrate
from newswire.store.sessions import page_secret
from newswire.web import (
    admin,
    alerts,
    desk,
    destinations,
    docs,
    enrichment,
    entities,
    media,
    ops,
    public,
    related,
    search,
    stream,
    unsubscribe,
    usage,
    webhooks,
    wire,
)
from newswire.web.audit_trail import AuditTrail
from newswire.web.body_limit import BodyLimit
from newswire.web.context import Context
from newswire.web.limits import Limiter, LimitHeaders
from newswire.web.logging import RequestId
from newswire.web.pages import (
    account,
    admin_destinations,
    admin_pages,
    desk_pages,
    login,
    portal,
    portal_alerts,
)
from newswire.web.paths import EncodedSlashes
from newswire.web.problems import install_problem_handlers

__all__ = ["NewswireApp", "create_app"]


class NewswireApp(FastAPI):
    """FastAPI, plus a short path for `GET /v1/stream` (see web/stream.py).

    Streams also get the server's own `send` in the scope: middleware wraps `send`,
    and the fan-out writes to the socket behind the server's.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[stream.RAW_SEND] = send
            if scope["path"] == stream.PATH and scope["method"] == "GET":
                await stream.serve_stream(self.state.context, scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for these settings (from the environment when none are given).

    The database URL must be set: `newswire serve` starts the embedded server first.
    """
    settings = settings or Settings.load()
    if not settings.database_url:
        raise RuntimeError("create_app needs settings.database_url; use `newswire serve`")
    # FTP/SFTP credentials at rest: the configured key, else one kept in the data dir.
    cipher = load_cipher(settings.destination_key, settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, settings.database_url)
        db = Database(settings.database_url, settings.pool_size)
        await db.open()
        notifier = WireNotifier(settings.database_url)
        hub = Hub(db, notifier, settings.agency_name)
        usage = UsageCounter(db)
        hub.usage = usage
        app.state.context = Context(
            settings=settings,
            db=db,
            notifier=notifier,
            hub=hub,
            usage=usage,
            limiter=Limiter(db, usage),
        )
        tasks = [
            asyncio.create_task(usage.run(), name="usage-counters"),
            asyncio.create_task(notifier.run(), name="wire-notifier"),
            asyncio.create_task(run_embargo_scheduler(db), name="embargo-scheduler"),
            asyncio.create_task(hub.run(), name="stream-fanout"),
            asyncio.create_task(run_webhook_worker(db, notifier), name="webhook-worker"),
            asyncio.create_task(
                run_destination_worker(db, notifier, cipher, settings.agency_name),
                name="destination-worker",
            ),
            asyncio.create_task(
                run_search_follower(db, notifier, index_dir(settings.data_dir)),
                name="search-follower",
            ),
        ]
        matcher = AlertMatcher(db, notifier, hub)  # alerts: percolation per process
        tasks.append(asyncio.create_task(matcher.run(), name="alert-matcher"))
        tasks.append(
            asyncio.create_task(run_alert_webhooks(db, matcher.matched), name="alert-webhooks")
        )
        if settings.smtp_host:  # alert e-mails; web/unsubscribe.py serves their unsubscribe
            smtp = SmtpSettings(
                settings.smtp_host, settings.smtp_port, settings.smtp_tls, settings.smtp_user,
                settings.smtp_password, settings.smtp_from,
                settings.public_url or "http://localhost:8080",
            )  # fmt: skip
            mail = run_email_alerts(db, notifier, smtp, await page_secret(db))
            tasks.append(asyncio.create_task(mail, name="email-alerts"))
        # The enrichment models load once per process (about a second): not on a publish.
        tasks.append(asyncio.create_task(asyncio.to_thread(warm_up), name="enrich-warm-up"))
        # Long-lived start-up objects leave the collector's view, and collections run
        # less often: full collections over many connections stalled delivery.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await db.close()

    app = NewswireApp(
        title="newswire",
        version=__version__,
        summary="A news-agency wire: publish once, deliver to every entitled subscriber.",
        lifespan=lifespan,
        docs_url=None,  # served by web/docs.py from packaged assets
        redoc_url=None,
    )
    install_problem_handlers(app)
    app.state.destination_cipher = cipher  # web/destinations.py encrypts with it
    app.add_middleware(EncodedSlashes)  # a %2F in an item uri stays part of the uri
    app.add_middleware(LimitHeaders)
    app.add_middleware(AuditTrail)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestId)  # outermost: every answer carries X-Request-Id
    routers = (
        enrichment.router,  # before desk.router's /v1/desk/items/{uri:path}
        desk.router,
        entities.router,
        related.router,  # before wire.router: its /v1/items/{uri:path} would take /related
        media.router,  # before wire.router: its /v1/items/{uri:path} would take renditions
        wire.router,
        stream.router,
        search.router,
        usage.router,
        webhooks.router,
        destinations.router,
        alerts.router,
        unsubscribe.router,
        admin.router,
        ops.router,
        docs.router,
        login.router,
        account.router,
        portal.router,
        portal_alerts.router,
        desk_pages.router,
        admin_destinations.router,
        admin_pages.router,
        public.router,
    )  # public last: it owns "/"
    for router in routers:
        app.include_router(router)
    app.mount(docs.ASSETS_PATH, StaticFiles(directory=docs.ASSETS_DIR), name="api-docs-assets")
    app.mount("/static", StaticFiles(directory=public.STATIC_DIR), name="static")
    return app
