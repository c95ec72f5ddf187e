"""The admin pages over HTTP: subscribers, users, keys (shown once, revoked at once),
plans and products, webhook health, the usage chart and the audit log."""

from __future__ import annotations

import re

import httpx
import psycopg
import pytest

from tests.conftest import Wire
from tests.pages.logins import PASSWORD, add_user, csrf_of, login, post, subscriber_id

XSS_NAME = '<script>alert("s")</script><img src=x onerror=alert(1)>'
_KEY = re.compile(r'<p class="secret">(nw_[A-Za-z0-9_-]+)</p>')


@pytest.fixture
def admin(wire: Wire) -> tuple[Wire, httpx.Client]:
    """An admin logged in to the admin pages, with a product and a plan."""
    wire.product("world")
    wire.plan("full", ["world"])
    add_user(wire.db_url, "ada", "admin")
    return wire, login(wire, "ada")


def _audit(db_url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT actor, action, target FROM audit_log ORDER BY id")
        return [(a, b, c) for a, b, c in rows]


def test_subscriber_and_key_are_created_shown_once_and_revoked(
    admin: tuple[Wire, httpx.Client],
) -> None:
    wire, client = admin
    r = post(client, "/admin", "/admin/subscribers", name="Morning Post", plan="full")
    assert r.status_code == 201, r.text
    key = _KEY.search(r.text)
    assert key and "shown this once" in r.text
    api = wire.client(key.group(1))
    assert api.get("/v1/feed").status_code == 200
    page = client.get("/admin").text
    assert key.group(1) not in page  # never shown again
    assert key.group(1)[:10] in page  # its hint is

    sub = subscriber_id(wire, "Morning Post")
    r = post(client, "/admin", "/admin/keys", role="subscriber", subscriber=str(sub))
    assert r.status_code == 201
    second = _KEY.search(r.text)
    assert second and wire.client(second.group(1)).get("/v1/feed").status_code == 200
    key_id = int(re.search(r"New API key (\d+)", r.text).group(1))  # type: ignore[union-attr]
    r = post(client, "/admin", f"/admin/keys/{key_id}/revoke")
    assert r.status_code == 303
    assert wire.client(second.group(1)).get("/v1/feed").status_code == 401
    assert api.get("/v1/feed").status_code == 200  # the other key still works
    r = post(client, "/admin", f"/admin/keys/{key_id}/revoke")
    assert r.status_code == 404 and "no active key" in r.text
    actions = [(a, b) for a, b, _ in _audit(wire.db_url)]
    assert ("user:ada", "subscriber.create") in actions
    assert ("user:ada", "key.create") in actions and ("user:ada", "key.revoke") in actions
    r = post(client, "/admin", "/admin/keys", role="subscriber", subscriber="")
    assert r.status_code == 422 and "subscriber" in r.text


def test_users_plans_and_products_are_added_from_the_pages(
    admin: tuple[Wire, httpx.Client],
) -> None:
    wire, client = admin
    wire.subscriber("Evening Star", "full")
    sub = subscriber_id(wire, "Evening Star")
    r = post(
        client, "/admin", "/admin/users",
        username="star", password=PASSWORD, role="subscriber", subscriber=str(sub),
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert login(wire, "star").get("/portal").status_code == 200
    r = post(client, "/admin", "/admin/users", username="weak", password="short", role="editor")
    assert r.status_code == 422 and "password" in r.text
    r = post(
        client, "/admin", "/admin/users", username="lost", password=PASSWORD, role="subscriber"
    )
    assert r.status_code == 422 and "subscriber" in r.text
    r = post(client, "/admin", "/admin/users", username="star", password=PASSWORD, role="editor")
    assert r.status_code == 409

    r = post(client, "/admin", "/admin/products", slug="sport", name="Sport", public="on")
    assert r.status_code == 303
    r = client.get("/admin")
    token = csrf_of(r.text)
    data = [("csrf", token), ("slug", "sport-tr"), ("products", "sport"), ("products", "world")]
    data += [("languages", "tr, en"), ("depth", "summary"), ("delay", "5"), ("types", "text")]
    r = client.post("/admin/plans", data=dict(data) | {"products": "sport"})
    assert r.status_code == 303, r.text
    plans = {p["slug"]: p for p in wire.admin.get("/v1/admin/plans").json()}
    assert plans["sport-tr"]["languages"] == ["en", "tr"]
    assert plans["sport-tr"]["depth"] == "summary" and plans["sport-tr"]["delay"] == 5
    products = {p["slug"]: p for p in wire.admin.get("/v1/admin/products").json()}
    assert products["sport"]["public"] is True
    r = post(client, "/admin", "/admin/products", slug="Bad Slug!")
    assert r.status_code == 422 and "slug" in r.text
    r = post(client, "/admin", "/admin/plans", slug="empty")
    assert r.status_code == 422 and "products" in r.text
    actions = [b for _, b, _ in _audit(wire.db_url)]
    assert actions.count("user.create") == 1
    assert "product.create" in actions and "plan.create" in actions


def test_usage_chart_draws_deliveries_and_downloads_per_subscriber_per_day(
    admin: tuple[Wire, httpx.Client],
) -> None:
    wire, client = admin
    wire.subscriber("Morning Post", "full")
    wire.subscriber("Evening Star", "full")
    morning, evening = subscriber_id(wire, "Morning Post"), subscriber_id(wire, "Evening Star")
    rows = [
        (morning, 0, "delivery:stream", 120),
        (morning, 0, "delivery:webhook", 30),
        (morning, 0, "download", 7),
        (morning, 2, "delivery:feed", 40),
        (evening, 1, "download", 3),
        (evening, 40, "download", 999),  # older than the chart's 14 days
    ]
    with psycopg.connect(wire.db_url, autocommit=True) as conn:
        for sub, days_ago, kind, count in rows:
            conn.execute(
                "INSERT INTO usage_daily (subscriber_id, day, kind, count) VALUES"
                " (%s, (now() AT TIME ZONE 'UTC')::date - %s, %s, %s)",
                (sub, days_ago, kind, count),
            )
    page = client.get("/admin/usage").text
    assert page.count("<svg") == 2
    morning_chart = page[page.index('aria-label="Usage of Morning Post"') :]
    morning_chart = morning_chart[: morning_chart.index("</svg>")]
    assert "190 deliveries · 7 downloads" in morning_chart
    assert morning_chart.count('class="deliveries"') == 14
    assert 'class="deliveries"' in morning_chart and 'data-count="150"' in morning_chart
    assert 'class="downloads"' in morning_chart and 'data-count="7"' in morning_chart
    assert "0 deliveries · 3 downloads" in page
    assert 'data-count="999"' not in page and "1002 downloads" not in page


def test_webhook_health_and_audit_pages(admin: tuple[Wire, httpx.Client]) -> None:
    wire, client = admin
    key = wire.subscriber("Hooked", "full")
    r = key.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"})
    assert r.status_code == 201, r.text
    page = client.get("/admin/webhooks").text
    assert "http://127.0.0.1:9/hook" in page and "Hooked" in page
    post(client, "/admin", "/admin/products", slug="culture")
    audit = client.get("/admin/audit").text
    assert "user:ada" in audit and "product.create" in audit and "culture" in audit


def test_xss_in_names_is_neutralised_on_admin_pages(admin: tuple[Wire, httpx.Client]) -> None:
    wire, client = admin
    r = post(client, "/admin", "/admin/subscribers", name=XSS_NAME, plan="full")
    assert r.status_code == 201
    assert "<script>alert" not in r.text and "<img" not in r.text
    sub = subscriber_id(wire, XSS_NAME)
    with psycopg.connect(wire.db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO usage_daily (subscriber_id, day, kind, count)"
            " VALUES (%s, (now() AT TIME ZONE 'UTC')::date, 'download', 2)",
            (sub,),
        )
    r = post(client, "/admin", "/admin/keys", role="subscriber", subscriber=str(sub))
    assert r.status_code == 201
    for page in ("/admin", "/admin/usage", "/admin/audit"):
        html = client.get(page).text
        assert "<script>alert" not in html and "<img" not in html, page
        assert "&lt;script&gt;" in html, page
