"""Joint-evaluation scorecards (绩效联评) per community and per organization.

Five components, each scored 0–100 from a raw figure of the period, then weighted by the policy
values ``scorecard_weight_*`` (which sum to 100). A component with nothing to measure in the
period (no ratings, no milestone due, no hours plan, no closed work order) is left out and the
weights of the others are re-normalised so they sum to 100 again; the scorecard says so.

- rating: the community's ratings of delivery (``DeliveryRating``), mean of 1–5;
  score = (mean − 1) / 4 × 100.
- milestones: milestones due in the period accepted by their due date, divided by milestones due
  in the period; score = share × 100.
- hours: hours confirmed (corrections replace what they supersede) on projects with an hours plan,
  divided by the plan's share of the period (planned hours × days of the project in the period /
  days of the project); score = min(ratio, 1) × 100.
- dispatch (communities only): mean of on-time rate × 100, (1 − reopen rate) × 100 and
  (satisfaction − 1) / 4 × 100 over work orders closed in the period, from the daily rollups.
  Handling units are not linked to organizations, so organizations have no dispatch component.
- residents: the ratings (1–5) of the residents who supported the suggestion behind the need
  (``participation.ResidentRating``), given in the period; score = (mean − 1) / 4 × 100. Its
  weight (``scorecard_weight_residents``) is 0 until a policy version gives it one.

contribution = score × weight / (sum of the weights of the components included); the total is
the sum of the contributions. Every figure is a Decimal, shown as a string.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from apps.core.aggregates import DecimalSum
from apps.core.selectors import policy_current
from apps.organizations.models import Organization
from apps.participation.models import ResidentRating
from apps.projects.models import DeliveryRating, Milestone, ServiceLog
from apps.regions.models import Region
from apps.regions.selectors import within_region
from apps.stats.models import DailyRollup, HoursPlan

COMPONENTS = ("rating", "milestones", "hours", "dispatch", "residents")
KINDS = ("community", "organization")
HUNDRED = Decimal(100)


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _s(value) -> str | None:
    return None if value is None else str(value)


def _rating(row) -> tuple[dict, Decimal | None]:
    count = row.get("count") or 0
    if not count:
        return {"ratings": 0, "mean_rating": None}, None
    mean = Decimal(row["sum"]) / count
    return {"ratings": count, "mean_rating": _s(_q(mean, "0.01"))}, (mean - 1) / 4 * HUNDRED


def _milestones(row) -> tuple[dict, Decimal | None]:
    due = row.get("due") or 0
    raw = {"milestones_due": due, "accepted_on_time": row.get("on_time") or 0}
    if not due:
        return raw, None
    return raw, Decimal(raw["accepted_on_time"]) / due * HUNDRED


def _hours(row) -> tuple[dict, Decimal | None]:
    planned = row.get("planned") or Decimal(0)
    delivered = row.get("delivered") or Decimal(0)
    raw = {"hours_confirmed": _s(_q(Decimal(delivered), "0.01")), "hours_planned": _s(_q(planned, "0.01"))}
    if not planned:
        return raw, None
    return raw, min(Decimal(delivered) / planned, Decimal(1)) * HUNDRED


def _dispatch(row) -> tuple[dict, Decimal | None]:
    closed = row.get("work_orders_closed") or 0
    raw = {"work_orders_closed": closed, "on_time_rate": None, "reopen_rate": None, "satisfaction": None}
    if not closed:
        return raw, None
    on_time = Decimal(row["work_orders_on_time"] or 0) / closed
    reopen = Decimal(row["work_orders_reopened"] or 0) / closed
    parts = [on_time * HUNDRED, (1 - reopen) * HUNDRED]
    raw["on_time_rate"] = _s(_q(on_time, "0.001"))
    raw["reopen_rate"] = _s(_q(reopen, "0.001"))
    if row.get("rating_count"):
        satisfaction = Decimal(row["rating_sum"]) / row["rating_count"]
        raw["satisfaction"] = _s(_q(satisfaction, "0.01"))
        parts.append((satisfaction - 1) / 4 * HUNDRED)
    return raw, sum(parts) / len(parts)


SCORERS = {
    "rating": _rating,
    "milestones": _milestones,
    "hours": _hours,
    "dispatch": _dispatch,
    "residents": _rating,
}


def scorecard_weights(policy=None) -> dict[str, Decimal]:
    policy = policy or policy_current()
    return {c: _q(Decimal(getattr(policy, f"scorecard_weight_{c}")), "0.01") for c in COMPONENTS}


def score_subject(sources: dict[str, dict], weights: dict[str, Decimal], components=COMPONENTS) -> dict:
    """One scorecard from the raw sums of each component."""
    scored = {c: SCORERS[c](sources.get(c, {})) for c in components}
    included = sum((weights[c] for c, (_raw, score) in scored.items() if score is not None), Decimal(0))
    rows, total = [], Decimal(0)
    for c in COMPONENTS:
        if c not in scored:
            rows.append(
                {
                    "component": c,
                    "included": False,
                    "applicable": False,
                    "raw": {},
                    "score": None,
                    "weight": _s(weights[c]),
                    "effective_weight": None,
                    "contribution": None,
                }
            )
            continue
        raw, score = scored[c]
        row = {
            "component": c,
            "applicable": True,
            "raw": raw,
            "weight": _s(weights[c]),
            "included": False,
            "score": None,
            "effective_weight": None,
            "contribution": None,
        }
        if score is not None and included:
            contribution = _q(score * weights[c] / included, "0.01")
            total += contribution
            row |= {
                "included": True,
                "score": _s(_q(score, "0.1")),
                "effective_weight": _s(_q(weights[c] * HUNDRED / included, "0.01")),
                "contribution": _s(contribution),
            }
        rows.append(row)
    return {"total": _s(total) if included else None, "components": rows}


def _period_sources(region: Region, date_from: dt.date, date_to: dt.date, group: str) -> dict[int, dict]:
    """Raw sums per subject (``group`` is the project field naming it), in a fixed number of
    queries whatever the number of subjects."""
    in_region = within_region(region, via="project__community")
    sources: dict[int, dict] = defaultdict(dict)
    for row in (
        DeliveryRating.objects.filter(in_region, rated_on__gte=date_from, rated_on__lte=date_to)
        .values(key=F(f"project__{group}"))
        .annotate(sum=Sum("rating"), count=Count("id"))
    ):
        sources[row["key"]]["rating"] = row
    for row in (
        ResidentRating.objects.filter(
            within_region(region, via="milestone__project__community"),
            created_at__date__gte=date_from,
            created_at__date__lte=date_to,
        )
        .values(key=F(f"milestone__project__{group}"))
        .annotate(sum=Sum("rating"), count=Count("id"))
    ):
        sources[row["key"]]["residents"] = row

    for row in (
        Milestone.objects.filter(in_region, due_date__gte=date_from, due_date__lte=date_to)
        .values(key=F(f"project__{group}"))
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(status=Milestone.Status.ACCEPTED, accepted_at__date__lte=F("due_date"))),
        )
    ):
        sources[row["key"]]["milestones"] = row
    plans = list(
        HoursPlan.objects.filter(
            in_region, project__start_date__lte=date_to, project__end_date__gte=date_from
        ).values_list("project_id", f"project__{group}", "planned_hours", "project__start_date", "project__end_date")
    )
    delivered = dict(
        ServiceLog.objects.counted()
        .filter(project_id__in=[p[0] for p in plans], date__gte=date_from, date__lte=date_to)
        .values("project_id")
        .annotate(hours=DecimalSum("hours"))
        .values_list("project_id", "hours")
    )
    for project_id, key, planned, start, end in plans:
        days = (end - start).days + 1
        overlap = (min(end, date_to) - max(start, date_from)).days + 1
        hours = sources[key].setdefault("hours", {"planned": Decimal(0), "delivered": Decimal(0)})
        hours["planned"] += Decimal(planned) * overlap / days
        hours["delivered"] += delivered.get(project_id) or Decimal(0)
    return sources


def scorecards(*, region: Region, date_from: dt.date, date_to: dt.date, kind: str, policy=None) -> dict:
    """Scorecards of every community in ``region`` (kind "community") or of every organization
    with a project there in the period (kind "organization"), best first."""
    weights = scorecard_weights(policy)
    if kind == "community":
        sources = _period_sources(region, date_from, date_to, "community_id")
        for row in (
            DailyRollup.objects.filter(within_region(region, via="community"), date__gte=date_from, date__lte=date_to)
            .values("community_id")
            .annotate(
                **{
                    f: Sum(f)
                    for f in (
                        "work_orders_closed",
                        "work_orders_on_time",
                        "work_orders_reopened",
                        "rating_sum",
                        "rating_count",
                    )
                }
            )
        ):
            sources[row["community_id"]]["dispatch"] = row
        subjects = [
            {"id": r.pk, "code": r.code, "name": r.name}
            for r in Region.objects.filter(within_region(region), level=Region.Level.COMMUNITY).order_by("code")
        ]
        components = COMPONENTS
    else:
        sources = _period_sources(region, date_from, date_to, "organization_id")
        subjects = [
            {"id": o.pk, "code": o.credit_code, "name": o.name}
            for o in Organization.objects.filter(
                within_region(region, via="projects__community"),
                projects__start_date__lte=date_to,
                projects__end_date__gte=date_from,
            )
            .distinct()
            .order_by("name", "pk")
        ]
        components = ("rating", "milestones", "hours", "residents")
    results = [subject | score_subject(sources.get(subject["id"], {}), weights, components) for subject in subjects]
    results.sort(key=lambda r: (r["total"] is None, -Decimal(r["total"] or 0), r["name"]))
    return {"kind": kind, "weights": {c: str(w) for c, w in weights.items()}, "results": results}
