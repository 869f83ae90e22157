"""Charts drawn on the server as inline SVG (#20): no script, no CDN, the same on every browser.

``bar_chart`` lays out horizontal bars, one group per row (a month, a category, an area) with one
bar per series (money in and money out, say). Each row's name sits on its own line above its
bars, and bar lengths and value positions are percentages of the chart's width, so the chart
fits a 390 px phone and a desktop alike with its text at its real size. Bars share one scale
from zero; a value above zero always shows a bar at least ``MIN_BAR`` percent long, so a fee
next to a large donation stays visible (its exact figure is printed beside it).

The page shows a ``Chart`` with the template include ``includes/chart.html``: a caption, a
legend, the SVG and the figures as a table under a ``<details>`` for screen readers and for
anyone who wants the exact numbers. Labels arrive already translated, and the values already
formatted by ``show`` (money as ¥1,234.50), so the chart reads in the page's language.

Layering: this is the kernel (apps/core), so domains (funds) and integrators (stats) both draw
their charts here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INCOME = "#1b6e3a"  # the site's --ok green
EXPENSE = "#b3261e"  # the site's --brand red
NEUTRAL = "#1a5fb4"  # the site's --focus blue, for a single series

BAR_SPAN = Decimal(68)  # percent of the width the longest bar takes; the rest holds its value
MIN_BAR = Decimal(1)  # percent: the shortest bar a value above zero gets
LABEL_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 12
FONT = 14
INK = "#1b1f24"


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name in the legend and the table, and its colour."""

    label: str | Promise
    color: str = NEUTRAL


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    shown: str
    width: Decimal  # percent of the chart's width


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    heading: str  # the table's first column: what a row is (month, category, area)
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    svg: SafeString


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _width(value: Decimal | None, peak: Decimal) -> Decimal:
    if value is None or value <= 0 or peak <= 0:
        return Decimal(0)
    return max(MIN_BAR, (BAR_SPAN * value / peak).quantize(Decimal("0.1")))


def bar_chart(
    *,
    title: str | Promise,
    heading: str | Promise,
    series: Sequence[Series],
    rows: Iterable[tuple[str, Sequence]],
    show: Callable[[Decimal], str] = str,
) -> Chart:
    """A chart of ``rows`` (label, one value per series); ``show`` writes a value as people read
    it. A missing value (None) draws no bar and reads "—"."""
    series = tuple(series)
    numbers = [(str(label), [_number(v) for v in values]) for label, values in rows]
    for _label, values in numbers:
        if len(values) != len(series):
            raise ValueError("each row needs one value per series")
    peak = max((v for _label, values in numbers for v in values if v is not None), default=Decimal(0))
    table = tuple(
        Row(label, tuple(Cell(v, "—" if v is None else show(v), _width(v, peak)) for v in values))
        for label, values in numbers
    )
    return Chart(str(title), str(heading), series, table, _svg(str(title), series, table))


def _drawn(series: tuple[Series, ...], row: Row) -> list[tuple[Series, Cell]]:
    """The bars a row draws: those with something to show. A category with money in only draws
    no empty "out" line (the table still lists its ¥0.00); a row of nothing draws every line."""
    pairs = list(zip(series, row.cells, strict=True))
    shown = [(one, cell) for one, cell in pairs if cell.value]
    return shown or pairs


def _svg(title: str, series: tuple[Series, ...], rows: tuple[Row, ...]) -> SafeString:
    heights = [LABEL_HEIGHT + len(_drawn(series, row)) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP for row in rows]
    parts = [
        f'<svg class="chart-bars" role="img" aria-label="{escape(title)}" width="100%" '
        f'height="{max(sum(heights), LABEL_HEIGHT)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, row in enumerate(rows):
        top = sum(heights[:i])
        parts.append(
            f'<text x="0" y="{top + LABEL_HEIGHT - 6}" font-size="{FONT}" font-weight="600" fill="{INK}">'
            f"{escape(row.label)}</text>"
        )
        for j, (one, cell) in enumerate(_drawn(series, row)):
            y = top + LABEL_HEIGHT + j * (BAR_HEIGHT + BAR_GAP)
            tip = escape(f"{row.label} · {one.label}: {cell.shown}")
            parts.append(f"<g><title>{tip}</title>")
            if cell.width:
                parts.append(
                    f'<rect x="0" y="{y}" width="{cell.width}%" height="{BAR_HEIGHT}" rx="2" fill="{one.color}"></rect>'
                )
            parts.append(
                f'<text x="{cell.width}%" dx="{6 if cell.width else 0}" y="{y + BAR_HEIGHT - 3}" '
                f'font-size="{FONT - 1}" fill="{INK}">{escape(cell.shown)}</text></g>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
