"""Each eligibility rule at its boundary, and policy versions: judged by the one in force at submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation

from apps.certification.eligibility import judge
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from tests.factories.core import OrganizationFactory

GOOD = {
    "salaried_staff": 3,
    "revenue_total": Decimal("10000.00"),
    "revenue_commercial": Decimal("5000.00"),
    "profit_distributable": Decimal("10000.00"),
    "profit_distributed": Decimal("3500.00"),
    "mission_in_articles": True,
    "asset_lock": True,
}


def _rule(results, rule):
    return next(r for r in results if r["rule"] == rule)


def _judge(org, **overrides):
    return judge(organization=org, policy=policy_current(), on=timezone.localdate(), **(GOOD | overrides))


@pytest.fixture
def company(city):
    return OrganizationFactory(legal_form="company", region=city.district)


def test_defaults_at_every_threshold_pass(company):
    results = _judge(company)
    assert all(r["passed"] for r in results), results


@pytest.mark.parametrize(
    ("rule", "passing", "failing"),
    [
        ("min_salaried_staff", {"salaried_staff": 3}, {"salaried_staff": 2}),
        (
            "min_commercial_income_percent",
            {"revenue_commercial": Decimal("5000.00")},
            {"revenue_commercial": Decimal("4999.99")},
        ),
        ("dividend_cap", {"profit_distributed": Decimal("3500.00")}, {"profit_distributed": Decimal("3500.01")}),
        ("mission_in_articles", {"mission_in_articles": True}, {"mission_in_articles": False}),
        ("asset_lock", {"asset_lock": True}, {"asset_lock": False}),
    ],
)
def test_rule_passes_at_threshold_and_fails_one_step_below(company, rule, passing, failing):
    assert _rule(_judge(company, **passing), rule)["passed"] is True
    failed = _rule(_judge(company, **failing), rule)
    assert failed["passed"] is False
    assert failed["detail"]


def test_years_operating_counts_the_anniversary_itself(city):
    today = timezone.localdate()
    exactly = OrganizationFactory(
        legal_form="company", region=city.district, registered_on=today - relativedelta(years=1)
    )
    one_day_short = OrganizationFactory(
        legal_form="company", region=city.district, registered_on=today - relativedelta(years=1) + dt.timedelta(days=1)
    )
    assert _rule(_judge(exactly), "min_years_operating")["passed"] is True
    assert _rule(_judge(one_day_short), "min_years_operating")["passed"] is False


def test_no_revenue_fails_commercial_share(company):
    result = _rule(
        _judge(company, revenue_total=Decimal("0"), revenue_commercial=Decimal("0")), "min_commercial_income_percent"
    )
    assert result["passed"] is False


def test_no_distributable_profit_allows_no_dividend(company):
    zero = {"profit_distributable": Decimal("0")}
    assert _rule(_judge(company, profit_distributed=Decimal("0"), **zero), "dividend_cap")["passed"] is True
    assert _rule(_judge(company, profit_distributed=Decimal("0.01"), **zero), "dividend_cap")["passed"] is False


@pytest.mark.parametrize(("form", "allowed"), [("company", True), ("social_service_org", True), ("foundation", False)])
def test_legal_form_allowed(city, form, allowed):
    org = OrganizationFactory(legal_form=form, region=city.district)
    assert _rule(_judge(org), "legal_form")["passed"] is allowed


def test_unverified_organization_fails(city):
    org = OrganizationFactory(legal_form="company", region=city.district, status="pending")
    assert _rule(_judge(org), "organization_verified")["passed"] is False


def test_thresholds_come_from_the_policy(company):
    policy_current()
    PolicyVersion.objects.create(version=2, min_salaried_staff=5, min_commercial_income_percent=60)
    results = _judge(company)
    assert _rule(results, "min_salaried_staff")["passed"] is False
    assert _rule(results, "min_commercial_income_percent")["passed"] is False


def _new_policy(**values):
    latest = policy_current()
    return PolicyVersion.objects.create(version=latest.version + 1, **values)


def test_draft_create_answers_with_eligibility(flow):
    response = flow.as_applicant.post(
        "/api/v1/certifications/",
        {"organization": flow.enterprise.pk, **flow.facts, "salaried_staff": 2},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert {k: v for k, v in _rule(body["eligibility"], "min_salaried_staff").items() if k != "detail"} == {
        "rule": "min_salaried_staff",
        "passed": False,
    }


def test_submit_refused_with_failed_rules(flow):
    pk = flow.create(salaried_staff=2, asset_lock=False)
    body = flow.post(flow.as_applicant, pk, "submit", expect=409)
    assert sorted(body["failed_rules"]) == ["asset_lock", "min_salaried_staff"]
    assert body["detail"]


def test_policy_change_after_submission_changes_nothing(flow):
    pk = flow.create(salaried_staff=3)
    submitted = flow.post(flow.as_applicant, pk, "submit")
    version = submitted["policy_version"]
    _new_policy(min_salaried_staff=10, certification_pass_score=95)
    # Returned and edited: still judged by the version frozen at submission.
    flow.post(flow.as_staff, pk, "preliminary", {"decision": "return", "note": "补充章程"})
    patched = flow.as_applicant.patch(f"/api/v1/certifications/{pk}/", {"mission_statement": "修订"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["policy_version"] == version
    assert all(r["passed"] for r in patched.json()["eligibility"])
    resubmitted = flow.post(flow.as_applicant, pk, "submit")
    assert resubmitted["status"] == "submitted"
    assert resubmitted["policy_version"] == version
    # The pass score is the frozen one too (60, not 95).
    flow.post(flow.as_staff, pk, "preliminary", {"decision": "pass"})
    flow.post(flow.as_staff, pk, "panel", {"reviewers": [r.pk for r in flow.reviewers]})
    flow.score_all(pk, (70, 70, 70))
    assert flow.post(flow.as_staff, pk, "decide")["status"] == "notice"


def test_draft_is_judged_by_the_policy_in_force_when_submitted(flow):
    pk = flow.create(salaried_staff=3)
    _new_policy(min_salaried_staff=4)
    body = flow.post(flow.as_applicant, pk, "submit", expect=409)
    assert body["failed_rules"] == ["min_salaried_staff"]


def _details(org, **overrides) -> dict:
    return {r["rule"]: r["detail"] for r in _judge(org, **overrides)}


def test_details_read_as_chinese_dates_yuan_and_whole_percentages(city):
    org = OrganizationFactory(legal_form="company", region=city.district, registered_on=dt.date(2024, 6, 18))
    PolicyVersion.objects.create(
        version=policy_current().version + 1,
        allowed_legal_forms="company,social_service_org,cooperative",
        min_commercial_income_percent=50,
        dividend_cap_percent=35,
    )
    facts = {
        "revenue_total": Decimal("10000.00"),
        "revenue_commercial": Decimal("7000.00"),
        "profit_distributable": Decimal("200000.00"),
        "profit_distributed": Decimal("50000.00"),
    }
    with translation.override("zh-hans"):
        zh = _details(org, **facts)
    with translation.override("en"):
        en = _details(org, **facts)
    assert "登记日期 2024年6月18日" in zh["min_years_operating"]
    assert "可分配利润 ¥200,000.00 中已分配 ¥50,000.00" in zh["dividend_cap"]
    assert "不得超过 35%。" in zh["dividend_cap"]
    assert zh["min_commercial_income_percent"] == "经营性收入占总收入 70%；至少须 50%。"
    assert "可申请的形式：公司、社会服务机构、合作社。" in zh["legal_form"]
    assert "Registered on 18 Jun 2024;" in en["min_years_operating"]
    assert en["dividend_cap"] == "Distributed ¥50,000.00 of ¥200,000.00 distributable profit; at most 35% allowed."
    assert en["min_commercial_income_percent"] == "Commercial income is 70% of revenue; at least 50% required."
    assert ", " in en["legal_form"] and "、" not in en["legal_form"]


def test_a_share_with_decimals_keeps_them(company):
    share = _details(company, revenue_commercial=Decimal("6666.67"))["min_commercial_income_percent"]
    assert "66.67%" in share
