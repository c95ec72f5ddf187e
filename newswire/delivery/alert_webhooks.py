"""Alert matches out through the subscriber's webhooks, signed like every delivery.

`alert_matches` is the outbox: a match whose alert has the `webhook` channel is
queued `pending`; a worker leases due rows with FOR UPDATE SKIP LOCKED, POSTs one
`alert` entry to each of the subscriber's webhooks (Standard Webhooks signature,
`webhook-id` `msg_<webhook>_alert_<alert>_<seq>`, the same on every retry), and
retries with the webhook worker's policy until every endpoint answered 2xx or the
retry window closes. At least once: an endpoint that answered keeps receiving the
retries of the others, and de-duplicates by `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from newswire import __version__
from newswire.delivery import webhooks
from newswire.delivery.signing import signature_headers
from newswire.errors import Unavailable
from newswire.store import alerts as store
from newswire.store.database import Database

__all__ = ["alert_body", "alert_message_id", "run_alert_webhooks", "send_alert_webhooks"]

log = logging.getLogger(__name__)
BATCH = 32


def alert_message_id(webhook_id: int, alert_id: int, seq: int) -> str:
    """The `webhook-id` of one alert match sent to one webhook (its idempotency key)."""
    return f"msg_{webhook_id}_alert_{alert_id}_{seq}"


def alert_body(claim: store.WebhookClaim) -> bytes:
    """The entry a webhook receives: `{"seq", "event": "alert", "alert", "uri", "headline"}`."""
    entry = {
        "seq": claim.seq,
        "event": "alert",
        "alert": {"id": claim.alert_id, "name": claim.name},
        "uri": claim.uri,
        "headline": claim.headline,
    }
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


async def _post(
    client: httpx.AsyncClient, hook: tuple[int, str, str], claim: store.WebhookClaim, timeout: float
) -> str | None:
    """One signed POST; None when answered 2xx, else what went wrong."""
    hook_id, url, secret = hook
    body = alert_body(claim)
    msg_id = alert_message_id(hook_id, claim.alert_id, claim.seq)
    headers = signature_headers(secret, msg_id, int(time.time()), body)
    headers |= {"content-type": "application/json", "user-agent": f"newswire/{__version__}"}
    try:
        async with asyncio.timeout(timeout):
            async with client.stream("POST", url, content=body, headers=headers) as answer:
                code = answer.status_code
    except TimeoutError:
        return f"webhook {hook_id}: no answer within {timeout:g} s"
    except Exception as err:  # any failure is one failed attempt, retried by the policy
        return f"webhook {hook_id}: {type(err).__name__}: {err}"
    return None if 200 <= code < 300 else f"webhook {hook_id}: HTTP {code}"


async def send_alert_webhooks(db: Database, client: httpx.AsyncClient) -> int:
    """Send one batch of due alert matches; returns how many were claimed."""
    retry, timeout = webhooks.RETRY, webhooks.TIMEOUT  # read now: tests shorten them
    claims = await store.claim_alert_webhooks(db, BATCH, webhooks.lease(timeout))

    async def one(claim: store.WebhookClaim) -> None:
        if claim.killed or not claim.hooks:
            why = "the story was killed" if claim.killed else "the subscriber has no webhook"
            await store.finish_alert_webhook(db, claim, "skipped", why, timedelta(0))
            return
        errors = await asyncio.gather(*(_post(client, h, claim, timeout) for h in claim.hooks))
        failed = [e for e in errors if e]
        if not failed:
            await store.finish_alert_webhook(db, claim, "delivered", None, timedelta(0))
            return
        age = (datetime.now(UTC) - claim.matched_at).total_seconds()
        status = "dead" if retry.gives_up(claim.attempts, age) else "pending"
        delay = timedelta(seconds=retry.delay(claim.attempts))
        await store.finish_alert_webhook(db, claim, status, "; ".join(failed)[:1000], delay)

    await asyncio.gather(*(one(c) for c in claims))
    return len(claims)


async def run_alert_webhooks(db: Database, wake: asyncio.Event, poll: float = 0.5) -> None:
    """Drain the alert webhook outbox until cancelled (any number may run: SKIP LOCKED)."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        while True:
            try:
                wake.clear()
                if await send_alert_webhooks(db, client):
                    continue
            except (Unavailable, psycopg.Error) as err:
                log.warning("alert webhooks waiting for the database: %s", err)
                await asyncio.sleep(1.0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), poll)
