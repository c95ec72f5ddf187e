"""The API documentation page renders in Chromium with no request leaving loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.conftest import Wire


def _loopback_only(page: Any) -> list[str]:
    """Abort and record every request to a host other than the test server's."""
    outside: list[str] = []

    def check(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", check)
    return outside


def test_swagger_ui_renders_the_api_offline(site: Wire, browser: Any) -> None:
    page = browser.new_context().new_page()
    outside = _loopback_only(page)
    page.goto(f"{site.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "newswire" in page.inner_text(".swagger-ui .info .title")
    page.get_by_text("/v1/feed").first.wait_for(timeout=15_000)
    assert outside == []


def test_docs_pages_point_at_packaged_assets(site: Wire) -> None:
    html = httpx.get(f"{site.url}/docs").text
    assert "cdn." not in html and "/static/api-docs/swagger-ui-bundle.js" in html
    asset = httpx.get(f"{site.url}/static/api-docs/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript")
