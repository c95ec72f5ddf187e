"""The public surface (no key) and operations: the site, Atom, the news sitemap, a killed
story's 410, /healthz and /metrics, and webhooks signed per Standard Webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from lxml import etree

from tests.acceptance.conftest import Newswire, is_problem
from tests.schemas import ninjs3_errors

PRODUCT = "public-ops"
BODY = "This sentence of the body is for paying subscribers and never for the public."


def story(headline: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "descriptions": [{"role": "summary", "value": f"Summary of {headline}."}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": f"<p>{BODY}</p>"}],
        **extra,
    }


def page_path(uri: str) -> str:
    return "/stories/" + quote(uri, safe=":@")


@pytest.fixture(scope="module")
def published(nw: Newswire) -> dict[str, str]:
    return {
        "public": nw.publish(story("Harbour reopens after storm"), [PRODUCT])["uri"],
        "delayed": nw.publish(story("Delayed for the public"), ["public-later"])["uri"],
        "private": nw.publish(story("Private product story"), ["private-ops"])["uri"],
        "killed": nw.publish(story("Story to be killed"), [PRODUCT])["uri"],
    }


def test_public_site_shows_summaries_only(nw: Newswire, published: dict[str, str]) -> None:
    public = nw.client()
    home = public.get("/")
    assert home.status_code == 200 and "Harbour reopens after storm" in home.text
    assert "Delayed for the public" not in home.text and "Private product" not in home.text
    page = public.get(page_path(published["public"]))
    assert page.status_code == 200
    assert "Summary of Harbour reopens after storm." in page.text and BODY not in page.text
    for hidden in ("delayed", "private"):
        assert public.get(page_path(published[hidden])).status_code == 404
    atom = public.get("/feeds/public.atom")
    assert atom.status_code == 200 and "atom" in atom.headers["content-type"]
    root = etree.fromstring(atom.content)
    titles = root.findall(
        ".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title"
    )
    assert "Harbour reopens after storm" in [t.text for t in titles]
    assert BODY not in atom.text
    sitemap = public.get("/sitemap-news.xml")
    assert sitemap.status_code == 200
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    urls = etree.fromstring(sitemap.content).findall(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}url"
    )
    assert all(u.find(f"{news}news/{news}title") is not None for u in urls)
    assert any(published["public"].split(":")[-1] in etree.tostring(u).decode() for u in urls)


def test_killed_story_page_is_gone(nw: Newswire, published: dict[str, str]) -> None:
    uri = published["killed"]
    assert nw.client().get(page_path(uri)).status_code == 200
    desk = "/v1/desk/items/" + quote(uri, safe="") + "/kill"
    assert nw.editor.post(desk, json={"reason": "wrong"}).status_code == 200
    assert nw.client().get(page_path(uri)).status_code == 410
    assert "Story to be killed" not in nw.client().get("/feeds/public.atom").text


def test_healthz_and_metrics(nw: Newswire) -> None:
    health = nw.client().get("/healthz")
    assert health.status_code == 200
    metrics = nw.client().get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in metrics.text and "# HELP" in metrics.text


def test_openapi_lists_the_contract(nw: Newswire) -> None:
    spec = nw.client().get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in (
        "/v1/desk/items",
        "/v1/desk/items/{uri}",
        "/v1/desk/items/{uri}/kill",
        "/v1/desk/ingest",
        "/v1/desk/media",
        "/v1/feed",
        "/v1/items/{uri}",
        "/v1/stream",
        "/v1/search",
        "/v1/items/{uri}/renditions/{name}",
        "/v1/items/{uri}/related",
        "/v1/webhooks",
    ):
        assert path in paths, path


class _Receiver(BaseHTTPRequestHandler):
    got: queue.Queue[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.got.put(({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_webhook_deliveries_are_signed(nw: Newswire) -> None:
    subscriber = nw.sub("hooks")
    got: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
    handler = type("Receiver", (_Receiver,), {"got": got})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        made = subscriber.post("/v1/webhooks", json={"url": url})
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        assert set(made.json()) >= {"id", "secret"}
        uri = nw.publish(story("Webhook story"), [PRODUCT])["uri"]
        deadline = time.monotonic() + 30
        while True:
            headers, body = got.get(timeout=max(0.1, deadline - time.monotonic()))
            entry = json.loads(body)
            if entry["item"]["uri"] == uri:
                break
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert f"v1,{expected}" in headers["webhook-signature"].split(" ")
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 120
        assert entry["event"] == "publish" and set(entry) >= {"seq", "products", "item"}
        assert ninjs3_errors(entry["item"]) == []
    finally:
        server.shutdown()
        server.server_close()
    for bad in ({"url": "ftp://example.com/x"}, {"url": "not a url"}, {}):
        is_problem(subscriber.post("/v1/webhooks", json=bad), 422)
