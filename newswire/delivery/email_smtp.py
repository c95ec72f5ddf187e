"""Sending mail: the SMTP settings and one SMTP session for a list of messages, shared
by alert e-mails, digests and story follow-ups."""

from __future__ import annotations

import asyncio
import email.policy
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TypeVar

__all__ = ["POLICY", "Paused", "SmtpSettings", "mail_each", "new_message", "send_messages"]

T = TypeVar("T")

# Headers up to RFC 5322's 998 characters: a long List-Unsubscribe URL stays plain text.
POLICY = email.policy.default.clone(max_line_length=998)


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


def new_message(
    smtp: SmtpSettings, to: str, subject: str, id_hint: str, unsubscribe: str | None
) -> EmailMessage:
    """A message from the wire with its headers; `unsubscribe` (a URL) adds RFC 8058's
    one-click unsubscribe headers. The caller sets the content."""
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject[:250]
    message["From"] = smtp.sender
    message["To"] = to
    message["Message-ID"] = make_msgid(id_hint)
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


class Paused(Exception):
    """The SMTP server failed; mail waits for the next try."""


def send_messages(smtp: SmtpSettings, messages: list[EmailMessage]) -> int:
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


async def mail_each(
    smtp: SmtpSettings,
    items: Sequence[T],
    messages_of: Callable[[T], list[EmailMessage]],
    sent: Callable[[T], Awaitable[None]],
) -> Paused | None:
    """Send each item's messages in order, marking each item sent once they went out.
    An SMTP failure stops there and is returned (not raised), so the caller's batch
    still commits what was marked before it."""
    for item in items:
        messages = messages_of(item)
        try:
            if messages:
                await asyncio.to_thread(send_messages, smtp, messages)
        except (OSError, smtplib.SMTPException) as err:
            paused = Paused(f"SMTP: {err}")
            paused.__cause__ = err
            return paused
        await sent(item)
    return None
