"""Standard Webhooks signatures: secrets, signing and verification. Pure functions.

A delivery carries `webhook-id`, `webhook-timestamp` (unix seconds) and
`webhook-signature: v1,BASE64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))`, where
the key is the base64-decoded part of a `whsec_...` secret. See
https://www.standardwebhooks.com/ (the scheme Svix and others use).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

__all__ = [
    "SECRET_PREFIX",
    "TOLERANCE_SECONDS",
    "message_id",
    "new_secret",
    "secret_key",
    "sign",
    "signature_headers",
    "verify",
]

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the scheme asks for 24 to 64 random bytes
# Receivers should refuse deliveries whose timestamp is further than this from now.
TOLERANCE_SECONDS = 5 * 60


def new_secret() -> str:
    """A new signing secret: "whsec_" and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret (its base64 part decoded); ValueError when malformed."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as err:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from err


def message_id(webhook_id: int, seq: int) -> str:
    """The stable `webhook-id` of one event sent to one webhook: the idempotency key."""
    return f"msg_{webhook_id}_{seq}"


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one message: "v1," and the base64 HMAC."""
    signed = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    now: int,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether a received message is signed with `secret` and recent (a receiver's check).

    `headers` maps lower-case header names to values; the signature header may hold
    several space-separated signatures (during a secret rotation), any of which may match.
    """
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    if not msg_id or not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    expected = sign(secret, msg_id, int(stamp), body)
    offered = headers.get("webhook-signature", "").split()
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
