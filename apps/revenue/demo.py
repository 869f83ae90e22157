"""Demo: the social enterprise shares revenue with 玉林东路社区基金 (approved, settled, pending)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.core.demo import DemoContext, demo_step
from apps.revenue.services import (
    revenue_report_approve,
    revenue_report_return,
    revenue_report_settle,
    revenue_report_submit,
    revenue_share_create,
)


@demo_step("revenue", after=("accounts",))
def seed(ctx: DemoContext) -> None:
    community = ctx.data["communities"][0]
    enterprise = ctx.data["organizations"][3]
    manager = ctx.users["fund_manager"]
    admin = ctx.users["enterprise_admin"]
    quarter_starts = [ctx.today.replace(day=1) - dt.timedelta(days=90 * k) for k in (4, 3, 2, 1)]
    quarter_starts = [d.replace(day=1) for d in quarter_starts]
    agreement = revenue_share_create(
        actor=manager,
        organization=enterprise,
        fund=community.fund,
        fund_share_percent=Decimal("15.00"),
        start=quarter_starts[0],
        end=ctx.today + dt.timedelta(days=365),
        parties=[{"name": "玉林街道集体资产管理公司", "percent": Decimal("5.00")}],
    )
    reports = []
    for start, end in zip(quarter_starts, [*quarter_starts[1:], ctx.today.replace(day=1)], strict=True):
        revenue = Decimal(ctx.rng.randint(8_000_000, 20_000_000)) / 100
        reports.append(
            revenue_report_submit(
                actor=admin,
                agreement=agreement,
                period_start=start,
                period_end=end - dt.timedelta(days=1),
                revenue=revenue,
            )
        )
    revenue_report_settle(actor=manager, report=revenue_report_approve(actor=manager, report=reports[0]))
    revenue_report_settle(actor=manager, report=revenue_report_approve(actor=manager, report=reports[1]))
    revenue_report_approve(actor=manager, report=reports[2])
    revenue_report_return(actor=manager, report=reports[3], reason="请补充本季度营业收入明细及发票")
    ctx.data["revenue_shares"] = [agreement]
