"""Money never appears without a source (issue 18): a stateful property test over every service
that moves money, and the audit of which accounts may go negative.

The machine drives random sequences of donations (booked as the Stripe webhook books them, with
``donation_book_payment``), fees, refunds and refund holds (resolved by the fund or covered by the
host), income outside Stripe, revenue-share reports (submit, approve, settle), a cooperative's
recorded profit, declared / approved / rejected distributions and dividend payouts, and grants
(reserved at award, paid per milestone, released). There is no expense service yet (expense
claims come with a later issue), so none is driven. After every step it checks:

1. no party's account is negative (and only outside accounts may go negative at all);
2. the trial balance is zero: the balances of all accounts sum to zero per currency;
3. every fen held by a party can be traced to an outside source. Definition: walk the posted
   transfers in order. Money *enters* through a debit to an outside account (Stripe, a bank, a
   cooperative's external revenue) or to the host foundation's refund cover (the host's own
   money). A party account that is debited passes on at most what it holds traced; what it
   passes is "traced" money of that transfer, which goes to the party accounts credited in it.
   Claims (the revenue-share receivable and payable) are promises, not money, and are skipped.
   Then each party account's traced money must equal its balance: not one fen in a fund, an
   organization, a cooperative or a holder's account came from an account that went negative
   or from nowhere. Reservations (pending transfers) move no money until posted.

Deterministic (``derandomize``) and bounded; raise HYPOTHESIS_EXAMPLES for a longer run.
"""

import datetime as dt
import itertools
import os
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from apps.cooperatives import services as coop_services
from apps.cooperatives.booking import cooperative_account, holder_dividend_account
from apps.cooperatives.models import Distribution, DistributionAllocation
from apps.core.errors import StateConflict, ValidationFailed
from apps.funds import payouts
from apps.funds.models import Donation, RefundHold
from apps.funds.services import (
    donation_book_payment,
    donation_book_refund,
    fund_account,
    fund_bank_account,
    fund_income_record,
    host_cover_account,
    organization_account,
    refund_hold_resolve,
    stripe_account,
)
from apps.ledger.models import Account, Leg, Transfer
from apps.ledger.selectors import ledger_verify
from apps.projects.models import Milestone, Project
from apps.revenue.booking import fund_receivable_account, organization_payable_account
from apps.revenue.models import RevenueShareReport
from apps.revenue.services import (
    revenue_report_approve,
    revenue_report_settle,
    revenue_report_submit,
    revenue_share_create,
)
from tests.factories.core import OrganizationFactory
from tests.factories.projects import grant_bid, project_with_milestones

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (owner_type, kind) of every account the money services create, by what it stands for.
OUTSIDE = {  # the outside world: the only accounts that may go negative
    ("platform", "stripe_balance"),
    ("fund", "bank"),
    ("cooperative", "external_revenue"),
    ("cooperative", "bank"),
}
HOST = {("host_cover", "refund_cover")}  # a party (never negative) that pays from its own means
CLAIMS = {("fund_receivable", "receivable:revenue_share"), ("organization", "revenue_share_payable")}
MONEY = {  # parties holding money (credit-normal)
    ("organization", "grants_received"),
    ("cooperative", "undistributed_profit"),
    ("cooperative", "statutory_reserve"),
    ("cooperative", "losses_covered"),
    ("cooperative", "retained_earnings"),
    ("coop_holder", "dividends_payable"),
}


def role(account: Account) -> str:
    key = (account.owner_type, account.kind)
    if account.owner_type == "fund" and (account.kind == "available" or account.kind.startswith("restricted:")):
        return "money"
    for name, kinds in (("outside", OUTSIDE), ("host", HOST), ("claim", CLAIMS), ("money", MONEY)):
        if key in kinds:
            return name
    raise AssertionError(f"unclassified account kind {key}: say whether it stands for the outside world or a party")


def traced_money() -> dict[int, int]:
    """Per party account holding money, how much of it is traced to an outside source."""
    accounts = {a.pk: a for a in Account.objects.all()}
    legs = defaultdict(list)
    for transfer_id, account_id, amount in (
        Leg.objects.filter(transfer__phase__in=["single", "post"])
        .order_by("id")
        .values_list("transfer_id", "account_id", "amount")
    ):
        legs[transfer_id].append((accounts[account_id], amount))
    traced: dict[int, int] = defaultdict(int)
    for transfer_id in sorted(legs):
        entering, receivers = 0, []
        for account, amount in legs[transfer_id]:
            kind = role(account)
            if kind in ("outside", "host") and amount > 0:
                entering += amount
            elif kind == "money" and amount > 0:
                passed = min(amount, traced[account.pk])
                traced[account.pk] -= passed
                entering += passed
            elif kind == "money":
                receivers.append((account, -amount))
        for account, amount in receivers:
            given = min(amount, entering)
            traced[account.pk] += given
            entering -= given
    return traced


def make_machine(ctx):
    ids = itertools.count(1)

    class MoneyMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.report_days = itertools.count(2)
            self.free_years = list(range(ctx.founded.year, timezone.localdate().year))

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        # ------------------------------------------------------------------ fund income
        @rule(amount=st.integers(100, 200_000), purpose=st.sampled_from(["", "elderly"]), fee_percent=st.integers(0, 5))
        def donate(self, amount, purpose, fee_percent):
            n = next(ids)
            donation = Donation.objects.create(
                fund=ctx.fund, amount_fen=amount, purpose=purpose, stripe_session_id=f"cs_m{n}"
            )
            donation_book_payment(
                donation=donation, gross_fen=amount, payment_intent=f"pi_m{n}", fee_fen=amount * fee_percent // 100
            )

        @rule(data=st.data(), percent=st.integers(1, 100))
        def refund(self, data, percent):
            paid = list(Donation.objects.filter(receipt_no__isnull=False).order_by("pk"))
            if not paid:
                return
            donation = data.draw(st.sampled_from(paid))
            held = sum(h.amount_fen for h in donation.holds.filter(resolved=False))
            total = min(donation.amount_fen, donation.refunded_fen + held + donation.amount_fen * percent // 100)
            donation_book_refund(donation=donation, refunded_total_fen=total, object_id=f"re_m{next(ids)}")

        @rule(data=st.data(), resolution=st.sampled_from(["fund", "host"]))
        def resolve_hold(self, data, resolution):
            open_holds = list(RefundHold.objects.filter(resolved=False).order_by("pk"))
            if not open_holds:
                return
            hold = data.draw(st.sampled_from(open_holds))
            try:
                refund_hold_resolve(hold=hold, actor=ctx.manager, resolution=resolution)
            except StateConflict:
                assert resolution == "fund"  # the fund still can't give it back: the hold stays open

        @rule(amount=st.integers(1, 300_000), purpose=st.sampled_from(["", "elderly"]))
        def income(self, amount, purpose):
            fund_income_record(
                fund=ctx.fund, amount_fen=amount, source="bank", idempotency_key=f"inc-m{next(ids)}", purpose=purpose
            )

        # ------------------------------------------------------------------ revenue share
        @rule(revenue=st.integers(0, 5_000_000), settle=st.booleans())
        def revenue_report(self, revenue, settle):
            day = timezone.localdate() - dt.timedelta(days=next(self.report_days))
            report = revenue_report_submit(
                actor=ctx.enterprise_admin,
                agreement=ctx.agreement,
                period_start=day,
                period_end=day,
                revenue=Decimal(revenue) / 100,
            )
            revenue_report_approve(actor=ctx.manager, report=report)
            if settle:
                revenue_report_settle(actor=ctx.manager, report=report)

        @rule(data=st.data())
        def settle_later(self, data):
            approved = list(RevenueShareReport.objects.filter(status="approved").order_by("pk"))
            if approved:
                revenue_report_settle(actor=ctx.manager, report=data.draw(st.sampled_from(approved)))

        # ------------------------------------------------------------------ cooperative
        @rule(amount=st.integers(1, 10_000_000))
        def coop_profit(self, amount):
            if not self.free_years:
                return
            year = self.free_years.pop()
            coop_services.profit_record(
                actor=ctx.staff,
                cooperative=ctx.coop,
                fiscal_year=year,
                amount=Decimal(amount) / 100,
                statement=SimpleUploadedFile(f"{year}.pdf", PDF, content_type="application/pdf"),
            )

        @rule(data=st.data(), percent=st.integers(1, 130), losses=st.integers(0, 100_000))
        def declare(self, data, percent, losses):
            declared_years = set(
                ctx.coop.distributions.exclude(status="rejected").values_list("fiscal_year", flat=True)
            )
            years = [
                p.fiscal_year for p in ctx.coop.profits.order_by("fiscal_year") if p.fiscal_year not in declared_years
            ]
            if not years:
                return
            year = data.draw(st.sampled_from(years))
            available = coop_services.profit_available(ctx.coop, year)
            amount = (available * percent / 100).quantize(Decimal("0.01"))
            kwargs = {"fiscal_year": year, "distributable_profit": amount, "prior_losses": Decimal(losses) / 100}
            if amount > available:
                with pytest.raises(ValidationFailed):  # a 400 naming what is left
                    coop_services.distribution_create(actor=ctx.staff, cooperative=ctx.coop, **kwargs)
                return
            coop_services.distribution_create(actor=ctx.staff, cooperative=ctx.coop, **kwargs)

        @rule(data=st.data(), approve=st.booleans())
        def decide(self, data, approve):
            declared = list(Distribution.objects.filter(status="declared").order_by("pk"))
            if not declared:
                return
            distribution = data.draw(st.sampled_from(declared))
            if approve:
                coop_services.distribution_approve(actor=ctx.manager, distribution=distribution)
            else:
                coop_services.distribution_reject(actor=ctx.manager, distribution=distribution, reason="与报表不符")

        @rule(data=st.data())
        def pay_dividend(self, data):
            owed = list(
                DistributionAllocation.objects.filter(
                    distribution__status="approved", paid_at__isnull=True, amount__gt=0
                ).order_by("pk")
            )
            if owed:
                coop_services.dividend_pay(actor=ctx.staff, allocation=data.draw(st.sampled_from(owed)))

        # ------------------------------------------------------------------ grants
        @rule(
            parts=st.lists(st.integers(1, 100_000), min_size=1, max_size=3),
            category=st.sampled_from(["elderly", "children_youth"]),
        )
        def award(self, parts, category):
            proposal = grant_bid(
                community=ctx.community,
                fund=ctx.fund,
                organization=ctx.organization,
                total=Decimal(sum(parts)) / 100,
                created_by=ctx.staff,
                category=category,
            )
            try:
                payouts.award_reserve(need=proposal.need, proposal=proposal)
            except payouts.FundShortfall:
                return
            project_with_milestones(
                proposal=proposal, amounts=[Decimal(part) / 100 for part in parts], milestone_title="m{i}"
            )

        @rule(data=st.data())
        def pay_milestone(self, data):
            reserved = [
                m
                for m in Milestone.objects.filter(project__fund=ctx.fund).order_by("pk")
                if not Transfer.objects.filter(key=f"milestone:{m.pk}:payout").exists()
                and payouts.project_reservation(m.project).status == "pending"
            ]
            if reserved:
                payouts.milestone_payout(milestone=data.draw(st.sampled_from(reserved)))

        @rule(data=st.data(), before_project=st.booleans())
        def release(self, data, before_project):
            projects = list(Project.objects.filter(fund=ctx.fund).order_by("pk"))
            if not projects:
                return
            project = data.draw(st.sampled_from(projects))
            if before_project:
                payouts.award_release(proposal=project.proposal)  # an upheld objection or a cancelled award
            else:
                payouts.grant_release(project=project)

        # ------------------------------------------------------------------ invariants
        @invariant()
        def no_party_is_negative(self):
            for account in Account.objects.all():
                kind = role(account)
                if kind == "outside":
                    continue
                assert not account.may_go_negative, account.code
                assert account.normal_balance >= 0 and account.available >= 0, account.code

        @invariant()
        def trial_balance_is_zero(self):
            totals = defaultdict(int)
            for currency, balance in Account.objects.values_list("currency", "balance"):
                totals[currency] += balance
            assert all(total == 0 for total in totals.values()), dict(totals)

        @invariant()
        def every_fen_is_traced_to_an_outside_source(self):
            traced = traced_money()
            for account in Account.objects.all():
                if role(account) == "money":
                    assert traced[account.pk] == account.normal_balance, (account.code, traced[account.pk])

        @invariant()
        def the_books_verify(self):
            report = ledger_verify()
            assert report["ok"], report["faults"][:3]

    return MoneyMachine


class Ctx:
    pass


@pytest.fixture
def ctx(city, make_user):
    c = Ctx()
    c.fund, c.community = city.fund, city.community
    c.staff = make_user("community_staff", community=city.community)
    c.manager = make_user("fund_manager", fund=city.fund)
    c.organization = OrganizationFactory(region=city.district)
    enterprise = OrganizationFactory(region=city.district, legal_form="company")
    c.enterprise_admin = make_user("org_admin", organization=enterprise)
    today = timezone.localdate()
    c.agreement = revenue_share_create(
        actor=c.manager,
        organization=enterprise,
        fund=city.fund,
        fund_share_percent=30,
        start=today - dt.timedelta(days=3650),
        end=today + dt.timedelta(days=365),
    )
    c.founded = dt.date(today.year - 6, 1, 1)
    c.coop = coop_services.cooperative_create(
        actor=c.staff, name="玉林合作社", community=city.community, registered_capital=1000, registered_on=c.founded
    )
    for name, holder_type, shares, cert in (
        ("社区", "community", 51, "A1"),
        ("李娜", "resident", 30, "A2"),
        ("王伟", "resident", 19, "A3"),
    ):
        coop_services.holder_add(
            actor=c.staff, cooperative=c.coop, name=name, holder_type=holder_type, shares=shares, certificate_no=cert
        )
    return c


@pytest.mark.django_db
def test_money_never_appears_without_a_source(ctx):
    run_state_machine_as_test(
        make_machine(ctx),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=20,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.django_db
def test_only_outside_accounts_may_go_negative(ctx):
    """The audit: each account kind a money service creates, with the flag its role demands."""
    holder = ctx.coop.holders.first()
    accounts = [
        stripe_account(),
        fund_bank_account(ctx.fund),
        fund_account(ctx.fund),
        fund_account(ctx.fund, "elderly"),
        organization_account(ctx.organization),
        host_cover_account(ctx.fund),
        fund_receivable_account(ctx.fund),
        organization_payable_account(ctx.organization),
        holder_dividend_account(holder),
        *(
            cooperative_account(ctx.coop, kind)
            for kind in (
                "external_revenue",
                "bank",
                "undistributed_profit",
                "statutory_reserve",
                "losses_covered",
                "retained_earnings",
            )
        ),
    ]
    wrong = [a.code for a in accounts if a.may_go_negative != (role(a) == "outside")]
    assert wrong == []
