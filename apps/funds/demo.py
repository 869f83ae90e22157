"""Demo books: every community fund gets income outside Stripe, donations (some restricted to a
purpose, some named, some anonymous), a refund and a Stripe fee. Grants are reserved when the
bidding demo awards a need and paid when the projects' demo accepts milestones (apps.funds.payouts)."""

from __future__ import annotations

from apps.funds.models import Donation, Fund
from apps.funds.services import donation_book_fee, donation_book_payment, donation_book_refund, fund_income_record
from apps.ledger.services import digest_make

PURPOSES = ["", "", "elderly", "children_youth", "community_building"]


def seed(ctx) -> None:
    rng = ctx.rng
    funds = list(Fund.objects.order_by("code"))
    donations_per_fund = 6  # the large size adds its donations in bulk (apps/core/large_demo.py)
    for fi, fund in enumerate(funds):
        fund_income_record(
            fund=fund,
            amount_fen=rng.randint(20, 80) * 1_000_00,
            source="街道办事处拨款",
            memo="年度社区基金注资",
            idempotency_key=f"demo-grant-{fund.code}",
            user=ctx.users.get("fund_manager"),
        )
        for i in range(donations_per_fund):
            amount = rng.choice([50, 100, 200, 500, 1000, 2000]) * 100
            named = rng.random() < 0.4
            d = Donation.objects.create(
                fund=fund,
                amount_fen=amount,
                purpose=rng.choice(PURPOSES),
                donor_name=ctx.person_name() if named else "",
                anonymous=not named,
                stripe_session_id=f"cs_demo_{fi}_{i}",
            )
            d = donation_book_payment(
                donation=d, gross_fen=amount, payment_intent=f"pi_demo_{fi}_{i}", charge=f"ch_demo_{fi}_{i}"
            )
            donation_book_fee(donation=d, fee_fen=amount * 6 // 1000)
            if i == 0:
                donation_book_refund(donation=d, refunded_total_fen=amount // 2, object_id=f"ch_demo_{fi}_{i}")
    digest_make(date=ctx.today)
    ctx.data["funds"] = funds
