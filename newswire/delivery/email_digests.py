"""Alert digests by e-mail: one message per user per due time, listing every alert
match that waited for it (store/email_digests.py), with each alert's unsubscribe link."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from newswire.delivery.email_links import unsubscribe_token
from newswire.delivery.email_smtp import SmtpSettings, mail_each, new_message
from newswire.store import email_digests as store
from newswire.store.database import Database

__all__ = ["digest_message", "send_digests"]


def digest_message(smtp: SmtpSettings, secret: str, digest: store.Digest) -> EmailMessage:
    """The digest e-mail for one user."""
    base = smtp.base_url.rstrip("/")
    lines = [f"Your alerts matched {len(digest.entries)} stories:", ""]
    alerts: dict[int, str] = {}
    for entry in digest.entries:
        alerts.setdefault(entry.alert_id, entry.alert_name)
        story = f"{base}/portal/items/{quote(entry.uri, safe='')}"
        lines += [f"[{entry.alert_name}] {entry.headline or entry.uri}", story, ""]
    lines.append("Stop the e-mails of one alert:")
    for alert_id, name in alerts.items():
        token = unsubscribe_token(secret, alert_id)
        lines.append(f"{name}: {base}/alerts/unsubscribe?token={token}")
    one_click = None
    if len(alerts) == 1:  # one alert: the one-click header can name it
        token = unsubscribe_token(secret, next(iter(alerts)))
        one_click = f"{base}/alerts/unsubscribe?token={token}"
    message = new_message(
        smtp, digest.email, f"Alert digest: {len(digest.entries)} stories",
        f"digest-{digest.user_id}", one_click,
    )  # fmt: skip
    message.set_content("\n".join(lines) + "\n")
    return message


async def send_digests(db: Database, smtp: SmtpSettings, secret: str) -> int:
    """Mail the digests that are due; how many users were handled. A failed send stops
    the batch (what went out before it is committed) and raises `Paused`."""
    async with store.digest_batch(db) as batch:
        paused = await mail_each(
            smtp,
            batch.digests,
            lambda d: [digest_message(smtp, secret, d)] if d.entries and d.email else [],
            batch.sent,
        )
    if paused is not None:
        raise paused
    return sum(1 for d in batch.digests if d.entries)
