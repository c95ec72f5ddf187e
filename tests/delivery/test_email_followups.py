"""Story follow-up e-mails and alert digests, end to end with a real SMTP server
(aiosmtpd) on loopback: a user who downloaded a story from the portal hears of its
correction, update and kill; a user who chose digest times gets one digest with all
waiting matches instead of one e-mail each."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import psycopg

from newswire.store.database import Database
from newswire.store.users import create_user
from tests.conftest import Wire, run_async
from tests.delivery.conftest import wait_until
from tests.delivery.smtp import Smtp
from tests.follow.helpers import desk_story
from tests.pages.logins import PASSWORD, login, post


def _users(wire: Wire, *names: str) -> tuple[httpx.Client, dict[str, int]]:
    wire.product("world")
    wire.plan("full", ["world"])
    r = wire.admin.post("/v1/admin/subscribers", json={"name": "Paper", "plan": "full"})
    assert r.status_code == 201, r.text
    sub = r.json()

    async def make() -> dict[str, int]:
        db = Database(wire.db_url, size=1)
        await db.open()
        try:
            made = {}
            for name in names:
                user = await create_user(
                    db, name, PASSWORD, "subscriber", sub["id"], f"{name}@paper.example"
                )
                made[name] = user.id
            return made
        finally:
            await db.close()

    users: dict[str, int] = run_async(make())
    return wire.client(sub["key"]), users


def _story(n: int, headline: str) -> dict[str, Any]:
    return desk_story(n) | {"headlines": [{"role": "main", "value": headline}]}


def _revise(wire: Wire, item: dict[str, Any], signal: str) -> None:
    r = wire.editor.put(
        f"/v1/desk/items/{quote(item['uri'], safe='')}",
        json={"item": item, "products": ["world"], "signal": signal},
    )
    assert r.status_code == 200, r.text


def _download(client: httpx.Client, uri: str) -> None:
    r = client.get(f"/portal/download/{quote(uri, safe='')}?format=nitf")
    assert r.status_code == 200, r.text


def _sql(db_url: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        cur = conn.execute(query, args)
        return cur.fetchall() if cur.description else []


def test_a_downloader_hears_of_correction_and_kill_and_can_stop(
    mail: tuple[Wire, Smtp],
) -> None:
    wire, smtp = mail
    _, _ = _users(wire, "ada", "bo")
    for n, headline in ((1, "Dam holds"), (2, "Bridge opens"), (3, "Port strike")):
        wire.publish(_story(n, headline), ["world"])
    ada, bo = login(wire, "ada"), login(wire, "bo")
    _download(ada, desk_story(1)["uri"])
    _download(ada, desk_story(1)["uri"])  # twice: still one follow-up per event
    _download(ada, desk_story(3)["uri"])

    _revise(wire, _story(2, "Bridge opens late"), "update")  # nobody downloaded it
    _revise(wire, _story(1, "Dam holds, engineers say"), "correction")
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 1, timeout=10)
    (message,) = smtp.inbox.to("ada@paper.example")
    assert message["From"] == "alerts@wire.example"
    assert message["Subject"] == "[Corrected] Dam holds, engineers say"
    text = message.get_payload(decode=True).decode()
    assert "was corrected" in text and "Version 2" in text
    assert "https://wire.example/portal/items/urn%3Anewswire%3Atest%3Astory-1" in text
    link = message["List-Unsubscribe"].strip("<>")
    assert link in text and link.startswith("https://wire.example/followups/unsubscribe?token=")

    r = wire.editor.post(
        f"/v1/desk/items/{quote(desk_story(1)['uri'], safe='')}/kill", json={"reason": "Libel"}
    )
    assert r.status_code == 200, r.text
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 2, timeout=10)
    killed = smtp.inbox.to("ada@paper.example")[1]
    assert killed["Subject"] == "[KILLED] Dam holds, engineers say"
    assert "do not use it" in killed.get_payload(decode=True).decode()
    assert smtp.inbox.to("bo@paper.example") == []  # bo downloaded nothing

    # The link stops ada's follow-ups: GET only confirms, POST stops; a forged one is refused.
    path = urlsplit(link).path + "?" + urlsplit(link).query
    page = wire.client().get(path)
    assert page.status_code == 200 and '<form method="post"' in page.text
    assert wire.client().post(path[:-2] + "xx").status_code == 400
    r = wire.client().post(path, content=b"List-Unsubscribe=One-Click")
    assert r.status_code == 200 and "Unsubscribed" in r.text

    _download(bo, desk_story(3)["uri"])
    _revise(wire, _story(3, "Port strike ends"), "update")
    wait_until(lambda: len(smtp.inbox.to("bo@paper.example")) == 1, timeout=10)
    assert smtp.inbox.to("bo@paper.example")[0]["Subject"] == "[Updated] Port strike ends"
    time.sleep(0.5)
    assert len(smtp.inbox.to("ada@paper.example")) == 2  # ada unsubscribed


def test_a_digest_gathers_the_matches_and_goes_out_once_when_due(
    mail: tuple[Wire, Smtp],
) -> None:
    wire, smtp = mail
    client, users = _users(wire, "ada", "bo")
    for name in ("ada", "bo"):
        body = {"name": f"Harbour {name}", "query": "harbour", "channels": ["email"]}
        r = client.post("/v1/alerts", json=body | {"user_id": users[name]})
        assert r.status_code == 201, r.text
    ada = login(wire, "ada")
    assert "Alert e-mails arrive at once." in ada.get("/portal/alerts").text
    r = post(ada, "/portal/alerts", "/portal/alerts/digest", digest_times="25:00")
    assert r.status_code == 422 and "25:00" in r.text
    r = post(ada, "/portal/alerts", "/portal/alerts/digest", digest_times="17:00, 07:00")
    assert r.status_code == 303, r.text
    assert "one digest at 07:00, 17:00 UTC" in ada.get("/portal/alerts").text

    wire.publish(_story(1, "Harbour strike ends"), ["world"])
    wire.publish(_story(2, "Harbour reopens"), ["world"])
    wait_until(lambda: len(smtp.inbox.to("bo@paper.example")) == 2, timeout=10)  # immediate
    waiting = "SELECT headline FROM digest_entries WHERE user_id = %s ORDER BY seq"
    wait_until(lambda: len(_sql(wire.db_url, waiting, users["ada"])) == 2, timeout=10)
    assert smtp.inbox.to("ada@paper.example") == []  # not due yet: no time passed since

    # A day passes (the last digest was yesterday): every chosen time is due now.
    _sql(
        wire.db_url,
        "UPDATE users SET digest_sent_at = now() - interval '1 day' WHERE id = %s",
        users["ada"],
    )
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 1, timeout=10)
    (digest,) = smtp.inbox.to("ada@paper.example")
    assert digest["Subject"] == "Alert digest: 2 stories"
    text = digest.get_payload(decode=True).decode()
    assert text.index("[Harbour ada] Harbour strike ends") < text.index("Harbour reopens")
    assert digest["List-Unsubscribe"].startswith("<https://wire.example/alerts/unsubscribe?")
    time.sleep(1.5)
    assert len(smtp.inbox.to("ada@paper.example")) == 1  # once, not at every worker pass
    assert _sql(wire.db_url, waiting, users["ada"]) == []

    # Back to immediate: the next match is mailed at once.
    r = post(ada, "/portal/alerts", "/portal/alerts/digest", digest_times="")
    assert r.status_code == 303
    wire.publish(_story(3, "Harbour crane falls"), ["world"])
    wait_until(lambda: len(smtp.inbox.to("ada@paper.example")) == 2, timeout=10)
    assert smtp.inbox.to("ada@paper.example")[1]["Subject"] == "[Harbour ada] Harbour crane falls"
