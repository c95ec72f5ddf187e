"""The usage chart: deliveries and downloads per subscriber per day as inline SVG.

Drawn on the server, so it needs no JavaScript and no chart library; the numbers
come from store/usage.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from newswire.store.usage import UsageRow

__all__ = ["SubscriberUsage", "usage_charts"]

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 200, 44, 28, 12
DELIVERY, DOWNLOAD = "#0b4f9c", "#e85d04"


@dataclass(frozen=True)
class SubscriberUsage:
    """One subscriber's chart and its totals."""

    subscriber: str
    deliveries: int
    downloads: int
    svg: Markup


def _series(rows: list[UsageRow], days: list[date]) -> tuple[list[int], list[int]]:
    deliveries = dict.fromkeys(days, 0)
    downloads = dict.fromkeys(days, 0)
    for row in rows:
        if row.day not in deliveries:
            continue
        if row.kind.startswith("delivery"):
            deliveries[row.day] += row.count
        elif row.kind.startswith("download"):
            downloads[row.day] += row.count
    return list(deliveries.values()), list(downloads.values())


def _svg(name: str, days: list[date], deliveries: list[int], downloads: list[int]) -> Markup:
    top = max([*deliveries, *downloads, 1])
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / len(days)
    bar = max(slot / 2 - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="Deliveries and downloads per day for {escape(name)}">',
        f"<title>Deliveries and downloads per day: {escape(name)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 8}" y2="{PAD_TOP + plot_h}"'
        ' stroke="#999"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end"'
        ' font-size="11">0</text>',
    ]
    for i, day in enumerate(days):
        x = PAD_LEFT + i * slot
        for j, (value, colour, label) in enumerate(
            ((deliveries[i], DELIVERY, "deliveries"), (downloads[i], DOWNLOAD, "downloads"))
        ):
            h = plot_h * value / top
            parts.append(
                f'<rect class="{label}" x="{x + j * bar:.1f}" y="{PAD_TOP + plot_h - h:.1f}"'
                f' width="{bar:.1f}" height="{h:.1f}" fill="{colour}" data-day="{day}"'
                f' data-count="{value}"><title>{day}: {value} {label}</title></rect>'
            )
        if i % max(len(days) // 7, 1) == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle"'
                f' font-size="11">{day.strftime("%d %b")}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # every interpolated text is escaped or a number


def usage_charts(rows: list[UsageRow], today: date, days: int = 14) -> list[SubscriberUsage]:
    """One chart per subscriber over the last `days` days, busiest subscriber first."""
    span = [today - timedelta(days=days - 1 - i) for i in range(days)]
    by_subscriber: dict[str, list[UsageRow]] = {}
    for row in rows:
        by_subscriber.setdefault(row.subscriber, []).append(row)
    charts = []
    for name, mine in by_subscriber.items():
        deliveries, downloads = _series(mine, span)
        charts.append(
            SubscriberUsage(
                name, sum(deliveries), sum(downloads), _svg(name, span, deliveries, downloads)
            )
        )
    return sorted(charts, key=lambda c: (-(c.deliveries + c.downloads), c.subscriber))
