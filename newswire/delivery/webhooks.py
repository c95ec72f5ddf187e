"""The webhook outbox worker: fills the outbox from the wire log and delivers it.

Filling: for each webhook behind the log's head, read the log after its cursor (once
per plan and cursor, however many webhooks share them), pass every entry through the
gate for the subscriber's plan, and queue the entries it shows as pre-encoded feed
entries, in the transaction that moves the cursor on.

Delivering: lease the head row of each webhook, POST it signed per Standard Webhooks,
and record the outcome. 2xx is delivered; anything else is retried with capped
exponential backoff until the retry window closes, then dead-lettered so that one
poison event cannot stop the webhook's stream. At least once: a receiver
de-duplicates by `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg

from newswire import __version__
from newswire.delivery.entries import feed_entry
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.signing import message_id, signature_headers
from newswire.errors import Unavailable
from newswire.metrics import DELIVERIES, DELIVERY_LATENCY, WEBHOOK_FAILURES
from newswire.model import Plan, Viewer, ViewerKind
from newswire.store import webhook_outbox as outbox
from newswire.store.database import Database
from newswire.store.events import read_events
from newswire.store.usage import record_webhook_usage
from newswire.store.webhooks import DeliveryStatus

__all__ = ["RETRY", "TIMEOUT", "RetryPolicy", "fill", "run_webhook_worker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a failed delivery again, and when to give up on it (dead-letter)."""

    first_delay: float = 1.0  # seconds after the first failure; doubles each time
    max_delay: float = 300.0  # the cap on the delay between two attempts
    window: float = 24 * 3600.0  # seconds after queueing when retries stop
    max_attempts: int = 0  # 0: as many as fit in the window

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt: 1, 2, 4 ... capped."""
        return min(self.max_delay, self.first_delay * 2.0 ** min(max(attempts - 1, 0), 60))

    def gives_up(self, attempts: int, age: float) -> bool:
        """Whether a row `age` seconds old, after `attempts` failures, is dead."""
        out_of_attempts = 0 < self.max_attempts <= attempts
        return out_of_attempts or age + self.delay(attempts) > self.window


def lease(timeout: float) -> timedelta:
    """How long a claimed row stays with its worker: the attempt's time limit plus room to
    record the outcome. A worker that dies holding it frees the row when it ends."""
    return timedelta(seconds=timeout + 20)


RETRY = RetryPolicy()
TIMEOUT = 10.0  # seconds a receiver has to answer one delivery
_WEBHOOK_DELIVERIES = DELIVERIES.labels("webhook")
_WEBHOOK_LATENCY = DELIVERY_LATENCY.labels("webhook")
FILL_PAGE = 500  # wire-log events read per plan and cursor in one fill step
RETENTION = timedelta(days=7)  # finished rows are kept this long for the status API
_PRUNE_EVERY = 600.0  # seconds between prunes


def _encode(entry: dict[str, Any]) -> str:
    # The same compact encoding as the feed's JSON responses.
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


async def fill(db: Database, page_size: int = FILL_PAGE) -> int:
    """One fill step for every webhook behind the log; returns how many advanced."""
    groups: dict[tuple[Plan, int, str], list[int]] = defaultdict(list)
    for target in await outbox.fill_targets(db):
        groups[(target.plan, target.cursor, target.format)].append(target.id)
    advanced = 0
    for (plan, cursor, fmt), ids in groups.items():
        viewer = Viewer(ViewerKind.SUBSCRIBER, plan=plan)
        now = datetime.now(UTC)
        horizon = now - timedelta(minutes=plan.delay_minutes)
        page = await read_events(db, cursor, page_size, horizon, plan)
        if page.next <= cursor:
            continue  # a delayed plan waiting for its horizon
        rows = []
        for entry in page.entries:
            shown = feed_entry(viewer, entry, now, fmt)
            if shown is not None:
                event = entry.event
                rows.append(outbox.Queued(event.seq, event.kind.value, event.uri, _encode(shown)))
        advanced += await outbox.queue_deliveries(db, ids, cursor, page.next, rows)
    return advanced


async def _post(
    client: httpx.AsyncClient, claim: outbox.Claim, timeout: float
) -> tuple[int | None, str | None]:
    """One signed POST; (HTTP status, None) when answered, (status or None, error) otherwise."""
    body = claim.body.encode("utf-8")
    headers = signature_headers(
        claim.secret, message_id(claim.webhook_id, claim.seq), int(time.time()), body
    )
    headers |= {"content-type": "application/json", "user-agent": f"newswire/{__version__}"}
    try:
        async with asyncio.timeout(timeout):
            # Streamed and never read: a receiver's answer body is of no interest.
            async with client.stream("POST", claim.url, content=body, headers=headers) as answer:
                code = answer.status_code
    except TimeoutError:
        return None, f"no answer within {timeout:g} s"
    except Exception as err:  # any failure is one failed attempt, retried by the policy
        return None, f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    if 200 <= code < 300:
        return code, None
    return code, f"the receiver answered HTTP {code}"


class _Worker:
    """The state of one worker: its HTTP client, its policy and its deliveries in flight."""

    def __init__(
        self, db: Database, client: httpx.AsyncClient, retry: RetryPolicy, timeout: float
    ) -> None:
        self.db = db
        self.client = client
        self.retry = retry
        self.timeout = timeout
        self.inflight: set[asyncio.Task[None]] = set()
        self.wake = asyncio.Event()

    async def step(self, concurrency: int) -> bool:
        """Fill, then start deliveries for free slots; whether anything moved."""
        # Cleared before looking, so a delivery finishing meanwhile still wakes the nap.
        self.wake.clear()
        advanced = await fill(self.db)
        free = concurrency - len(self.inflight)
        claims = []
        if free > 0:
            claims = await outbox.claim_deliveries(self.db, free, lease(self.timeout))
        for claim in claims:
            task = asyncio.create_task(self.attempt(claim), name="webhook-delivery")
            self.inflight.add(task)
            task.add_done_callback(self._done)
        return advanced > 0 or bool(claims)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.inflight.discard(task)
        self.wake.set()  # the webhook's next row may now be its head

    async def attempt(self, claim: outbox.Claim) -> None:
        """Send one claimed row and record the outcome.

        If recording fails (the database is away), the lease runs out and the row is
        sent again: at least once, never silently dropped.
        """
        try:
            if claim.killed and claim.kind != "kill":
                await outbox.finish_delivery(
                    self.db, claim, "skipped", None, "the story was killed before delivery"
                )
                return
            code, error = await _post(self.client, claim, self.timeout)
            if error is None:
                await outbox.finish_delivery(self.db, claim, "delivered", code, None)
                _WEBHOOK_DELIVERIES.inc()
                age = (datetime.now(UTC) - claim.created_at).total_seconds()
                _WEBHOOK_LATENCY.observe(age)
                await record_webhook_usage(self.db, claim.webhook_id)
                return
            WEBHOOK_FAILURES.inc()
            age = (datetime.now(UTC) - claim.created_at).total_seconds()
            dead = self.retry.gives_up(claim.attempts, age)
            retry_in = timedelta(seconds=self.retry.delay(claim.attempts))
            status: DeliveryStatus = "dead" if dead else "pending"
            await outbox.finish_delivery(self.db, claim, status, code, error, retry_in)
            if dead:
                log.warning(
                    "webhook %d: seq %d dead-lettered after %d attempts: %s",
                    claim.webhook_id,
                    claim.seq,
                    claim.attempts,
                    error,
                )
        except (Unavailable, psycopg.Error) as err:
            log.warning(
                "webhook %d: seq %d outcome not recorded (%s); it will be retried",
                claim.webhook_id,
                claim.seq,
                err,
            )
        except Exception:
            log.exception(
                "webhook %d: seq %d failed; it will be retried after its lease",
                claim.webhook_id,
                claim.seq,
            )

    async def nap(self, notifier: WireNotifier, seen: int, seconds: float) -> None:
        """Sleep until the log grows past `seen`, a delivery finishes, or `seconds` pass."""
        await notifier.wait_past(seen, self.wake, seconds)

    async def stop(self) -> None:
        """Cancel deliveries in flight; their leases expire and they are sent again."""
        for task in list(self.inflight):
            task.cancel()
        await asyncio.gather(*self.inflight, return_exceptions=True)


async def run_webhook_worker(
    db: Database,
    notifier: WireNotifier,
    *,
    retry: RetryPolicy | None = None,
    timeout: float | None = None,
    concurrency: int = 32,
    poll: float = 0.5,
    retention: timedelta = RETENTION,
) -> None:
    """Fill and deliver webhooks until cancelled; any number may run on one database.

    `retry` and `timeout` default to the module's RETRY and TIMEOUT; `concurrency`
    bounds the deliveries in flight (one per webhook at a time); `poll` is the longest
    nap between looks for due retries, new webhooks and replays.
    """
    worker_retry, worker_timeout = retry or RETRY, timeout or TIMEOUT
    # Proxies come from the usual environment variables (HTTPS_PROXY, NO_PROXY).
    async with httpx.AsyncClient(timeout=worker_timeout, follow_redirects=False) as client:
        worker = _Worker(db, client, worker_retry, worker_timeout)
        next_prune = 0.0
        try:
            while True:
                try:
                    if time.monotonic() >= next_prune:
                        await outbox.prune_deliveries(db, retention)
                        next_prune = time.monotonic() + _PRUNE_EVERY
                    seen = notifier.latest
                    busy = await worker.step(concurrency)
                except (Unavailable, psycopg.Error) as err:
                    log.warning("webhook worker waiting for the database: %s", err)
                    await asyncio.sleep(1.0)
                    continue
                except Exception:
                    # Loud, and the worker lives on: the rows stay queued, nothing is lost.
                    log.exception("webhook worker step failed; trying again in 1 s")
                    await asyncio.sleep(1.0)
                    continue
                if not busy:
                    await worker.nap(notifier, seen, poll)
        finally:
            with contextlib.suppress(Exception):
                await worker.stop()
