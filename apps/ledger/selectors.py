"""Reads of the ledger: verification of every invariant, balances, digests."""

from __future__ import annotations

from collections import defaultdict

from apps.ledger.models import Account, Book, Leg, Transfer
from apps.ledger.services import fingerprint_for, hash_for


class _LegView:
    __slots__ = ("code", "amount")

    def __init__(self, code, amount):
        self.code = code
        self.amount = amount


def ledger_verify(*, chunk: int = 2000) -> dict:
    """Recompute every hash chain and every cached balance from the legs.

    Returns ``{ok, transfers, accounts, heads: {book: {sequence, hash}}, faults: [...],
    first_bad: key-or-None}``.
    """
    faults: list[dict] = []
    codes = dict(Account.objects.values_list("pk", "code"))
    currency = dict(Account.objects.values_list("pk", "currency"))
    keys = dict(Transfer.objects.values_list("pk", "key"))
    expected_balance: dict[int, int] = defaultdict(int)
    expected_pd: dict[int, int] = defaultdict(int)
    expected_pc: dict[int, int] = defaultdict(int)
    heads: dict[str, dict] = {}
    count = 0

    def fault(transfer, problem):
        faults.append(
            {
                "transfer": transfer.key if transfer else None,
                "id": transfer.pk if transfer else None,
                "problem": problem,
            }
        )

    for book in Transfer.objects.order_by().values_list("book", flat=True).distinct():
        prev = "0" * 64
        expected_seq = 1
        last_id = 0
        while True:
            batch = list(Transfer.objects.filter(book=book, sequence__gte=expected_seq).order_by("sequence")[:chunk])
            if not batch:
                break
            legs_by_transfer: dict[int, list] = defaultdict(list)
            for tid, aid, amount in Leg.objects.filter(transfer__in=[t.pk for t in batch]).values_list(
                "transfer_id", "account_id", "amount"
            ):
                legs_by_transfer[tid].append((aid, amount))
            for t in batch:
                count += 1
                legs = legs_by_transfer.get(t.pk, [])
                views = [(_LegView(codes[a], amt), amt) for a, amt in legs]
                if t.sequence != expected_seq:
                    fault(t, f"sequence {t.sequence} where {expected_seq} expected")
                if t.prev_hash != prev:
                    fault(t, "prev_hash does not match the previous transfer")
                recomputed = hash_for(
                    prev_hash=t.prev_hash,
                    book=t.book,
                    sequence=t.sequence,
                    key=t.key,
                    kind=t.kind,
                    phase=t.phase,
                    legs=views,
                    reference=t.reference,
                    memo=t.memo,
                    pending_key=keys.get(t.pending_id, ""),
                    reverses_key=keys.get(t.reverses_id, ""),
                    created_at=t.created_at,
                )
                if recomputed != t.hash:
                    fault(t, "hash does not match the content")
                if (
                    fingerprint_for(
                        kind=t.kind,
                        phase=t.phase,
                        legs=views,
                        reference=t.reference,
                        pending_key=keys.get(t.pending_id, ""),
                        reverses_key=keys.get(t.reverses_id, ""),
                    )
                    != t.fingerprint
                ):
                    fault(t, "fingerprint does not match the content")
                if not t.sealed:
                    fault(t, "transfer is not sealed")
                per_currency: dict[str, int] = defaultdict(int)
                for a, amt in legs:
                    per_currency[currency[a]] += amt
                if len(legs) < 2 or any(per_currency.values()):
                    fault(t, "transfer does not balance")
                if t.sealed:
                    sign = {"pending": 1, "single": 0}.get(t.phase, -1)
                    for a, amt in legs:
                        if t.phase in ("single", "post"):
                            expected_balance[a] += amt
                        if amt > 0:
                            expected_pd[a] += sign * amt
                        else:
                            expected_pc[a] += sign * -amt
                prev = t.hash
                expected_seq = t.sequence + 1
                last_id = t.pk
            if len(batch) < chunk:
                break
        heads[book] = {"sequence": expected_seq - 1, "hash": prev}
        stored = Book.objects.filter(code=book).first()
        if stored is None or stored.head_hash != prev or stored.sequence != expected_seq - 1:
            faults.append({"transfer": keys.get(last_id), "id": last_id, "problem": f"book {book} head does not match"})

    accounts = 0
    for acc in Account.objects.all().iterator():
        accounts += 1
        if (acc.balance, acc.pending_debits, acc.pending_credits) != (
            expected_balance[acc.pk],
            expected_pd[acc.pk],
            expected_pc[acc.pk],
        ):
            last = Leg.objects.filter(account=acc).order_by("-transfer_id").select_related("transfer").first()
            faults.append(
                {
                    "transfer": last.transfer.key if last else None,
                    "id": last.transfer_id if last else None,
                    "problem": f"cached balance of {acc.code} is {acc.balance}, the legs say {expected_balance[acc.pk]}",
                }
            )
    faults.sort(key=lambda f: (f["id"] is None, f["id"] or 0))
    return {
        "ok": not faults,
        "transfers": count,
        "accounts": accounts,
        "heads": heads,
        "faults": faults,
        "first_bad": faults[0] if faults else None,
    }
