"""Signed unsubscribe tokens for the links in our e-mails: one names an alert (its
e-mail channel), one names a user (their story follow-ups). No expiry: unsubscribing
must always work."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from newswire.errors import Invalid

__all__ = ["followup_token", "followup_user", "unsubscribe_token", "unsubscribed_alert"]

_SALT = "newswire-alert-unsubscribe"
_FOLLOWUP_SALT = "newswire-followup-unsubscribe"


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


def followup_token(secret: str, user_id: int) -> str:
    """A signed token naming the user (no expiry: unsubscribing must always work)."""
    return URLSafeSerializer(secret, salt=_FOLLOWUP_SALT).dumps(user_id)


def followup_user(secret: str, token: str) -> int:
    """The user a token names; Invalid when it was not signed by this wire."""
    try:
        user_id = URLSafeSerializer(secret, salt=_FOLLOWUP_SALT).loads(token)
    except BadSignature:
        raise Invalid("token: not an unsubscribe link of this wire") from None
    if not isinstance(user_id, int):
        raise Invalid("token: not an unsubscribe link of this wire")
    return user_id
