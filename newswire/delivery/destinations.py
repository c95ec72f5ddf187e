"""The FTP/SFTP destination worker: fills the destination outbox from the wire log and
uploads it, with the webhook worker's shape.

Filling: for each destination behind the log's head, read the log after its cursor
(once per plan, cursor and format), pass every entry through the gate for the
subscriber's plan, render the entries it shows once in the destination's format, and
queue them as files in the transaction that moves the cursor on.

Uploading: lease the head row of each destination, upload it to a temporary name and
rename it into place, and record the outcome. A kill notice also removes the story's
earlier version files from the server (a kill recalls them). Failures are retried with
the webhooks' capped exponential backoff until the retry window closes, then
dead-lettered, so one poison file cannot stop a destination. At least once: a file
re-sent after a lost outcome lands under the same name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import psycopg
from cryptography.fernet import Fernet

from newswire import formats, gate
from newswire.delivery import webhooks
from newswire.delivery.destination_secrets import Credentials, decrypt
from newswire.delivery.entries import visible_products
from newswire.delivery.filenames import item_file, kill_file, recalled_by
from newswire.delivery.ftp_push import upload_ftp
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.sftp_push import upload_sftp
from newswire.delivery.transfer import Parcel, Target
from newswire.errors import Unavailable
from newswire.model import EventKind, Plan, Viewer, ViewerKind
from newswire.store import destination_outbox as outbox
from newswire.store.database import Database
from newswire.store.events import Entry, read_events

__all__ = ["RETRY", "TIMEOUT", "fill", "run_destination_worker"]

log = logging.getLogger(__name__)

RETRY = webhooks.RetryPolicy()  # 1 s, 2 s, 4 s ... capped at 5 min; dead after 24 h
TIMEOUT = 60.0  # seconds one upload (connect, log in, send, rename) may take
FILL_PAGE = 200
_SIGNALS: dict[EventKind, str | None] = {
    EventKind.PUBLISH: None,
    EventKind.RELEASE: None,
    EventKind.UPDATE: "update",
    EventKind.CORRECTION: "correction",
    EventKind.KILL: "kill",
}
Upload = Callable[[Target, Credentials, Parcel, float], Awaitable[None]]
TRANSPORTS: dict[str, Upload] = {"ftp": upload_ftp, "sftp": upload_sftp}


def _file(
    viewer: Viewer, entry: Entry, fmt: str, provider: str, now: datetime
) -> outbox.Queued | None:
    view = gate.decide_event(viewer, entry.event, entry.state, now)
    if view is None:
        return None
    event = entry.event
    killed = view is gate.View.KILL_NOTICE
    body = formats.render(
        fmt,
        gate.render(entry.state, view, viewer),
        signal="kill" if killed else _SIGNALS[event.kind],
        products=visible_products(viewer, entry.state),
        provider=provider,
    )
    ext = formats.file_extension(fmt)
    name = (kill_file if killed else item_file)(event.uri, event.version, ext)
    return outbox.Queued(event.seq, event.kind.value, event.uri, name, body)


async def fill(db: Database, provider: str, page_size: int = FILL_PAGE) -> int:
    """One fill step for every destination behind the log; how many advanced."""
    groups: dict[tuple[Plan, int, str], list[int]] = defaultdict(list)
    for target in await outbox.fill_targets(db):
        groups[(target.plan, target.cursor, target.format)].append(target.id)
    advanced = 0
    for (plan, cursor, fmt), ids in groups.items():
        viewer = Viewer(ViewerKind.SUBSCRIBER, plan=plan)
        now = datetime.now(UTC)
        page = await read_events(
            db, cursor, page_size, now - timedelta(minutes=plan.delay_minutes), plan
        )
        if page.next <= cursor:
            continue  # a delayed plan waiting for its horizon
        files = [_file(viewer, entry, fmt, provider, now) for entry in page.entries]
        rows = [f for f in files if f is not None]
        advanced += await outbox.queue_uploads(db, ids, cursor, page.next, rows)
    return advanced


class _Worker:
    """One worker's state: the cipher, the policy and the uploads in flight."""

    def __init__(
        self,
        db: Database,
        cipher: Fernet,
        provider: str,
        retry: webhooks.RetryPolicy,
        timeout: float,
    ) -> None:
        self.db, self.cipher, self.provider = db, cipher, provider
        self.retry, self.timeout = retry, timeout
        self.inflight: set[asyncio.Task[None]] = set()
        self.wake = asyncio.Event()

    async def step(self, concurrency: int) -> bool:
        """Fill, then start uploads for free slots; whether anything moved."""
        self.wake.clear()
        advanced = await fill(self.db, self.provider)
        free = concurrency - len(self.inflight)
        claims = []
        if free > 0:
            claims = await outbox.claim_uploads(self.db, free, webhooks.lease(self.timeout))
        for claim in claims:
            task = asyncio.create_task(self.attempt(claim), name="destination-upload")
            self.inflight.add(task)
            task.add_done_callback(self._done)
        return advanced > 0 or bool(claims)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.inflight.discard(task)
        self.wake.set()

    async def _upload(self, claim: outbox.Claim) -> str | None:
        """Upload one file; None on success, else what went wrong."""
        target = Target(
            claim.protocol, claim.host, claim.port, claim.username,
            claim.folder, claim.passive, claim.host_key,
        )  # fmt: skip
        try:
            credentials = decrypt(self.cipher, claim.credentials)
            recall = recalled_by(claim.filename) if claim.kind == "kill" else []
            parcel = Parcel(claim.filename, bytes(claim.body), tuple(recall))
            await TRANSPORTS[claim.protocol](target, credentials, parcel, self.timeout)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except Exception as err:  # any failure is one failed attempt, retried by the policy
            return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        return None

    async def attempt(self, claim: outbox.Claim) -> None:
        """Upload one claimed row and record the outcome (a lost outcome re-sends it)."""
        try:
            if claim.killed and claim.kind != "kill":
                await outbox.finish_upload(
                    self.db, claim, "skipped", "the story was killed before delivery"
                )
                return
            error = await self._upload(claim)
            if error is None:
                await outbox.finish_upload(self.db, claim, "delivered", None)
                return
            age = (datetime.now(UTC) - claim.created_at).total_seconds()
            dead = self.retry.gives_up(claim.attempts, age)
            retry_in = timedelta(seconds=self.retry.delay(claim.attempts))
            await outbox.finish_upload(
                self.db, claim, "dead" if dead else "pending", error, retry_in
            )
            log.warning(
                "destination %d: seq %d %s (attempt %d): %s",
                claim.destination_id, claim.seq,
                "dead-lettered" if dead else "failed", claim.attempts, error,
            )  # fmt: skip
        except (Unavailable, psycopg.Error) as err:
            log.warning(
                "destination %d: seq %d outcome not recorded (%s); it will be retried",
                claim.destination_id, claim.seq, err,
            )  # fmt: skip
        except Exception:
            log.exception(
                "destination %d: seq %d failed; retried after its lease",
                claim.destination_id,
                claim.seq,
            )

    async def nap(self, notifier: WireNotifier, seen: int, seconds: float) -> None:
        """Sleep until the log grows past `seen`, a delivery finishes, or `seconds` pass."""
        await notifier.wait_past(seen, self.wake, seconds)

    async def stop(self) -> None:
        """Cancel uploads in flight; their leases expire and they are sent again."""
        for task in list(self.inflight):
            task.cancel()
        await asyncio.gather(*self.inflight, return_exceptions=True)


async def run_destination_worker(
    db: Database,
    notifier: WireNotifier,
    cipher: Fernet,
    provider: str,
    *,
    retry: webhooks.RetryPolicy | None = None,
    timeout: float | None = None,
    concurrency: int = 8,
    poll: float = 0.5,
) -> None:
    """Fill and upload until cancelled; any number may run on one database.

    `retry` and `timeout` default to the module's RETRY and TIMEOUT (read at start).
    """
    worker = _Worker(db, cipher, provider, retry or RETRY, timeout or TIMEOUT)
    try:
        while True:
            try:
                seen = notifier.latest
                busy = await worker.step(concurrency)
            except (Unavailable, psycopg.Error) as err:
                log.warning("destination worker waiting for the database: %s", err)
                await asyncio.sleep(1.0)
                continue
            except Exception:
                log.exception("destination worker step failed; trying again in 1 s")
                await asyncio.sleep(1.0)
                continue
            if not busy:
                await worker.nap(notifier, seen, poll)
    finally:
        with contextlib.suppress(Exception):
            await worker.stop()
