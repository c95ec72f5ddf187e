"""Fixtures for the public site: the app with the public router, and a real Chromium.

Until `create_app` includes the public router itself, `site` adds it (and the
/static mount) to each test app; once it is wired, `add_public_site` adds nothing.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

import tests.conftest
from newswire.config import Settings
from newswire.web import public
from tests.conftest import LiveServer, Wire, new_key

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_real_create_app = tests.conftest.create_app


def add_public_site(app: FastAPI) -> FastAPI:
    """The app with the public router and /static, unless it has them already."""
    paths = {getattr(route, "path", None) for route in app.routes}
    if "/" not in paths:
        app.include_router(public.router)
    if not any(isinstance(r, Mount) and r.path == "/static" for r in app.routes):
        app.mount("/static", StaticFiles(directory=public.STATIC_DIR), name="static")
    return app


def _create_app_with_site(settings: Settings | None = None) -> FastAPI:
    return add_public_site(_real_create_app(settings))


@pytest.fixture
def site(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Wire]:
    """newswire with the public site, on a fresh database, over loopback HTTP."""
    monkeypatch.setattr(tests.conftest, "create_app", _create_app_with_site)
    server = LiveServer(db_url, tmp_path)
    # Keys are made in a thread: a running Playwright owns this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        admin = pool.submit(new_key, db_url, "admin").result()
        editor = pool.submit(new_key, db_url, "editor").result()
    w = Wire(server.url, db_url, admin, editor, server)
    try:
        yield w
    finally:
        w.close()
        server.stop()


def secret_story(headline: str, secret: str, language: str = "en", **extra: Any) -> dict[str, Any]:
    """A ninjs story whose body, editor's note and usage terms hold `secret`."""
    return {
        "headlines": [{"role": "main", "value": headline}],
        "descriptions": [{"role": "summary", "value": f"Summary of {headline}."}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": f"<p>Full text for subscribers only: {secret}.</p>",
            }
        ],
        "edNote": f"editors only {secret}",
        "usageTerms": f"terms {secret}",
        "by": "Ada Reporter",
        "located": "Ankara",
        "language": language,
        **extra,
    }


def new_secret() -> str:
    """A string that must never appear in any public response."""
    return f"BODYSECRET{uuid.uuid4().hex}"


def age_release(db_url: str, uri: str, minutes: float) -> None:
    """Move an item's release back in time, as if `minutes` had passed since."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        back = "UPDATE items SET released_at = released_at - make_interval(mins => %s)"
        conn.execute(back + " WHERE uri = %s", (minutes, uri))


def find_chromium() -> str | None:
    """The system Chromium: $CHROMIUM, /usr/bin/chromium, or one on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless system Chromium driven by Playwright (never a downloaded browser).

    Module-scoped: while Playwright runs, it holds an event loop on the main thread,
    so `asyncio.run` in later, browser-less tests would fail.
    """
    executable = find_chromium()
    if executable is None:
        pytest.skip("no system Chromium found (install Debian's `chromium`; `make test` does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    """Where the browser tests save their screenshots (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
