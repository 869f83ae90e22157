"""Demo: a community cooperative with a share register, a transfer, last year's recorded profit
(with its financial statement) and last year's distribution: declared by the community's staff,
approved by the fund manager, one dividend paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cooperatives.services import (
    cooperative_create,
    distribution_approve,
    distribution_create,
    dividend_pay,
    holder_add,
    profit_record,
    share_transfer_create,
)
from apps.core.demo import DemoContext, demo_step

# A minimal PDF: the demo's financial statement (uploads are checked by content).
STATEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@demo_step("cooperatives", after=("accounts",))
def seed(ctx: DemoContext) -> None:
    community = ctx.data["communities"][0]
    staff = ctx.users["yulin_staff"]
    coop = cooperative_create(
        actor=staff,
        name=f"{community.name}股份经济合作社",
        community=community,
        registered_capital=Decimal("1200000.00"),
        registered_on=dt.date(2016, 5, 18),
    )
    holders = [
        holder_add(
            actor=staff,
            cooperative=coop,
            name=f"{community.name}居民委员会",
            holder_type="community",
            shares=5100,
            certificate_no="YLDL-0001",
        ),
        holder_add(
            actor=staff,
            cooperative=coop,
            name=ctx.data["organizations"][3].name,
            holder_type="company",
            shares=1500,
            certificate_no="YLDL-0002",
        ),
    ]
    resident_user = ctx.users.get("worker")
    for i in range(7):
        holders.append(
            holder_add(
                actor=staff,
                cooperative=coop,
                name=resident_user.display_name if i == 0 and resident_user else ctx.person_name(),
                holder_type="resident",
                shares=[333, 487, 250, 512, 199, 401, 318][i],
                certificate_no=f"YLDL-{i + 3:04d}",
                holder_user=resident_user if i == 0 else None,
            )
        )
    share_transfer_create(actor=staff, cooperative=coop, from_holder=holders[3], to_holder=holders[2], shares=87)
    year = ctx.today.year - 1
    profit_record(
        actor=staff,
        cooperative=coop,
        fiscal_year=year,
        amount=Decimal("386420.37"),
        statement=SimpleUploadedFile(f"{year}年度财务报表.pdf", STATEMENT_PDF, content_type="application/pdf"),
    )
    distribution = distribution_create(
        actor=staff,
        cooperative=coop,
        fiscal_year=year,
        distributable_profit=Decimal("386420.37"),
        prior_losses=Decimal("41250.00"),
    )
    distribution = distribution_approve(actor=ctx.users["fund_manager"], distribution=distribution)
    # One holder has been paid already (through the ledger); the others wait for the manager.
    first = distribution.allocations.filter(amount__gt=0).order_by("pk").first()
    if first is not None:
        dividend_pay(actor=staff, allocation=first)
    ctx.data["cooperatives"] = [coop]
