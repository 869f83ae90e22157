"""Demo books: every community gets a fund; every fund gets income outside Stripe, donations (some
restricted to a purpose, some named, some anonymous), a refund and a Stripe fee. Grants are
reserved when the bidding demo awards a need and paid when the projects' demo accepts milestones
(apps.funds.payouts).

The large size adds a fund to each new community and, once its projects exist, bulk-loads its
books (``seed_large``): donations with their Stripe fees, a grant reservation per funded project,
a payout per accepted milestone, a release when a project was terminated, and first the income
that covers them, through the ledger's ``transfers_bulk_load``.

The city size books its books through the live paths instead, with the ledger's triggers on
(``seed_city_books``): each fund's yearly income and each funded award's reservation one by one
(``fund_income_record``, ``award_reserve``, ``grant_release``), and the bulk of it, the donations
(gift and Stripe fee) and the milestone payouts, in batches of the ledger's batched path
(``transfers_append_batch``, ``milestone_payouts_book``), one transaction per batch. Those
transfers are dated when the seed books them (the chain is append-only); the donations' payment
dates and the milestones' acceptance dates keep the year's history."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from apps.core.demo import DemoContext, aware, demo_step
from apps.core.money import decimal_to_fen
from apps.funds.models import Donation, Fund, GivingSchedule, Income, ReceiptCounter
from apps.funds.payouts import award_reserve, grant_release
from apps.funds.services import (
    donation_book_fee,
    donation_book_payment,
    donation_book_refund,
    fund_account,
    fund_bank_account,
    fund_book,
    fund_income_record,
    giving_invoice_book,
    giving_payment_failed,
    giving_schedule_link,
    organization_account,
    receipt_no_format,
    stripe_account,
)
from apps.ledger.batch import BatchTransfer, transfers_append_batch
from apps.ledger.services import BulkTransfer, digest_make, transfers_bulk_load
from apps.projects.payout_run import milestone_payouts_book
from apps.regions.models import Region

PURPOSES = ["", "", "elderly", "children_youth", "community_building"]
# Order of a book's transfers made at the same second: money comes in before it is reserved, etc.
GROUPS = ("income", "gift", "fee", "reserve", "payout", "release")


@demo_step("funds.community", after=("regions",))
def seed_community_funds(ctx: DemoContext) -> None:
    for community in Region.objects.filter(level="community").order_by("pk"):
        Fund.objects.create(code=f"fund-{community.code}", name=f"{community.name}基金", community=community)


@demo_step("funds", after=("accounts", "funds.community"))
def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    funds = list(Fund.objects.order_by("code"))
    donations_per_fund = 6  # the large size adds its donations in bulk (seed_large)
    for fi, fund in enumerate(funds):
        fund_income_record(
            fund=fund,
            amount_fen=rng.randint(20, 80) * 1_000_00,
            source="街道办事处拨款",
            memo="年度社区基金注资",
            idempotency_key=f"demo-grant-{fund.code}",
            actor=ctx.users.get("fund_manager"),
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
    _seed_monthly_donor(ctx, funds[0])
    digest_make(date=ctx.today)
    ctx.data["funds"] = funds


def _seed_monthly_donor(ctx: DemoContext, fund) -> None:
    """A monthly donor (定期捐赠): six paid months and one failed payment, booked through the
    services the Stripe webhook calls (no network: the ids are made up)."""
    schedule = GivingSchedule.objects.create(
        fund=fund,
        amount_fen=200_00,
        currency=fund.currency,
        purpose="elderly",
        donor_name="王秀英",
        anonymous=False,
        email="monthly.donor@example.org",
        stripe_session_id="cs_demo_monthly",
    )
    schedule = giving_schedule_link(
        schedule=schedule, subscription_id="sub_demo_monthly", customer_id="cus_demo_monthly"
    )
    # the six months were paid a month apart, the latest today (within this year: the receipt
    # numbers carry the year they were booked in); each donation carries the day Stripe took it,
    # as the webhook passes an invoice's ``status_transitions.paid_at``. The ledger dates each
    # transfer when it is booked (the chain is append-only): today, for all six.
    start_of_year = timezone.localtime(ctx.now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    for month in range(1, 7):
        giving_invoice_book(
            schedule=schedule,
            invoice_id=f"in_demo_monthly_{month}",
            amount_fen=schedule.amount_fen,
            payment_intent=f"pi_demo_monthly_{month}",
            charge=f"ch_demo_monthly_{month}",
            subscription_id="sub_demo_monthly",
            next_payment_at=ctx.now + dt.timedelta(days=30),
            paid_at=max(ctx.now - dt.timedelta(days=30 * (6 - month)), start_of_year),
        )
    giving_payment_failed(schedule=schedule, next_payment_at=ctx.now + dt.timedelta(days=3))


@demo_step("funds.large_city", size="large", after=("regions.large", "funds.community"))
def seed_large_city(ctx: DemoContext) -> None:
    communities = ctx.data["large_city"]["new_communities"]
    Fund.objects.bulk_create([Fund(code=f"fund-{c.code}", name=f"{c.name}基金", community=c) for c in communities])
    ctx.data["large_city"]["communities"] = list(
        Region.objects.filter(level="community").select_related("fund").order_by("code")
    )


def _gift(at: dt.datetime, key: str, kind: str, phase: str, legs, memo: str, reference: str, **extra) -> BulkTransfer:
    return BulkTransfer(
        key=key,
        kind=kind,
        phase=phase,
        legs=legs,
        created_at=at.replace(microsecond=0),
        memo=memo,
        reference=reference,
        **extra,
    )


@demo_step("funds.large", size="large", after=("funds", "funds.large_city", "projects.large"), atomic=False)
def seed_large(ctx: DemoContext) -> None:
    ctx.log(f"{ctx.size} demo: ledger …")
    if ctx.city:
        seed_city_books(ctx)
    else:
        with transaction.atomic():
            _large_books(ctx)


def _donations(ctx: DemoContext, funds: list, n: int) -> list:
    """``n`` paid donations over two years (their Stripe fees known), with receipt numbers in
    payment order per fund and year, inserted."""
    rng, now = ctx.rng, ctx.now
    rows = []
    for i in range(n):
        fund = funds[rng.randrange(len(funds))]
        amount = rng.choice([50, 100, 200, 500, 1000, 2000]) * 100
        named = rng.random() < 0.4
        paid = now - dt.timedelta(days=rng.randint(0, 720), seconds=rng.randrange(86400))
        rows.append(
            Donation(
                fund=fund,
                amount_fen=amount,
                purpose=rng.choice(PURPOSES[2:]) if rng.random() < 0.05 else "",
                donor_name=ctx.person_name() if named else "",
                anonymous=not named,
                status="paid",
                stripe_session_id=f"cs_large_{i}",
                payment_intent_id=f"pi_large_{i}",
                charge_id=f"ch_large_{i}",
                fee_fen=amount * 6 // 1000,
                paid_at=paid.replace(microsecond=0),
            )
        )
    rows.sort(key=lambda d: d.paid_at)
    counters: dict[tuple[int, int], int] = {}
    for d in rows:
        year = timezone.localtime(d.paid_at).year
        if (d.fund_id, year) not in counters:
            counters[(d.fund_id, year)] = ReceiptCounter.objects.get_or_create(fund=d.fund, year=year)[0].last
        counters[(d.fund_id, year)] += 1
        d.receipt_no = receipt_no_format(d.fund.code, year, counters[(d.fund_id, year)])
    for (fund_id, year), last in counters.items():
        ReceiptCounter.objects.filter(fund_id=fund_id, year=year).update(last=last)
    return ctx.insert(Donation, rows, "donations")


def _large_books(ctx: DemoContext) -> None:
    """The large city's books, as apps.funds/apps.ledger services would have written them: same
    keys, legs, fingerprints and per-book hash chain; receipt numbers in payment order per fund
    and year."""
    rng, now = ctx.rng, ctx.now
    projects = ctx.data["large_projects"]
    funds = list(Fund.objects.order_by("code"))
    stripe = stripe_account()
    specs: dict[int, list[tuple[BulkTransfer, str]]] = defaultdict(list)  # fund id → (transfer, group)
    need_in: dict[int, int] = defaultdict(int)  # fund id → fen its unrestricted account must hold
    rows = _donations(ctx, funds, ctx.count("donations"))
    accounts: dict[tuple[int, str], object] = {}

    def account(fund, purpose=""):
        if (fund.pk, purpose) not in accounts:
            accounts[(fund.pk, purpose)] = fund_account(fund, purpose or None)
        return accounts[(fund.pk, purpose)]

    for d in rows:
        target = account(d.fund, d.purpose)
        ref = f"donation:{d.pk}"
        gift_legs = [(stripe, d.amount_fen), (target, -d.amount_fen)]
        specs[d.fund_id].append(
            (_gift(d.paid_at, f"{ref}:gift", "donation", "single", gift_legs, d.donor_display, ref), "gift")
        )
        fee_legs = [(target, d.fee_fen), (stripe, -d.fee_fen)]
        fee_at = d.paid_at + dt.timedelta(seconds=1)
        specs[d.fund_id].append(
            (_gift(fee_at, f"{ref}:fee", "stripe_fee", "single", fee_legs, "Stripe fee", ref), "fee")
        )
        if not d.purpose:
            need_in[d.fund_id] += d.fee_fen - d.amount_fen

    # Grants: a reservation per funded project, a payout per accepted milestone, a release when terminated.
    org_accounts: dict[int, object] = {}
    fund_by_pk = {f.pk: f for f in funds}
    for project, milestones in projects:
        if project.fund_id is None:
            continue
        fund = fund_by_pk[project.fund_id]
        amount = decimal_to_fen(project.amount)
        if project.organization_id not in org_accounts:
            org_accounts[project.organization_id] = organization_account(project.organization, fund.currency)
        source, org = account(fund), org_accounts[project.organization_id]
        need_in[fund.pk] += amount
        ref = f"project:{project.pk}"
        paid = sum(decimal_to_fen(m.amount) for m in milestones if m.status == "accepted")
        status = "posted" if paid == amount else ("voided" if project.status == "terminated" else "pending")
        reserve_key = f"{ref}:reserve"
        specs[fund.pk].append(
            (
                _gift(
                    project.need.awarded_at,
                    reserve_key,
                    "grant",
                    "pending",
                    [(source, amount), (org, -amount)],
                    project.title,
                    ref,
                    status=status,
                ),
                "reserve",
            )
        )
        for m in milestones:
            if m.status == "accepted":
                fen = decimal_to_fen(m.amount)
                specs[fund.pk].append(
                    (
                        _gift(
                            m.accepted_at,
                            f"milestone:{m.pk}:payout",
                            "grant_payout",
                            "post",
                            [(source, fen), (org, -fen)],
                            f"{project.title} · {m.title}",
                            ref,
                            pending_key=reserve_key,
                        ),
                        "payout",
                    )
                )
        if status == "voided":
            left = amount - paid
            at = min(aware(project.end_date), now) if project.end_date < ctx.today else now - dt.timedelta(hours=1)
            at = max(
                at,
                max([m.accepted_at for m in milestones if m.accepted_at] + [project.need.awarded_at])
                + dt.timedelta(minutes=1),
            )
            specs[fund.pk].append(
                (
                    _gift(
                        at,
                        f"{ref}:release",
                        "grant",
                        "void",
                        [(source, left), (org, -left)],
                        project.title,
                        ref,
                        pending_key=reserve_key,
                    ),
                    "release",
                )
            )

    # Income outside Stripe first, enough for every reservation (as the street's yearly allocation).
    manager = ctx.users.get("fund_manager")
    first_day = now - dt.timedelta(days=800)
    incomes = {}
    for fund in funds:
        if fund.pk not in specs:
            continue
        amount = max(need_in[fund.pk], 0) + rng.randint(20, 80) * 1_000_00
        key = f"large-grant-{fund.code}"
        source, memo = "街道办事处拨款", "年度社区基金注资"
        transfer_key = f"fund:{fund.pk}:income:{key}"
        incomes[fund.pk] = (transfer_key, amount, key, source, memo)
        legs = [(fund_bank_account(fund), amount), (account(fund), -amount)]
        specs[fund.pk].append((_gift(first_day, transfer_key, "income", "single", legs, memo, source), "income"))

    books = {}
    for fund in funds:
        if fund.pk in specs:
            ordered = sorted(specs[fund.pk], key=lambda s: (s[0].created_at, GROUPS.index(s[1])))
            books[fund_book(fund)] = [transfer for transfer, _group in ordered]
    progress = ctx.progress("ledger transfers", sum(len(v) for v in books.values()))
    loaded = transfers_bulk_load(books=books, progress=progress.update)
    for fund in funds:
        if fund.pk in incomes:
            transfer_key, amount, key, source, memo = incomes[fund.pk]
            Income.objects.create(
                fund=fund,
                amount_fen=amount,
                source=source,
                memo=memo,
                idempotency_key=key,
                transfer=loaded[transfer_key],
                recorded_by=manager,
            )
    progress.done()
    ctx.data["large_counts"]["transfers"] = len(loaded)


CITY_BATCH = 1_000  # donations per batch of the ledger's batched path (2,000 transfers)
CITY_ONE_BY_ONE_COMMIT = 500  # incomes, reservations and releases per transaction
# Statistics of the growing ledger tables every so many batches: planned for the few thousand rows
# they had at first, the batch's key lookups and the seal triggers' leg sums scan whole tables
# (1,200 transfers/s instead of 3,800 at scale 0.05, and worse as the books grow).
CITY_ANALYZE_EVERY = 50


def seed_city_books(ctx: DemoContext) -> None:
    """The city's books with the ledger's triggers on (see the module's docstring); about
    ``ctx.count("transfers")`` transfers, of which the donations make up what the incomes and
    grants leave. Each batch of donations is a few funds' (a fund's in payment order) and commits, so a batch's row triggers touch the Stripe balance a few
    thousand times in a transaction, not two million times."""
    rng = ctx.rng
    manager = ctx.users.get("fund_manager")
    funds = list(Fund.objects.order_by("code"))
    funded = [(p, ms) for p, ms in ctx.data["large_projects"] if p.fund_id is not None and p.amount > 0]
    accepted = [m for _p, ms in funded for m in ms if m.status == "accepted" and m.amount > 0]
    releases = [p for p, ms in funded if p.status == "terminated" and any(m.status != "accepted" for m in ms)]
    need_in: dict[int, int] = defaultdict(int)
    for project, _ms in funded:
        need_in[project.fund_id] += decimal_to_fen(project.amount)
    others = len(funds) + len(funded) + len(accepted) + len(releases)
    n_donations = max(1, (ctx.count("transfers") - others) // 2)
    donations = _donations(ctx, funds, n_donations)
    progress = ctx.progress("ledger transfers", others + 2 * n_donations)
    done, started = 0, time.monotonic()

    def lap(label: str, n: int) -> None:
        nonlocal started
        took = time.monotonic() - started
        ctx.log(f"  {label}: {n:,} transfers in {took:.1f} s ({n / max(took, 1e-3):,.0f}/s)")
        started = time.monotonic()

    def one_by_one(items, book) -> None:
        nonlocal done
        for i in range(0, len(items), CITY_ONE_BY_ONE_COMMIT):
            with transaction.atomic():
                for item in items[i : i + CITY_ONE_BY_ONE_COMMIT]:
                    book(item)
            done += len(items[i : i + CITY_ONE_BY_ONE_COMMIT])
            progress.update(done)

    # The street's yearly allocation into every fund, enough for its reservations.
    one_by_one(
        funds,
        lambda fund: fund_income_record(
            fund=fund,
            amount_fen=need_in[fund.pk] + rng.randint(20, 80) * 1_000_00,
            source="街道办事处拨款",
            memo="年度社区基金注资",
            idempotency_key=f"city-grant-{fund.code}",
            actor=manager,
        ),
    )
    lap("incomes, one by one", len(funds))
    # Grants (before the donations, while each fund's books are short): each funded award's
    # reservation, its accepted milestones paid in batches, and what a terminated project left released.
    one_by_one(funded, lambda pm: award_reserve(need=pm[0].need, proposal=pm[0].proposal))
    lap("grant reservations, one by one", len(funded))
    for i in range(0, len(accepted), CITY_BATCH):
        chunk = [m.pk for m in accepted[i : i + CITY_BATCH]]
        _booked(milestone_payouts_book(milestone_ids=chunk), len(chunk))
        done += len(chunk)
        progress.update(done)
    lap("milestone payouts, batched", len(accepted))
    one_by_one(releases, lambda project: grant_release(project=project))
    lap("releases, one by one", len(releases))
    # Donations: the gift in, then the Stripe fee out, as donation_book_payment/donation_book_fee;
    # a fund's donations in payment order, each batch over few funds (few book heads to move).
    stripe = stripe_account()
    accounts: dict[tuple[int, str], object] = {}
    donations = sorted(donations, key=lambda d: (d.fund_id, d.paid_at, d.pk))
    for i in range(0, len(donations), CITY_BATCH):
        if i % (CITY_ANALYZE_EVERY * CITY_BATCH) == 0:
            _analyze("ledger_transfer", "ledger_leg", "ledger_account", "ledger_book")
        items = []
        for d in donations[i : i + CITY_BATCH]:
            if (d.fund_id, d.purpose) not in accounts:
                accounts[(d.fund_id, d.purpose)] = fund_account(d.fund, d.purpose or None)
            target, ref = accounts[(d.fund_id, d.purpose)], f"donation:{d.pk}"
            items.append(
                BatchTransfer(
                    key=f"{ref}:gift",
                    kind="donation",
                    legs=[(stripe, d.amount_fen), (target, -d.amount_fen)],
                    memo=d.donor_display,
                    reference=ref,
                )
            )
            items.append(
                BatchTransfer(
                    key=f"{ref}:fee",
                    kind="stripe_fee",
                    legs=[(target, d.fee_fen), (stripe, -d.fee_fen)],
                    memo="Stripe fee",
                    reference=ref,
                )
            )
        _booked(transfers_append_batch(transfers=items), len(items))
        done += len(items)
        progress.update(done)
    lap("donations and fees, batched", 2 * len(donations))
    progress.done()
    ctx.data["large_counts"]["transfers"] = done


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _booked(outcome, expected: int) -> None:
    """A batch of the demo books all it is given: a refusal is a bug of the demo's figures."""
    if outcome.refused or len(outcome.booked) != expected:
        first = next(iter(outcome.refused.items()), None)
        raise RuntimeError(f"city books: {len(outcome.booked)} of {expected} booked; first refusal {first}")
