"""Prometheus metrics of this process, defined once; every layer may count into them.

Counters live in the process: with `--workers N` or N nodes, Prometheus scrapes each
process and sums. Gauges that need a query (webhook backlog) are set at scrape time by
`web/ops.py`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "DELIVERIES",
    "DELIVERY_LATENCY",
    "ENRICHMENT_STEP_SECONDS",
    "REGISTRY",
    "REQUESTS",
    "STREAM_CONNECTIONS",
    "WEBHOOK_BACKLOG",
    "WEBHOOK_FAILURES",
    "WIRE_EVENTS",
]

REGISTRY = CollectorRegistry(auto_describe=True)

WIRE_EVENTS = Counter(
    "newswire_wire_events",
    "Wire-log events (publish, update, correction, kill, release) this process delivered from.",
    ["kind"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "newswire_deliveries",
    "Items delivered to subscribers, by channel (stream, feed, webhook).",
    ["channel"],
    registry=REGISTRY,
)
DELIVERY_LATENCY = Histogram(
    "newswire_delivery_latency_seconds",
    "From the event's commit to its delivery: stream (last socket written for the event"
    " on this process) and webhook (receiver's 2xx).",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
STREAM_CONNECTIONS = Gauge(
    "newswire_stream_connections", "Open stream connections in this process.", registry=REGISTRY
)
WEBHOOK_BACKLOG = Gauge(
    "newswire_webhook_backlog",
    "Webhook deliveries waiting in the outbox (pending) or given up (dead).",
    ["status"],
    registry=REGISTRY,
)
WEBHOOK_FAILURES = Counter(
    "newswire_webhook_failures",
    "Webhook attempts that failed (error, timeout or non-2xx answer).",
    registry=REGISTRY,
)
ENRICHMENT_STEP_SECONDS = Histogram(
    "newswire_enrichment_step_seconds",
    "Time of each enrichment step, skipped ones included.",
    ["step"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=REGISTRY,
)
REQUESTS = Counter(
    "newswire_http_requests",
    "HTTP requests answered (streams not included), by method and status class.",
    ["method", "status"],
    registry=REGISTRY,
)
