"""Delivery: following the wire log (notifications, embargo releases, streams, webhooks)."""
