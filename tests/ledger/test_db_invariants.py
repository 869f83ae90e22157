"""Each invariant attempted behind the service's back (ORM and raw SQL) fails at the database."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.ledger.models import Account, Leg, Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import transfer_pending, transfer_post, transfer_void


@pytest.fixture
def booked(accounts):
    bank = accounts("bank", normal="debit", may_go_negative=True)
    fund = accounts("fund", book="fund:a")
    org = accounts("org", may_go_negative=True)
    t = transfer_post(key="in", kind="income", legs=[(bank, 1000), (fund, -1000)])
    return bank, fund, org, t


def refused(sql_or_callable, params=()):
    with pytest.raises(DatabaseError), transaction.atomic():
        if callable(sql_or_callable):
            sql_or_callable()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql_or_callable, params)


def raw_transfer(key, *, sealed=False, **extra):
    fields = {
        "key": key,
        "kind": "x",
        "phase": "single",
        "status": "posted",
        "reference": "",
        "memo": "",
        "book": "raw",
        "sequence": 1,
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
        "fingerprint": "f" * 64,
        "sealed": sealed,
        "created_at": timezone.now(),
    }
    fields.update(extra)
    return Transfer.objects.create(**fields)


def leg(transfer, account, amount):
    """A leg behind the services' back, dated as its transfer (as the database requires)."""
    return Leg.objects.create(transfer=transfer, account=account, amount=amount, created_at=transfer.created_at)


def test_posted_transfer_cannot_be_updated_or_deleted(booked):
    t = booked[3]
    refused(lambda: Transfer.objects.filter(pk=t.pk).update(memo="changed"))
    refused(lambda: Transfer.objects.filter(pk=t.pk).update(status="voided"))
    refused(lambda: Transfer.objects.filter(pk=t.pk).delete())
    refused("UPDATE ledger_transfer SET memo = 'x' WHERE id = %s", [t.pk])
    refused("UPDATE ledger_transfer SET sealed = %s WHERE id = %s", [False, t.pk])
    refused("DELETE FROM ledger_transfer WHERE id = %s", [t.pk])


def test_legs_cannot_be_updated_deleted_or_added_to_sealed(booked):
    bank, fund, org, t = booked
    first = t.legs.first()
    refused(lambda: Leg.objects.filter(pk=first.pk).update(amount=first.amount + 1))
    refused(lambda: Leg.objects.filter(pk=first.pk).delete())
    refused("UPDATE ledger_leg SET amount = amount * 2 WHERE transfer_id = %s", [t.pk])
    refused("DELETE FROM ledger_leg WHERE id = %s", [first.pk])
    refused(lambda: leg(t, org, 5))
    refused(
        "INSERT INTO ledger_leg (transfer_id, account_id, amount, created_at) VALUES (%s, %s, 5, %s)",
        [t.pk, org.pk, t.created_at],
    )


def test_unbalanced_transfer_cannot_be_sealed(booked):
    bank, fund, org, _t = booked

    def one_leg():
        t = raw_transfer("one")
        leg(t, bank, 5)
        leg(t, org, -4)
        Transfer.objects.filter(pk=t.pk).update(sealed=True)

    refused(one_leg)

    def single():
        t = raw_transfer("single")
        leg(t, bank, 5)
        Transfer.objects.filter(pk=t.pk).update(sealed=True)

    refused(single)
    refused(lambda: raw_transfer("sealed-at-insert", sealed=True))
    refused(lambda: leg(raw_transfer("zero"), bank, 0))


def test_mixed_currency_must_balance_per_currency(accounts, booked):
    bank = booked[0]
    usd = accounts("usd", may_go_negative=True, currency="USD")

    def mixed():
        t = raw_transfer("mixed")
        leg(t, bank, 5)
        leg(t, usd, -5)
        Transfer.objects.filter(pk=t.pk).update(sealed=True)

    refused(mixed)


def test_fund_cannot_go_negative_behind_the_service(booked):
    bank, fund, org, _t = booked

    def overspend():
        t = raw_transfer("overspend")
        leg(t, fund, 1001)
        leg(t, org, -1001)
        Transfer.objects.filter(pk=t.pk).update(sealed=True)

    refused(overspend)
    refused(lambda: Account.objects.filter(pk=fund.pk).update(balance=1))
    refused("UPDATE ledger_account SET pending_debits = 1001 WHERE id = %s", [fund.pk])


def test_balances_follow_the_legs_even_for_raw_inserts(booked):
    bank, fund, org, _t = booked
    t = raw_transfer("raw-ok")
    leg(t, fund, 400)
    leg(t, org, -400)
    Transfer.objects.filter(pk=t.pk).update(sealed=True)
    fund.refresh_from_db()
    assert fund.normal_balance == 600  # the trigger applied the legs to the cache
    report = ledger_verify()
    assert not report["ok"] and report["first_bad"]["transfer"] == "raw-ok"  # but it is off the chain


def test_pending_over_post_and_status_rewrite_refused(booked):
    bank, fund, org, _t = booked
    p = transfer_pending(key="res", kind="grant", legs=[(fund, 500), (org, -500)])

    def over_post():
        t = raw_transfer("over", phase="post", pending_id=p.pk)
        leg(t, fund, 501)
        leg(t, org, -501)
        Transfer.objects.filter(pk=t.pk).update(sealed=True)

    refused(over_post)
    transfer_void(key="void", pending=p)
    refused(lambda: Transfer.objects.filter(pk=p.pk).update(status="posted"))
    refused(lambda: Transfer.objects.filter(pk=p.pk).update(status="pending"))


def test_reversal_at_most_once_and_key_unique(booked):
    t = booked[3]
    raw_transfer("rev1", reverses_id=t.pk, sequence=1)
    refused(lambda: raw_transfer("rev2", reverses_id=t.pk, sequence=2))
    refused(lambda: raw_transfer("in", sequence=3))


def _disable_guards():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_leg DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE ledger_transfer DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER ledger_leg_no_update")
            cursor.execute("DROP TRIGGER ledger_transfer_no_update")


@pytest.mark.parametrize("tamper", ["leg", "memo", "balance"])
def test_verify_detects_rows_altered_behind_the_apps_back(booked, tamper, capsys):
    bank, fund, org, first = booked
    transfer_post(key="out", kind="grant", legs=[(fund, 300), (org, -300)])
    assert ledger_verify()["ok"]
    _disable_guards()
    with connection.cursor() as cursor:
        if tamper == "leg":
            cursor.execute("UPDATE ledger_leg SET amount = amount * 2 WHERE transfer_id = %s", [first.pk])
        elif tamper == "memo":
            cursor.execute("UPDATE ledger_transfer SET memo = 'edited' WHERE id = %s", [first.pk])
        else:
            cursor.execute("UPDATE ledger_account SET balance = balance - 1 WHERE id = %s", [fund.pk])
    report = ledger_verify()
    assert not report["ok"]
    expected = "out" if tamper == "balance" else "in"
    assert report["first_bad"]["transfer"] == expected
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger_verify")
    assert exit_info.value.code == 1
    assert expected in capsys.readouterr().err


def test_verify_command_ok(booked, capsys):
    call_command("ledger_verify")
    assert "ok" in capsys.readouterr().out


def test_verify_api_platform_staff_only(booked, api, make_user):
    assert api.get("/api/v1/ledger/verify/").status_code in (401, 403)
    client = api.as_user(make_user())
    assert client.get("/api/v1/ledger/verify/").status_code == 403
    staff = api.as_user(make_user("platform_staff"))
    body = staff.get("/api/v1/ledger/verify/").json()
    assert body["ok"] is True and body["transfers"] == 1 and "fund:a" in body["heads"]


def _unsealed(key, legs):
    t = raw_transfer(key, book=key)
    for account, amount in legs:
        leg(t, account, amount)
    return t


def test_one_statement_sealing_many_transfers_checks_each_state_in_between(booked):
    """Sealed together, transfers are applied in id order and no account may go below zero after any
    of them, even when a later one in the same statement would bring it back (1,000 in the fund)."""
    bank, fund, org, _t = booked
    spend = _unsealed("spend", [(fund, 1500), (org, -1500)])
    refill = _unsealed("refill", [(bank, 600), (fund, -600)])
    refused(lambda: Transfer.objects.filter(pk__in=[spend.pk, refill.pk]).update(sealed=True))
    fund.refresh_from_db()
    assert fund.normal_balance == 1000

    def refill_first():
        first = _unsealed("refill-first", [(bank, 600), (fund, -600)])
        then = _unsealed("spend-then", [(fund, 1500), (org, -1500)])
        Transfer.objects.filter(pk__in=[first.pk, then.pk]).update(sealed=True)

    with transaction.atomic():
        refill_first()
    fund.refresh_from_db()
    org.refresh_from_db()
    assert fund.normal_balance == 100 and org.normal_balance == 1500


def test_one_bad_transfer_refuses_the_whole_statement(booked):
    bank, fund, org, _t = booked
    good = [_unsealed(f"good{i}", [(fund, 10), (org, -10)]) for i in range(3)]
    bad = _unsealed("bad", [(fund, 10), (org, -9)])
    refused(lambda: Transfer.objects.filter(pk__in=[g.pk for g in good] + [bad.pk]).update(sealed=True))
    fund.refresh_from_db()
    assert fund.normal_balance == 1000
    assert not Transfer.objects.filter(sealed=True, key__startswith="good").exists()


@pytest.mark.postgres
def test_a_leg_added_by_the_statement_that_seals_its_transfer_is_refused(booked):
    """PostgreSQL: one statement can seal a transfer and add legs to it (a data-modifying WITH) that
    still balance; the leg check runs after the statement, sees the transfer sealed and refuses."""
    bank, fund, org, _t = booked
    t = _unsealed("cte", [(fund, 100), (org, -100)])
    refused(
        "WITH sealed AS (UPDATE ledger_transfer SET sealed = true WHERE id = %s RETURNING id) "
        "INSERT INTO ledger_leg (transfer_id, account_id, amount, created_at) "
        "SELECT sealed.id, v.account, v.amount, %s FROM sealed, (VALUES (%s::bigint, 900), (%s::bigint, -900)) v(account, amount)",
        [t.pk, t.created_at, fund.pk, org.pk],
    )
    assert Leg.objects.filter(transfer=t).count() == 2


def test_a_leg_dated_otherwise_than_its_transfer_is_refused(booked):
    """Legs carry their transfer's time (on PostgreSQL they are partitioned by it): a leg with
    another time, or none, is refused by the ORM and by raw SQL alike."""
    _bank, fund, org, _t = booked
    t = raw_transfer("dated")
    later = t.created_at + dt.timedelta(days=400)
    refused(lambda: Leg.objects.create(transfer=t, account=fund, amount=5, created_at=later))
    refused(
        "INSERT INTO ledger_leg (transfer_id, account_id, amount, created_at) VALUES (%s, %s, 5, %s)",
        [t.pk, org.pk, later],
    )
    refused("INSERT INTO ledger_leg (transfer_id, account_id, amount) VALUES (%s, %s, 5)", [t.pk, org.pk])
    leg(t, fund, 5)
    leg(t, org, -5)
    Transfer.objects.filter(pk=t.pk).update(sealed=True)
    fund.refresh_from_db()
    assert fund.normal_balance == 995
