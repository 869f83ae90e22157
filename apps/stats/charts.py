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


def _worst(row: list[float], short: float) -> float:
    total = sum(row)
    return max(max(row) * short * short / (total * total), (total * total) / (short * short * min(row)))


def _squarify(areas: list[float], x: float, y: float, w: float, h: float) -> list[tuple[float, float, float, float]]:
    """Squarified treemap layout (Bruls, Huizing and van Wijk): ``areas`` sorted largest first and
    summing to w × h; returns one (x, y, width, height) per area, in the same order."""
    rects: list[tuple[float, float, float, float]] = []
    items = list(areas)
    while items:
        short = min(w, h) or 1.0
        row = [items.pop(0)]
        while items and _worst([*row, items[0]], short) <= _worst(row, short):
            row.append(items.pop(0))
        total = sum(row)
        # lay the row along the shorter side: a column on the left, or a line on top
        column = w >= h
        thickness = total / ((h if column else w) or 1.0)
        offset = y if column else x
        for area in row:
            length = area / thickness if thickness else 0
            rects.append((x, offset, thickness, length) if column else (offset, y, length, thickness))
            offset += length
        if column:
            x, w = x + thickness, w - thickness
        else:
            y, h = y + thickness, h - thickness
    return rects


PALETTE = ("#b3261e", "#8c1d18", "#c4493f", "#6d1a14", "#d46a61", "#a33a32")


def treemap(*, title: str, rows: list[tuple[str, object]], width: int = 640, height: int = 360) -> str:
    """A treemap of (label, value): each area's rectangle is proportional to its value. Areas with
    nothing are left out (the table that accompanies the map lists them)."""
    values = sorted(((label, float(_number(v))) for label, v in rows if _number(v) > 0), key=lambda r: -r[1])
    parts = [
        f'<svg class="chart treemap" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    total = sum(v for _label, v in values)
    if total:
        areas = [v * width * height / total for _label, v in values]
        for i, ((label, value), (x, y, w, h)) in enumerate(
            zip(values, _squarify(areas, 0, 0, width, height), strict=True)
        ):
            shown = f"{value:g}"
            parts.append(
                f"<g><title>{escape(label)}: {escape(shown)}</title>"
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{PALETTE[i % len(PALETTE)]}" '
                f'stroke="#fff" stroke-width="2"></rect>'
            )
            if w > 60 and h > 34:
                parts.append(
                    f'<text x="{x + 6:.1f}" y="{y + 18:.1f}" font-size="13" fill="#fff">{escape(label)}</text>'
                    f'<text x="{x + 6:.1f}" y="{y + 34:.1f}" font-size="12" fill="#fff">{escape(shown)}</text>'
                )
            parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above
