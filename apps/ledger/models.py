"""Double-entry ledger in integer fen.

Sign convention: a leg's ``amount`` is positive for a debit and negative for a credit; every
transfer's legs sum to zero per currency. ``Account.balance`` is the raw (debit-positive) sum of
the posted legs; ``Account.normal_balance`` shows it on the account's normal side.

The database enforces the invariants (see migration 0002): legs can be added only while their
transfer is unsealed; sealing checks the balance (>= 2 legs, zero per currency) and applies the
legs to the cached balances; a sealed transfer and its legs can't be changed or deleted except a
pending transfer's status going to posted/voided; an account that may not go negative has a
CHECK constraint on its available balance.

Which accounts may go negative (issue 18 audit). Only an account that stands for the outside
world may: money enters the platform's books by debiting one and leaves by crediting one, so
its balance is wherever the outside world's flows net out, and nothing on the platform can
spend from it. Each one (``owner_type``/``kind``, all debit-normal):

- ``platform``/``stripe_balance`` (``funds.services.stripe_account``): Stripe. Donations debit
  it, fees and refunds credit it; a refund of money Stripe has already paid out to the fund's
  bank leaves it below zero until Stripe's next payout settles it;
- ``fund``/``bank`` (``funds.services.fund_bank_account``): the fund's bank account outside the
  platform, where income outside Stripe and revenue-share settlements arrive;
- ``cooperative``/``external_revenue`` (``cooperatives.booking``): where a cooperative earns the
  profit it records each year (with the year's financial statement) — its business outside;
- ``cooperative``/``bank`` (``cooperatives.booking``): the cooperative's bank account outside
  the platform, through which approved dividends leave to the holders.

An enterprise's revenue share arrives through the fund's ``bank`` above (the enterprise's own
revenue is never in these books). Every account that stands for a party of the platform may
not go negative: a fund's ``available`` and ``restricted:*`` money, an organization's
``grants_received`` and ``revenue_share_payable``, the fund's ``receivable:revenue_share``, the
host foundation's ``refund_cover`` (debit-normal: it only grows by what the host paid), a
cooperative's ``undistributed_profit``, ``statutory_reserve``, ``losses_covered`` and
``retained_earnings``, and a holder's ``dividends_payable``. ``organization``/``grants_received``,
``host_cover``/``refund_cover`` and ``cooperative``/``undistributed_profit`` were created as
may-go-negative before issue 18; migrations ``ledger.0005`` and ``cooperatives.0003`` turned that
off for existing rows (the latter first recorded the profit that distributions declared before
profits were recorded had taken from nothing). ``tests/ledger/test_money_state_machine.py``
checks the list against every account the money services create.
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
    # the transfer's ``created_at``, copied (the database refuses another): on PostgreSQL legs are
    # partitioned by it, a partition per year (``apps.ledger.partitioning``)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_leg_nonzero")]
        # Covering indexes for the books' sums (``apps.ledger.books``): on PostgreSQL a book's
        # transfers → their legs, and an account's legs → their transfers, are read from the index
        # alone (bench/books/README.md). The plain foreign-key indexes stay: changing them would
        # rebuild the table on SQLite, which drops the ledger's triggers.
        indexes = [
            models.Index(fields=["transfer"], include=["account", "amount"], name="ledger_leg_transfer_cover"),
            models.Index(fields=["account", "transfer"], include=["amount"], name="ledger_leg_account_transfer"),
        ]


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
