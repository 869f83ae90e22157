"""What the oversight figures are called, on pages and in downloads (#20).

The downloads (``stats/…?format=csv|xlsx``) name their columns through ``table_columns``: one
``apps.core.exports.Column`` per figure code, so a file reads in the request's language, with
levels and kinds by their display names and rates as percentages, while ``?headers=codes`` keeps
CONTRACT's figure codes and raw values for machines.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.exports import Column, choice_label
from apps.regions.models import Region

COMPONENT_LABELS = {
    "rating": _("Community rating of delivery"),
    "milestones": _("Milestones accepted on time"),
    "hours": _("Hours delivered against plan"),
    "dispatch": _("Dispatch results"),
    "residents": _("Rating by the people served"),
}
RAW_LABELS = {
    "ratings": _("ratings"),
    "mean_rating": _("mean rating"),
    "milestones_due": _("milestones due"),
    "accepted_on_time": _("accepted by the due date"),
    "hours_confirmed": _("hours confirmed"),
    "hours_planned": _("hours planned for the period"),
    "work_orders_closed": _("work orders closed"),
    "on_time_rate": _("on-time rate"),
    "reopen_rate": _("reopen rate"),
    "satisfaction": _("satisfaction"),
}
KIND_LABELS = [("community", _("communities")), ("organization", _("organizations"))]


def _percent(value):
    """A rate 0.950 as the percentage 95.0 (what a spreadsheet reader expects under "%")."""
    try:
        return (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return value


def _yes_no(value):
    return gettext("yes") if value else gettext("no")


# Column names have their own context: "name" or "projects" as a column header may read differently
# from the same word elsewhere in the catalog.
COLUMNS = {
    column.code: column
    for column in (
        Column("region", pgettext_lazy("export column", "area code")),
        Column("name", pgettext_lazy("export column", "name")),
        Column("level", pgettext_lazy("export column", "level"), choice_label(Region.Level)),
        Column("month", pgettext_lazy("export column", "month")),
        Column("from", pgettext_lazy("export column", "period start")),
        Column("to", pgettext_lazy("export column", "period end")),
        Column("needs_published", pgettext_lazy("export column", "needs published")),
        Column("needs_awarded", pgettext_lazy("export column", "needs awarded")),
        Column("needs_failed", pgettext_lazy("export column", "needs failed")),
        Column("median_days_to_award", pgettext_lazy("export column", "median days to award")),
        Column("hours_confirmed", pgettext_lazy("export column", "hours confirmed")),
        Column("beneficiaries_served", pgettext_lazy("export column", "beneficiaries served")),
        Column("funds_in", pgettext_lazy("export column", "money in (yuan)")),
        Column("funds_out", pgettext_lazy("export column", "money out (yuan)")),
        Column("certified_enterprises", pgettext_lazy("export column", "certified social enterprises")),
        Column("work_orders", pgettext_lazy("export column", "work orders")),
        Column("on_time_rate", pgettext_lazy("export column", "on-time rate (%)"), _percent),
        Column("reopen_rate", pgettext_lazy("export column", "reopen rate (%)"), _percent),
        Column("satisfaction", pgettext_lazy("export column", "satisfaction (1–5)")),
        Column("organization", pgettext_lazy("export column", "organization ID")),
        Column("awards", pgettext_lazy("export column", "awards")),
        Column("projects_active", pgettext_lazy("export column", "active projects")),
        Column("projects_completed", pgettext_lazy("export column", "completed projects")),
        Column("contract_amount", pgettext_lazy("export column", "contract amount (yuan)")),
        Column("paid_amount", pgettext_lazy("export column", "amount paid (yuan)")),
        Column("certified_social_enterprise", pgettext_lazy("export column", "certified social enterprise"), _yes_no),
        Column("worker", pgettext_lazy("export column", "worker ID")),
        Column("records", pgettext_lazy("export column", "service records")),
        Column("projects", pgettext_lazy("export column", "projects")),
        Column("kind", pgettext_lazy("export column", "scorecards of"), choice_label(KIND_LABELS)),
        Column("code", pgettext_lazy("export column", "code")),
        Column("total", pgettext_lazy("export column", "total score")),
    )
}
# A scorecard's columns per component: "<component>_<raw figure>" and these.
COMPONENT_FIGURES = {
    "score": (pgettext_lazy("export column", "score (0–100)"), None),
    "weight": (pgettext_lazy("export column", "policy weight (%)"), None),
    "effective_weight": (pgettext_lazy("export column", "effective weight (%)"), None),
    "contribution": (pgettext_lazy("export column", "contribution"), None),
}
RAW_DISPLAY = {"on_time_rate": _percent, "reopen_rate": _percent}
RAW_UNITS = {"on_time_rate": "%", "reopen_rate": "%", "mean_rating": "1–5", "satisfaction": "1–5"}


def _component_column(code: str) -> Column | None:
    """``dispatch_on_time_rate`` → "Dispatch results: on-time rate (%)", in the request's language."""
    for component, component_label in COMPONENT_LABELS.items():
        if not code.startswith(f"{component}_"):
            continue
        figure = code.removeprefix(f"{component}_")
        if figure in COMPONENT_FIGURES:
            label, display = COMPONENT_FIGURES[figure]
        elif figure in RAW_LABELS:
            label, display = RAW_LABELS[figure], RAW_DISPLAY.get(figure)
            if figure in RAW_UNITS:
                label = gettext("%(label)s (%(unit)s)") % {"label": label, "unit": RAW_UNITS[figure]}
        else:
            return None
        return Column(
            code, gettext("%(component)s: %(figure)s") % {"component": component_label, "figure": label}, display
        )
    return None


def table_columns(codes: Iterable[str]) -> list[Column]:
    """The column of each code of a stats download (a code without a label keeps its code)."""
    return [COLUMNS.get(code) or _component_column(code) or Column(code, code) for code in codes]
