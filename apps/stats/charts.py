"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable by screen readers
through their title and the table that always accompanies them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _number(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def bar_chart(*, title: str, rows: list[tuple[str, object]], width: int = 640, bar_height: int = 22) -> str:
    """Horizontal bars, one per (label, value)."""
    label_width, gap = 150, 6
    height = max(1, len(rows)) * (bar_height + gap) + 10
    peak = max((_number(v) for _label, v in rows), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * (bar_height + gap)
        length = int((width - label_width - 70) * (_number(value) / peak))
        parts.append(
            f'<text x="0" y="{y + bar_height * 0.7:.0f}" font-size="13" fill="#1b1f24">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" fill="#b3261e"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.7:.0f}" font-size="13" fill="#1b1f24">{escape(str(value if value is not None else "—"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above
