"""Double-entry ledger in integer fen.

Sign convention: a leg's ``amount`` is positive for a debit and negative for a credit; every
transfer's legs sum to zero per currency. ``Account.balance`` is the raw (debit-positive) sum of
the posted legs; ``Account.normal_balance`` shows it on the account's normal side.

The database enforces the invariants (see migration 0002): legs can be added only while their
transfer is unsealed; sealing checks the balance (>= 2 legs, zero per currency) and applies the
legs to the cached balances; a sealed transfer and its legs can't be changed or deleted except a
pending transfer's status going to posted/voided; an account that may not go negative has a
CHECK constraint on its available balance.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Book(models.Model):
    """One hash chain. ``head_hash``/``sequence`` are the chain's head (locked when appending)."""

    code = models.CharField(max_length=64, unique=True)
    sequence = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Account(models.Model):
    class Normal(models.TextChoices):
        DEBIT = "debit", _("debit")
        CREDIT = "credit", _("credit")

    code = models.CharField(max_length=160, unique=True)
    owner_type = models.CharField(max_length=40)
    owner_id = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=80)
    currency = models.CharField(max_length=3, default="CNY")
    normal = models.CharField(max_length=6, choices=Normal.choices, default=Normal.CREDIT)
    may_go_negative = models.BooleanField(default=False)
    book = models.CharField(max_length=64, default="main")
    name = models.CharField(max_length=160, blank=True)
    balance = models.BigIntegerField(default=0)  # posted, debit-positive
    pending_debits = models.BigIntegerField(default=0)  # outstanding pending debits (>= 0)
    pending_credits = models.BigIntegerField(default=0)  # outstanding pending credits (>= 0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id", "kind", "currency"], name="ledger_account_owner"),
            models.CheckConstraint(
                condition=Q(may_go_negative=True)
                | Q(normal="credit", balance__lte=-F("pending_debits"))
                | Q(normal="debit", balance__gte=F("pending_credits")),
                name="ledger_account_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pending_debits__gte=0, pending_credits__gte=0), name="ledger_account_pending_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def normal_balance(self) -> int:
        return self.balance if self.normal == self.Normal.DEBIT else -self.balance

    @property
    def available(self) -> int:
        """What can still leave the account: posted balance less outstanding reservations."""
        if self.normal == self.Normal.DEBIT:
            return self.balance - self.pending_credits
        return -self.balance - self.pending_debits


class Transfer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        POSTED = "posted", _("posted")
        VOIDED = "voided", _("voided")

    class Phase(models.TextChoices):
        SINGLE = "single", _("single")  # moves money now
        PENDING = "pending", _("pending")  # reserves money
        POST = "post", _("post")  # moves (part of) a pending transfer's money
        VOID = "void", _("void")  # releases the rest of a pending transfer

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.SINGLE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.POSTED)
    pending = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="resolutions")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    reference = models.CharField(max_length=200, blank=True, db_index=True)
    memo = models.CharField(max_length=500, blank=True)
    book = models.CharField(max_length=64, default="main")
    sequence = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    sealed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["book", "sequence"], name="ledger_transfer_book_sequence"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def amount(self) -> int:
        """Total debited (= total credited)."""
        return sum(leg.amount for leg in self.legs.all() if leg.amount > 0)


class Leg(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_leg_nonzero")]


class Digest(models.Model):
    """The published head of a book at the end of a day."""

    book = models.CharField(max_length=64)
    date = models.DateField()
    sequence = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    transfers = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "book"]
        constraints = [models.UniqueConstraint(fields=["book", "date"], name="ledger_digest_book_date")]
