"""E-mail alerts: a worker mails each saved-search match whose alert has the e-mail
channel, through the agency's SMTP server, with a one-click unsubscribe link.

Matches come from `alert_matches` (see store/email_outbox.py). Each message goes out
once its match is recorded; a failure stops the batch (what was sent is kept) and the
rest is tried again after a pause, so an SMTP outage delays mail and loses none.
"""

from __future__ import annotations

import asyncio
import email.policy
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import quote

import psycopg
from itsdangerous import BadSignature, URLSafeSerializer

from newswire.delivery.notifier import WireNotifier
from newswire.errors import Invalid, Unavailable
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
_SALT = "newswire-alert-unsubscribe"
# Headers up to RFC 5322's 998 characters: a long List-Unsubscribe URL stays plain text.
_POLICY = email.policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes, as whom, and the base URL for links in it."""

    host: str
    port: int = 25
    tls: str = "none"  # none | starttls | tls
    username: str = ""
    password: str = ""
    sender: str = "newswire@localhost"
    base_url: str = "http://localhost:8080"
    timeout: float = 15.0


def unsubscribe_token(secret: str, alert_id: int) -> str:
    """A signed token naming the alert (no expiry: unsubscribing must always work)."""
    return URLSafeSerializer(secret, salt=_SALT).dumps(alert_id)


def unsubscribed_alert(secret: str, token: str) -> int:
    """The alert a token names; Invalid when it was not signed by this wire."""
    try:
        alert_id = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        raise Invalid("token: not an unsubscribe link of this wire") from None
    if not isinstance(alert_id, int):
        raise Invalid("token: not an unsubscribe link of this wire")
    return alert_id


def alert_message(
    smtp: SmtpSettings, secret: str, match: outbox.EmailMatch, to: str
) -> EmailMessage:
    """The e-mail for one match to one recipient."""
    base = smtp.base_url.rstrip("/")
    story = f"{base}/portal/items/{quote(match.uri, safe='')}"
    unsubscribe = f"{base}/alerts/unsubscribe?token={unsubscribe_token(secret, match.alert_id)}"
    headline = match.headline or match.uri
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = f"[{match.alert_name}] {headline}"[:250]
    message["From"] = smtp.sender
    message["To"] = to
    message["Message-ID"] = make_msgid(f"alert-{match.alert_id}-{match.seq}")
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(
        f'Your alert "{match.alert_name}" matched a story:\n\n{headline}\n{story}\n\n'
        f"Stop these e-mails: {unsubscribe}\n"
    )
    return message


def _send(smtp: SmtpSettings, messages: list[EmailMessage]) -> int:
    """Send over one SMTP session; how many went out before any failure (which raises)."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.tls == "tls":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.tls == "starttls":
            client.starttls(context=context)
        if smtp.username:
            client.login(smtp.username, smtp.password)
        for message in messages:
            client.send_message(message)
    return len(messages)


async def send_batch(db: Database, smtp: SmtpSettings, secret: str) -> int:
    """Mail one batch of matches; how many were handled. A failed send stops the batch
    (what went out before it is committed) and raises `Paused`."""
    failure: BaseException | None = None
    async with outbox.email_batch(db) as batch:
        for match in batch.matches:
            messages = [alert_message(smtp, secret, match, to) for to in match.recipients]
            try:
                if messages:
                    await asyncio.to_thread(_send, smtp, messages)
            except (OSError, smtplib.SMTPException) as err:
                failure = err
                break
            await batch.sent(match)
    if failure is not None:
        raise Paused(f"SMTP: {failure}") from failure
    return len(batch.matches)


class Paused(Exception):
    """The SMTP server failed; mail waits for the next try."""


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
