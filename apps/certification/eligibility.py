"""Automatic eligibility checks of a certification application against one policy version.

Each rule gives ``{rule, passed, detail}``. The caller chooses the policy: the one in force for a
draft, the version frozen at submission afterwards — so a later policy change never re-judges an
application already submitted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.dates import local_date
from apps.core.models import PolicyVersion
from apps.core.money import decimal_to_fen, format_yuan

RULES = (
    "legal_form",
    "organization_verified",
    "min_years_operating",
    "min_salaried_staff",
    "min_commercial_income_percent",
    "dividend_cap",
    "mission_in_articles",
    "asset_lock",
)


def _result(rule: str, passed: bool, detail: str) -> dict:
    return {"rule": rule, "passed": bool(passed), "detail": str(detail)}


def _percent(value: Decimal) -> str:
    """70 from 70.00, 66.67 kept: a percentage without needless decimals."""
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def _yuan(amount: Decimal) -> str:
    return format_yuan(decimal_to_fen(amount))


def years_operating_met(registered_on: dt.date, on: dt.date, years: int) -> bool:
    """Operating at least ``years`` full years on ``on`` (the anniversary itself counts)."""
    return registered_on + relativedelta(years=years) <= on


def judge(
    *,
    organization,
    policy: PolicyVersion,
    on: dt.date,
    salaried_staff: int,
    revenue_total: Decimal,
    revenue_commercial: Decimal,
    profit_distributable: Decimal,
    profit_distributed: Decimal,
    mission_in_articles: bool,
    asset_lock: bool,
) -> list[dict]:
    results = []
    labels = dict(type(organization).LegalForm.choices)
    results.append(
        _result(
            "legal_form",
            organization.legal_form in policy.legal_forms,
            _("Legal form: %(form)s; accepted: %(allowed)s.")
            % {
                "form": organization.get_legal_form_display(),
                "allowed": pgettext("list separator", ", ").join(
                    str(labels.get(code, code)) for code in policy.legal_forms
                ),
            },
        )
    )
    results.append(
        _result(
            "organization_verified",
            organization.is_verified,
            _("The organization's registration is verified.")
            if organization.is_verified
            else _("The organization's registration is not verified yet."),
        )
    )
    years = policy.min_years_operating
    results.append(
        _result(
            "min_years_operating",
            years_operating_met(organization.registered_on, on, years),
            _("Registered on %(date)s; at least %(years)s year(s) of operation required.")
            % {"date": local_date(organization.registered_on), "years": years},
        )
    )
    results.append(
        _result(
            "min_salaried_staff",
            salaried_staff >= policy.min_salaried_staff,
            _("%(staff)s salaried staff; at least %(min)s required.")
            % {"staff": salaried_staff, "min": policy.min_salaried_staff},
        )
    )
    share_min = Decimal(policy.min_commercial_income_percent)
    if revenue_total > 0:
        share = (Decimal(revenue_commercial) * 100 / Decimal(revenue_total)).quantize(Decimal("0.01"))
        commercial_ok = Decimal(revenue_commercial) * 100 >= share_min * Decimal(revenue_total)
        detail = _("Commercial income is %(share)s%% of revenue; at least %(min)s%% required.") % {
            "share": _percent(share),
            "min": _percent(share_min),
        }
    else:
        commercial_ok = False
        detail = _("No revenue reported; at least %(min)s%% must come from commercial income.") % {
            "min": _percent(share_min)
        }
    results.append(_result("min_commercial_income_percent", commercial_ok, detail))
    cap = Decimal(policy.dividend_cap_percent)
    dividend_ok = Decimal(profit_distributed) * 100 <= cap * Decimal(profit_distributable)
    results.append(
        _result(
            "dividend_cap",
            dividend_ok,
            _("Distributed %(paid)s of %(profit)s distributable profit; at most %(cap)s%% allowed.")
            % {"paid": _yuan(profit_distributed), "profit": _yuan(profit_distributable), "cap": _percent(cap)},
        )
    )
    results.append(
        _result(
            "mission_in_articles",
            mission_in_articles,
            _("The articles state the social mission.")
            if mission_in_articles
            else _("The articles must state the social mission."),
        )
    )
    results.append(
        _result(
            "asset_lock",
            asset_lock,
            _("The articles lock the assets to the mission.")
            if asset_lock
            else _("The articles must lock the assets to the mission."),
        )
    )
    return results


def judge_application(application, *, policy: PolicyVersion, on: dt.date) -> list[dict]:
    return judge(
        organization=application.organization,
        policy=policy,
        on=on,
        salaried_staff=application.salaried_staff,
        revenue_total=application.revenue_total,
        revenue_commercial=application.revenue_commercial,
        profit_distributable=application.profit_distributable,
        profit_distributed=application.profit_distributed,
        mission_in_articles=application.mission_in_articles,
        asset_lock=application.asset_lock,
    )


def failed_rules(results: list[dict]) -> list[dict]:
    return [r for r in results if not r["passed"]]
