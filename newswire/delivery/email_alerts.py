"""E-mail alerts: a worker mails each saved-search match whose alert has the e-mail
channel, through the agency's SMTP server, with a one-click unsubscribe link.

Matches come from `alert_matches` (see store/email_outbox.py). Each message goes out
once its match is recorded; a failure stops the batch (what was sent is kept) and the
rest is tried again after a pause, so an SMTP outage delays mail and loses none.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from urllib.parse import quote

import psycopg

from newswire.delivery.email_digests import send_digests
from newswire.delivery.email_followups import send_followups
from newswire.delivery.email_links import unsubscribe_token, unsubscribed_alert
from newswire.delivery.email_smtp import Paused, SmtpSettings, mail_each, new_message
from newswire.delivery.notifier import WireNotifier
from newswire.errors import Unavailable
from newswire.store import email_outbox as outbox
from newswire.store.database import Database

__all__ = [
    "Paused",
    "SmtpSettings",
    "alert_message",
    "run_email_alerts",
    "send_batch",
    "unsubscribe_token",
    "unsubscribed_alert",
]

log = logging.getLogger(__name__)


def alert_message(
    smtp: SmtpSettings, secret: str, match: outbox.EmailMatch, to: str
) -> EmailMessage:
    """The e-mail for one match to one recipient."""
    base = smtp.base_url.rstrip("/")
    story = f"{base}/portal/items/{quote(match.uri, safe='')}"
    unsubscribe = f"{base}/alerts/unsubscribe?token={unsubscribe_token(secret, match.alert_id)}"
    headline = match.headline or match.uri
    message = new_message(
        smtp, to, f"[{match.alert_name}] {headline}", f"alert-{match.alert_id}-{match.seq}",
        unsubscribe,
    )  # fmt: skip
    message.set_content(
        f'Your alert "{match.alert_name}" matched a story:\n\n{headline}\n{story}\n\n'
        f"Stop these e-mails: {unsubscribe}\n"
    )
    return message


async def send_batch(db: Database, smtp: SmtpSettings, secret: str) -> int:
    """Mail one batch of matches; how many were handled. A failed send stops the batch
    (what went out before it is committed) and raises `Paused`."""
    async with outbox.email_batch(db) as batch:
        paused = await mail_each(
            smtp,
            batch.matches,
            lambda match: [alert_message(smtp, secret, match, to) for to in match.recipients],
            batch.sent,
        )
    if paused is not None:
        raise paused
    return len(batch.matches)


async def run_email_alerts(
    db: Database,
    notifier: WireNotifier,
    smtp: SmtpSettings,
    secret: str,
    *,
    poll: float = 0.05,
    hot: float = 2.0,
    pause: float = 5.0,
) -> None:
    """Mail alert matches until cancelled; any number may run on one database.

    After each wire event it looks every `poll` s for `hot` s (matches are recorded
    milliseconds after the event), then sleeps until the next event.
    """
    loop = asyncio.get_running_loop()
    hot_until = loop.time() + hot
    while True:
        try:
            handled = await send_batch(db, smtp, secret)
            handled += await send_followups(db, smtp, secret)
            handled += await send_digests(db, smtp, secret)
        except Paused as err:
            log.warning("alert e-mails paused for %g s: %s", pause, err)
            await asyncio.sleep(pause)
            continue
        except (Unavailable, psycopg.Error) as err:
            log.warning("e-mail alerts waiting for the database: %s", err)
            await asyncio.sleep(1.0)
            continue
        except Exception:
            log.exception("e-mail alerts step failed; trying again in 1 s")
            await asyncio.sleep(1.0)
            continue
        if handled:
            continue
        if loop.time() < hot_until:
            await asyncio.sleep(poll)
            continue
        seen = notifier.latest
        await notifier.wait(1.0)
        if notifier.latest != seen:
            hot_until = loop.time() + hot
