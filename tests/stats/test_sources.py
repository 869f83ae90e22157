"""The oversight figures for hours, money and work orders come from those domains' tables and
match them exactly (money to the fen, as the ledger has it)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.funds.selectors import fund_summary
from apps.funds.services import fund_income_record
from apps.projects.models import ServiceLog
from apps.stats.services import rollup_rebuild
from tests.factories.projects import make_project


def test_hours_money_and_work_orders_reach_the_dashboard(api, city, make_user, organization, worker_factory):
    today = timezone.localdate()
    worker = worker_factory(organization=organization)
    project = make_project(community=city.community, organization=organization, workers=[worker])
    for hours, status in ((2, "confirmed"), (3, "confirmed"), (4, "approved")):
        ServiceLog.objects.create(
            worker=worker,
            project=project,
            date=today,
            start_time=dt.time(8 + hours),
            end_time=dt.time(8 + 2 * hours),
            place="活动室",
            content="探访",
            beneficiaries_served=hours,
            hours=Decimal(hours),
            status=status,
        )
    fund_income_record(fund=city.fund, amount_fen=123456, source="bank", idempotency_key="stats-1")
    fund_income_record(fund=city.other_fund, amount_fen=100, source="bank", idempotency_key="stats-2")
    category = DispatchCategory.objects.create(code="noise", name="噪音扰民", respond_hours=2, resolve_hours=24)
    now = timezone.now()
    reporter = make_user("community_staff", community=city.community)
    unit = Unit.objects.create(code="unit-test", name="城管科", kind="street_office", region=city.street)
    base = {"community": city.community, "category": category, "description": "噪音", "reporter": reporter}
    closed = {**base, "lead_unit": unit}
    WorkOrder.objects.create(
        **closed,
        status="closed",
        handled_at=now,
        resolve_by=now + dt.timedelta(hours=1),
        closed_at=now,
        rating=4,
        resolved=True,
    )
    WorkOrder.objects.create(
        **closed,
        status="closed",
        handled_at=now,
        resolve_by=now - dt.timedelta(hours=1),
        closed_at=now,
        rating=2,
        resolved=True,
        reopened_count=1,
    )
    WorkOrder.objects.create(**base, status="reported")
    rollup_rebuild(date_from=today - dt.timedelta(days=1), date_to=today)

    staff = api.as_user(make_user("platform_staff"))
    figures = staff.get(f"/api/v1/stats/?region={city.street.code}&from={today}&to={today}").json()
    assert figures["hours_confirmed"] == "5.00"
    assert figures["beneficiaries_served"] == 5
    assert figures["funds_in"] == "1234.56"
    ledger_in = fund_summary(city.fund)["total_in"]
    assert figures["funds_in"] == f"{Decimal(ledger_in) / 100:.2f}"
    assert figures["work_orders"] == 3
    assert figures["on_time_rate"] == "0.500"
    assert figures["reopen_rate"] == "0.500"
    assert figures["satisfaction"] == "3.00"
    other_street = staff.get(f"/api/v1/stats/?region={city.other_street.code}&from={today}&to={today}").json()
    assert other_street["funds_in"] == "1.00" and other_street["work_orders"] == 0


def test_organization_and_worker_figures(api, city, make_user, organization, worker_factory):
    today = timezone.localdate()
    worker = worker_factory(organization=organization)
    project = make_project(community=city.community, organization=organization, workers=[worker], fund=city.fund)
    ServiceLog.objects.create(
        worker=worker,
        project=project,
        date=today,
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        place="活动室",
        content="探访",
        beneficiaries_served=6,
        hours=Decimal("2.50"),
        status="confirmed",
    )
    period = f"from={today.replace(month=1, day=1)}&to={today}"
    org = api.get(f"/api/v1/stats/organizations/{organization.pk}/?{period}").json()
    assert org["projects_active"] == 1 and org["contract_amount"] == "100000.00"
    assert org["hours_confirmed"] == "2.50" and org["beneficiaries_served"] == 6
    assert org["certified_social_enterprise"] is False
    csv_body = api.get(
        f"/api/v1/stats/organizations/{organization.pk}/?{period}&format=csv&headers=codes"
    ).content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("organization,name,from,to,awards")

    url = f"/api/v1/stats/workers/{worker.pk}/?{period}"
    mine = api.as_user(worker.user).get(url).json()
    assert (mine["hours_confirmed"], mine["records"], mine["projects"]) == ("2.50", 1, 1)
    assert api.as_user(make_user("org_admin", organization=organization)).get(url).status_code == 200
    assert api.as_user(make_user()).get(url).status_code == 403
    assert api.get(url).status_code == 401
    assert api.get("/api/v1/stats/organizations/999999/").status_code == 404
