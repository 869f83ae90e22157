"""Books for accountants (#23): trial balance, general ledger, fund statement, account codes of
民间非营利组织会计制度, built through the real money services (donations, fees, income, grants,
payouts, refunds) at chosen days."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from apps.core.accounting import ledger_account_codes_default, validate_ledger_account_codes
from apps.core.selectors import policy_current
from apps.core.services import policy_update
from apps.funds import payouts
from apps.funds.models import Donation
from apps.funds.selectors import fund_book
from apps.funds.services import donation_book_payment, donation_book_refund, fund_income_record
from apps.ledger import books
from apps.ledger.models import Account, Leg
from apps.notifications.models import Notification
from tests.factories.core import OrganizationFactory
from tests.factories.projects import grant_bid, project_with_milestones
from tests.ledger.test_money_state_machine import CLAIMS, HOST, MONEY, OUTSIDE

pytestmark = pytest.mark.django_db
TB = "/api/v1/ledger/trial-balance/"
GL = "/api/v1/ledger/general-ledger.csv"


def at_day(monkeypatch, day: dt.date, hour: int = 10):
    """Book what follows at ``hour`` o'clock on ``day`` (Asia/Shanghai)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


class Scene:
    pass


def _donate(fund, amount, *, purpose="", fee=0):
    donation = Donation.objects.create(
        fund=fund, amount_fen=amount, purpose=purpose, stripe_session_id=f"cs_{Donation.objects.count()}_{amount}"
    )
    return donation_book_payment(donation=donation, gross_fen=amount, payment_intent=f"pi_{donation.pk}", fee_fen=fee)


@pytest.fixture
def scene(city, make_user, monkeypatch):
    s = Scene()
    s.fund, s.other_fund = city.fund, city.other_fund
    s.manager = make_user("fund_manager", fund=city.fund)
    s.staff = make_user("platform_staff")
    s.outsider = make_user("community_staff", community=city.community)
    s.organization = OrganizationFactory(region=city.district)
    today = timezone.localdate()
    s.days = [today - dt.timedelta(days=n) for n in (10, 5, 2)]
    s.before = today - dt.timedelta(days=20)
    # Day 1: two gifts by card with Stripe's fees, one restricted to the elderly.
    at_day(monkeypatch, s.days[0])
    s.donation = _donate(s.fund, 100_000, fee=600)
    _donate(s.fund, 50_000, purpose="elderly", fee=300)
    # Day 2: a gift by bank transfer, a grant awarded (reserved) and its first milestone paid.
    at_day(monkeypatch, s.days[1])
    fund_income_record(fund=s.fund, amount_fen=30_000, source="bank", idempotency_key="inc-1")
    proposal = grant_bid(
        community=city.community, fund=s.fund, organization=s.organization, total=Decimal("400.00"), created_by=s.staff
    )
    payouts.award_reserve(need=proposal.need, proposal=proposal)
    project = project_with_milestones(proposal=proposal, amounts=[Decimal("250.00"), Decimal("150.00")])
    payouts.milestone_payout(milestone=project.milestones.order_by("position").first())
    # Day 3: part of the first gift refunded; a gift to the other fund (not in this fund's book).
    at_day(monkeypatch, s.days[2])
    donation_book_refund(donation=s.donation, refunded_total_fen=20_000, object_id="re_1")
    _donate(s.other_fund, 70_000, fee=420)
    monkeypatch.undo()
    return s


def legs_by_account(book: str | None, day: dt.date) -> dict[str, int]:
    """The expected balances, summed here from the legs one by one (not the selector's SQL)."""
    end = books.day_end(day)
    book_accounts = set(Account.objects.filter(book=book).values_list("pk", flat=True)) if book else set()
    by_transfer = defaultdict(list)
    for leg in Leg.objects.select_related("transfer", "account"):
        by_transfer[leg.transfer_id].append(leg)
    totals = defaultdict(int)
    for legs in by_transfer.values():
        t = legs[0].transfer
        if t.phase not in ("single", "post") or t.created_at >= end:
            continue
        if book and t.book != book and not any(leg.account_id in book_accounts for leg in legs):
            continue
        for leg in legs:
            totals[leg.account.code] += leg.amount
    return {code: total for code, total in totals.items() if total}


def _fen(text: str) -> int:
    return int(Decimal(text) * 100)


@pytest.mark.parametrize("whole", [False, True])
def test_trial_balance_at_three_dates_is_the_sum_of_the_legs(api, scene, whole):
    user, book = (scene.staff, None) if whole else (scene.manager, fund_book(scene.fund))
    for day in scene.days:
        data = api.as_user(user).get(TB, {"at": day.isoformat(), **({"book": book} if book else {})}).json()
        got = {a["account"]: _fen(a["debit"]) - _fen(a["credit"]) for a in data["accounts"]}
        assert got == legs_by_account(book, day)
        assert data["total_debit"] == data["total_credit"]
        assert _fen(data["total_debit"]) == sum(v for v in got.values() if v > 0) > 0
    codes = {a["kind"]: (a["code"], a["name"]) for a in data["accounts"] if a["owner_type"] in ("fund", "platform")}
    assert codes["available"] == ("3101", "非限定性净资产")
    assert codes["restricted:elderly"] == ("3102", "限定性净资产")
    assert codes["stripe_balance"] == ("1009", "其他货币资金")
    assert codes["bank"] == ("1002", "银行存款")
    # the money moved by day: the fund's unrestricted money after the payout and the refund
    fund_money = Account.objects.get(owner_type="fund", owner_id=str(scene.fund.pk), kind="available")
    assert legs_by_account(fund_book(scene.fund), scene.days[2])[fund_money.code] == fund_money.balance


def test_before_the_first_transfer_the_trial_balance_is_empty_and_balanced(api, scene):
    data = api.as_user(scene.staff).get(TB, {"at": scene.before.isoformat()}).json()
    assert data == {
        "at": scene.before.isoformat(),
        "book": None,
        "accounts": [],
        "total_debit": "0.00",
        "total_credit": "0.00",
    }


def test_who_reads_which_book(api, scene, city, make_user):
    own = fund_book(scene.fund)
    other_manager = make_user("fund_manager", fund=city.other_fund)
    manager = api.as_user(scene.manager)
    assert manager.get(TB).json()["book"] == own  # their own fund's book by default
    assert manager.get(TB, {"book": own}).status_code == 200
    assert manager.get(TB, {"book": "main"}).status_code == 403
    assert manager.get(GL, {"book": "main"}).status_code == 403
    assert api.as_user(scene.outsider).get(TB, {"book": own}).status_code == 403
    assert api.as_user(scene.outsider).get(TB).status_code == 403
    assert api.get(TB).status_code in (401, 403)
    staff = api.as_user(scene.staff)
    assert staff.get(TB).json()["book"] is None
    assert staff.get(TB, {"book": own}).status_code == 200
    assert staff.get(TB, {"book": "fund:nope"}).status_code == 404
    assert api.as_user(other_manager).get(TB, {"book": own}).status_code == 403
    assert api.as_user(other_manager).get(TB).json()["book"] == fund_book(city.other_fund)


def test_a_bad_date_is_a_400_in_the_users_language(api, scene):
    response = api.as_user(scene.staff).get(TB, {"at": "2026-13-01"})
    assert response.status_code == 400
    assert "日期" in str(response.json())
    response = api.as_user(scene.staff).get(TB, {"at": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "YYYY-MM-DD" in str(response.json())
    assert api.as_user(scene.staff).get(GL, {"from": "x"}).status_code == 400


def test_an_unbalanced_trial_balance_is_a_500_with_an_alarm(api, scene, monkeypatch, caplog):
    real = books.balances_at
    first = Account.objects.order_by("pk").first().pk
    monkeypatch.setattr(books, "balances_at", lambda **kw: {**real(**kw), first: real(**kw).get(first, 0) + 1})
    client = api.as_user(scene.staff)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="apps.ledger.books"):
        response = client.get(TB, {"at": scene.days[2].isoformat()})
    assert response.status_code == 500
    assert any("out of balance" in r.getMessage() for r in caplog.records)
    assert Notification.objects.filter(user=scene.staff, kind="system").exists()


# --------------------------------------------------------------------------- property


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    bookings=st.lists(
        st.tuples(
            st.integers(0, 6),  # day offset
            st.sampled_from(["donate", "income", "refund"]),
            st.integers(100, 500_000),
            st.sampled_from(["", "elderly"]),
            st.integers(0, 5),  # fee percent
        ),
        min_size=1,
        max_size=12,
    ),
    look=st.integers(-1, 7),
)
def test_debits_equal_credits_whatever_is_booked(city, monkeypatch, bookings, look):
    start = timezone.localdate() - dt.timedelta(days=10)
    with transaction.atomic():
        for n, (offset, what, amount, purpose, fee) in enumerate(sorted(bookings, key=lambda b: b[0])):
            at_day(monkeypatch, start + dt.timedelta(days=offset))
            if what == "donate":
                _donate(city.fund, amount, purpose=purpose, fee=amount * fee // 100)
            elif what == "income":
                fund_income_record(
                    fund=city.fund, amount_fen=amount, source="bank", idempotency_key=f"p{n}", purpose=purpose
                )
            else:
                paid = Donation.objects.filter(receipt_no__isnull=False).order_by("pk").first()
                if paid:
                    total = min(paid.amount_fen, paid.refunded_fen + amount)
                    donation_book_refund(donation=paid, refunded_total_fen=total, object_id=f"re{n}")
        monkeypatch.undo()
        day = start + dt.timedelta(days=look)
        for book in (None, fund_book(city.fund)):
            report = books.trial_balance(at=day, book=book)
            assert report["total_debit"] == report["total_credit"]
            assert {r.account: r.debit - r.credit for r in report["accounts"]} == legs_by_account(book, day)
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- general ledger


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_general_ledger_running_balances_and_headers(api, scene):
    staff = api.as_user(scene.staff)
    params = {"from": scene.days[1].isoformat(), "to": scene.days[2].isoformat(), "headers": "codes"}
    rows = _csv(staff.get(GL, params))
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in header}
    assert header[:3] == ["code", "code_name", "account"]

    def signed(row):  # the side and the amount, as printed, back to a debit-positive balance
        return {"debit": 1, "credit": -1, "zero": 0}[row[col["balance_side"]]] * _fen(row[col["balance"]])

    by_account = defaultdict(list)
    for row in body:
        by_account[row[col["account"]]].append(row)
    opening = books.balances_at(before=books.day_start(scene.days[1]))
    closing = legs_by_account(None, scene.days[2])
    codes = dict(Account.objects.values_list("pk", "code"))
    for account, lines in by_account.items():
        first, rest = lines[0], lines[1:]
        assert first[col["transfer"]] == ""  # the opening line
        pk = next(pk for pk, code in codes.items() if code == account)
        assert signed(first) == opening.get(pk, 0)
        balance = opening.get(pk, 0)
        for line in rest:
            balance += _fen(line[col["debit"]]) - _fen(line[col["credit"]])
            assert signed(line) == balance
        assert balance == closing.get(account, 0)
    kinds = {row[col["kind"]] for row in body}
    assert {"grant_payout", "refund", "income"} <= kinds
    fee_rows = [r for r in body if r[col["kind"]] == "grant_payout"]
    assert {r[col["kind_code"]] for r in fee_rows} == {"5101"}

    chinese = _csv(staff.get(GL, {k: v for k, v in params.items() if k != "headers"}))
    assert chinese[0][:2] == ["科目代码", "科目名称"]
    assert "资助拨付" in {r[8] for r in chinese[1:]}
    assert {r[col["balance_side"]] for r in chinese[1:]} <= {"借", "贷", "平"}
    assert not any(r[8] == "grant_payout" for r in chinese[1:])
    one = _csv(staff.get(GL, {**params, "account": codes[opening and next(iter(opening))]}))
    assert len({r[col["account"]] for r in one[1:]}) == 1


def test_fund_manager_general_ledger_is_their_book(api, scene):
    rows = _csv(api.as_user(scene.manager).get(GL, {"from": scene.before.isoformat(), "headers": "codes"}))
    books_seen = {r[rows[0].index("book")] for r in rows[1:] if r[rows[0].index("transfer")]}
    assert books_seen == {fund_book(scene.fund)}


# --------------------------------------------------------------------------- statement


def test_statement_opening_plus_transfers_is_closing(api, scene):
    url = f"/api/v1/funds/{scene.fund.pk}/statement.xlsx"
    response = api.as_user(scene.manager).get(url, {"from": scene.days[1].isoformat(), "to": scene.days[2].isoformat()})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    col = {name: i for i, name in enumerate(header)}
    opening, lines, closing = rows[3], rows[4:-1], rows[-1]
    assert opening[3] == "期初余额" and closing[3] == "期末余额"
    balance = Decimal(opening[col["余额（元）"]])
    for line in lines:
        balance += Decimal(line[col["收入（元）"]]) - Decimal(line[col["支出（元）"]])
        assert Decimal(line[col["余额（元）"]]) == balance
    assert balance == Decimal(closing[col["余额（元）"]])
    held = -sum(
        Account.objects.filter(owner_type="fund", owner_id=str(scene.fund.pk))
        .exclude(kind="bank")
        .values_list("balance", flat=True)
    )
    assert balance == Decimal(held) / 100
    kinds = {line[col["类型"]] for line in lines}
    assert {"资助拨付", "退款", "收入"} <= kinds
    payout = next(line for line in lines if line[col["类型"]] == "资助拨付")
    assert payout[col["收支科目代码"]] == "5101" and payout[col["对方科目代码"]] == "2209"
    assert payout[col["账本哈希"]] and len(payout[col["账本哈希"]]) == 64
    restricted = workbook.worksheets[1]
    purposes = {r[0]: r[1:] for r in restricted.iter_rows(min_row=2, values_only=True)}
    assert len(purposes) == 1
    ((opening_r, into, out, closing_r),) = purposes.values()
    # 500 given for the elderly less the 3 yuan fee; the grant for the elderly paid its first 250 from it
    assert (Decimal(opening_r), Decimal(into), Decimal(out)) == (Decimal("497"), 0, Decimal("250"))
    assert Decimal(opening_r) + Decimal(into) - Decimal(out) == Decimal(closing_r) == Decimal("247")


def test_statement_access(api, scene):
    url = f"/api/v1/funds/{scene.fund.pk}/statement.xlsx"
    assert api.as_user(scene.staff).get(url).status_code == 200
    assert api.as_user(scene.outsider).get(url).status_code == 403
    assert api.as_user(scene.manager).get(url, {"from": "2026-02-30"}).status_code == 400
    assert api.as_user(scene.staff).get("/api/v1/funds/999999/statement.xlsx").status_code == 404


# --------------------------------------------------------------------------- books page, codes


def test_books_page_and_csv_show_names_and_codes_not_kinds(client, scene):
    page = client.get(f"/funds/{scene.fund.pk}/").content.decode()
    assert "支付手续费" in page and "资助拨付" in page
    assert "stripe_fee" not in page and "grant_payout" not in page
    text = client.get(f"/funds/{scene.fund.pk}/transfers.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "stripe_fee" not in text
    header = rows[0]
    fees = [r for r in rows[1:] if r[header.index("类型")] == "支付手续费"]
    assert {r[header.index("收支科目代码")] for r in fees} == {"5301"}
    assert {r[header.index("基金科目代码")] for r in fees} == {"3101", "3102"}  # unrestricted and for the elderly
    codes = list(
        csv.reader(
            io.StringIO(client.get(f"/funds/{scene.fund.pk}/transfers.csv?headers=codes").content.decode("utf-8-sig"))
        )
    )
    assert "stripe_fee" in {r[codes[0].index("kind")] for r in codes[1:]}


def test_account_codes_are_policy_data_with_a_validator(make_user):
    validate_ledger_account_codes(ledger_account_codes_default())
    staff = make_user("platform_staff")
    mapping = ledger_account_codes_default()
    mapping["transfers"]["stripe_fee"] = "5201"
    mapping["names"]["5201"] = ["管理费用", "Administrative expenses"]
    new = policy_update(actor=staff, changes={"ledger_account_codes": mapping})
    assert policy_current().pk == new.pk and new.ledger_account_codes["transfers"]["stripe_fee"] == "5201"
    for broken in (
        {"accounts": {}},
        {**mapping, "transfers": {"donation": "41x"}},
        {**mapping, "transfers": {"donation": "4999"}},  # no name
        {**mapping, "accounts": {k: v for k, v in mapping["accounts"].items() if k != "fund:bank"}},
    ):
        with pytest.raises(Exception) as raised:
            policy_update(actor=staff, changes={"ledger_account_codes": broken})
        assert "ValidationError" in type(raised.value).__name__ or "ValidationFailed" in type(raised.value).__name__


def test_every_account_the_services_create_has_a_code():
    mapping = ledger_account_codes_default()
    for owner_type, kind in OUTSIDE | HOST | CLAIMS | MONEY | {("fund", "available"), ("fund", "restricted:x")}:
        key = f"{owner_type}:{kind}"
        assert key in mapping["accounts"] or any(
            k.endswith("*") and key.startswith(k[:-1]) for k in mapping["accounts"]
        ), key
