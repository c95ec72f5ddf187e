"""Alert e-mails end to end: a real SMTP server (aiosmtpd) on loopback receives the
message for a matching publish; the unsubscribe link works; an SMTP outage loses nothing."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newswire.store.database import Database
from newswire.store.users import create_user
from tests.conftest import Wire, run_async
from tests.delivery.conftest import wait_until
from tests.delivery.smtp import Smtp
from tests.follow.helpers import desk_story


def _user(db_url: str, name: str, subscriber_id: int) -> int:
    async def make() -> int:
        db = Database(db_url, size=1)
        await db.open()
        try:
            made = await create_user(
                db, name, "a long password 1", "subscriber", subscriber_id, f"{name}@paper.example"
            )
            return made.id
        finally:
            await db.close()

    result: int = run_async(make())
    return result


def _setup(wire: Wire) -> tuple[Any, dict[str, int]]:
    wire.product("world")
    wire.plan("full", ["world"])
    r = wire.admin.post("/v1/admin/subscribers", json={"name": "Paper", "plan": "full"})
    assert r.status_code == 201, r.text
    sub = r.json()
    client = wire.client(sub["key"])
    users = {name: _user(wire.db_url, name, sub["id"]) for name in ("ada", "bo")}
    return client, users


def _alert(client: Any, name: str, query: str, user_id: int, channels: list[str]) -> int:
    body = {"name": name, "query": query, "channels": channels, "user_id": user_id}
    r = client.post("/v1/alerts", json=body)
    assert r.status_code == 201, r.text
    made: int = r.json()["id"]
    return made


def _story(n: int, headline: str) -> dict[str, Any]:
    return desk_story(n) | {"headlines": [{"role": "main", "value": headline}]}


def test_an_alert_email_arrives_and_unsubscribing_stops_the_next(
    mail: tuple[Wire, Smtp],
) -> None:
    wire, smtp = mail
    client, users = _setup(wire)
    _alert(client, "Harbour watch", "harbour", users["ada"], ["email", "portal"])
    _alert(client, "Harbour too", "harbour", users["bo"], ["email"])
    _alert(client, "Quiet", "harbour", users["bo"], ["portal"])  # no e-mail channel

    wire.publish(_story(1, "Fishing boats return"), ["world"])  # matches nothing
    published = time.monotonic()
    wire.publish(_story(2, "Harbour strike ends"), ["world"])
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 1, timeout=10)
    wait_until(lambda: len(smtp.inbox.to("bo@paper.example")) == 1, timeout=10)
    arrived = smtp.inbox.messages[0][0]
    print(f"alert e-mail arrived {1000 * (arrived - published):.0f} ms after the publish")

    (message,) = smtp.inbox.to("ada@paper.example")
    assert message["From"] == "alerts@wire.example"
    assert message["Subject"] == "[Harbour watch] Harbour strike ends"
    text = message.get_payload(decode=True).decode()
    assert "https://wire.example/portal/items/urn%3Anewswire%3Atest%3Astory-2" in text
    link = message["List-Unsubscribe"].strip("<>")
    assert link in text and link.startswith("https://wire.example/alerts/unsubscribe?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(smtp.inbox.messages) == 2  # one each; the story that matched nothing sent none

    path = urlsplit(link).path + "?" + urlsplit(link).query
    page = wire.client().get(path)
    assert page.status_code == 200 and '<form method="post"' in page.text  # GET changes nothing
    r = wire.client().post(path, content=b"List-Unsubscribe=One-Click")
    assert r.status_code == 200 and "Unsubscribed" in r.text
    token = parse_qs(urlsplit(link).query)["token"][0]
    forged = wire.client().post(f"/alerts/unsubscribe?token={token[:-2]}xx")
    assert forged.status_code == 400

    wire.publish(_story(3, "Harbour reopens"), ["world"])
    wait_until(lambda: len(smtp.inbox.to("bo@paper.example")) == 2, timeout=10)
    assert len(smtp.inbox.to("ada@paper.example")) == 1  # ada unsubscribed; bo did not


def test_an_smtp_outage_delays_alert_mail_and_loses_none(mail: tuple[Wire, Smtp]) -> None:
    wire, smtp = mail
    client, users = _setup(wire)
    _alert(client, "Harbour watch", "harbour", users["ada"], ["email"])
    smtp.stop()
    for n in range(3):
        wire.publish(_story(n, f"Harbour story {n}"), ["world"])
    time.sleep(1.0)  # the worker tries, fails and pauses
    smtp.start()
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 3, timeout=20)
    subjects = [m["Subject"] for m in smtp.inbox.to("ada@paper.example")]
    assert subjects == [f"[Harbour watch] Harbour story {n}" for n in range(3)]
