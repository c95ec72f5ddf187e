"""Follow-up e-mails: a user who downloaded a story hears of its update, correction or
kill. Drained from store/download_followups.py by the e-mail worker
(delivery/email_alerts.py), with a signed link that turns follow-ups off."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from newswire.delivery.email_links import followup_token
from newswire.delivery.email_smtp import SmtpSettings, mail_each, new_message
from newswire.store import download_followups as store
from newswire.store.database import Database

__all__ = ["followup_message", "send_followups"]

_WHAT = {
    "update": "was updated",
    "correction": "was corrected",
    "kill": "was killed: do not use it, and remove it where you published it",
}


def followup_message(smtp: SmtpSettings, secret: str, followup: store.Followup) -> EmailMessage:
    """The e-mail telling one user what happened to a story they downloaded."""
    base = smtp.base_url.rstrip("/")
    story = f"{base}/portal/items/{quote(followup.uri, safe='')}"
    token = followup_token(secret, followup.user_id)
    unsubscribe = f"{base}/followups/unsubscribe?token={token}"
    headline = followup.headline or followup.uri
    label = {"update": "Updated", "correction": "Corrected", "kill": "KILLED"}[followup.kind]
    message = new_message(
        smtp, followup.email, f"[{label}] {headline}",
        f"followup-{followup.user_id}-{followup.seq}", unsubscribe,
    )  # fmt: skip
    message.set_content(
        f"A story you downloaded {_WHAT[followup.kind]}.\n\n{headline}\n"
        f"Version {followup.version}: {story}\n\n"
        f"Stop these e-mails about downloaded stories: {unsubscribe}\n"
    )
    return message


async def send_followups(db: Database, smtp: SmtpSettings, secret: str) -> int:
    """Mail one batch of follow-ups; how many were handled. A failed send stops the
    batch (what went out before it is committed) and raises `Paused`."""
    async with store.followup_batch(db) as batch:
        paused = await mail_each(
            smtp,
            batch.followups,
            lambda f: [followup_message(smtp, secret, f)] if f.email else [],
            batch.sent,
        )
    if paused is not None:
        raise paused
    return len(batch.followups)
