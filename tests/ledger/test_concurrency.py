"""Concurrent writers outside any transaction (PostgreSQL's one-statement append, as the benchmark
and background jobs call it): same keys race, a shared book, a shared account, a fund that can
just cover the spending. Afterwards every invariant holds."""

import threading

import pytest
from django.db import connection, connections

from apps.core.errors import StateConflict
from apps.ledger.models import Account, Transfer
from apps.ledger.selectors import ledger_verify
from apps.ledger.services import InsufficientFunds, account_get_or_create, transfer_post


def _run(workers):
    errors = []

    def wrap(fn):
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_every_invariant():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer)")
    bank = account_get_or_create(owner_type="t", kind="bank", normal="debit", may_go_negative=True)
    funds = [account_get_or_create(owner_type="t", owner_id=i, kind="fund", book=f"fund:{i}") for i in range(3)]
    spend = account_get_or_create(owner_type="t", kind="spend", may_go_negative=True)
    transfer_post(key="seed", kind="income", legs=[(bank, 1000), (funds[0], -1000)])
    ids: dict[str, set] = {}

    def same_key(n):
        def go():
            for i in range(20):
                t = transfer_post(key=f"dup:{i}", kind="income", legs=[(bank, 7), (funds[1], -7)], memo='同一笔 "x" \\')
                ids.setdefault(f"dup:{i}", set()).add(t.pk)

        return go

    def own_keys(n):
        def go():
            for i in range(20):
                transfer_post(key=f"own:{n}:{i}", kind="income", legs=[(bank, 3), (funds[n % 3], -3)])

        return go

    refused = []

    def spender(n):
        def go():
            for i in range(20):
                try:
                    transfer_post(key=f"spend:{n}:{i}", kind="spend", legs=[(funds[0], 30), (spend, -30)])
                except InsufficientFunds:
                    refused.append(1)

        return go

    errors = _run([same_key(n) for n in range(3)] + [own_keys(n) for n in range(3)] + [spender(n) for n in range(3)])
    assert errors == []
    assert all(len(v) == 1 for v in ids.values()) and len(ids) == 20
    assert Transfer.objects.filter(key__startswith="dup:").count() == 20
    funds[0].refresh_from_db()
    spent = Transfer.objects.filter(kind="spend").count()
    assert spent + len(refused) == 60 and len(refused) >= 25  # 1,060 fen cover at most 35 spends
    assert funds[0].normal_balance >= 0
    assert funds[0].normal_balance == 1000 + 20 * 3 - 30 * spent  # own:0:* credit fund 0
    report = ledger_verify()
    assert report["ok"], report["faults"][:3]
    assert sum(Account.objects.values_list("balance", flat=True)) == 0  # trial balance
    with pytest.raises(StateConflict):
        transfer_post(key="dup:0", kind="income", legs=[(bank, 8), (funds[1], -8)])
