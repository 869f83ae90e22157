"""Fund writes: accounts of a fund in the ledger, income outside Stripe, donations, refunds.

Accounts of a fund (all in the book ``fund:<code>``):
- ``fund_account(fund)``: unrestricted money (credit-normal, never below zero);
- ``fund_account(fund, purpose="elderly")``: money restricted to a purpose (a category code);
- ``fund_bank_account(fund)``: where money recorded outside Stripe arrived (debit-normal).
Platform accounts: ``stripe_account()`` (Stripe balance, debit-normal).
Organizations: ``organization_account(org)`` (what the platform paid them; credit-normal).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import StateConflict, ValidationFailed
from apps.ledger.models import Account
from apps.ledger.services import account_get_or_create, transfer_post


def fund_book(fund) -> str:
    return f"fund:{fund.code}"


def fund_account(fund, purpose: str | None = None) -> Account:
    kind = f"restricted:{purpose}" if purpose else "available"
    return account_get_or_create(
        owner_type="fund",
        owner_id=fund.pk,
        kind=kind,
        currency=fund.currency,
        normal=Account.Normal.CREDIT,
        may_go_negative=False,
        book=fund_book(fund),
        name=f"{fund.name} · {purpose or 'unrestricted'}",
    )


def fund_accounts(fund) -> list[Account]:
    """Every account that holds the fund's money (unrestricted and restricted)."""
    fund_account(fund)
    return list(Account.objects.filter(owner_type="fund", owner_id=str(fund.pk)).exclude(kind="bank").order_by("kind"))


def fund_bank_account(fund) -> Account:
    return account_get_or_create(
        owner_type="fund",
        owner_id=fund.pk,
        kind="bank",
        currency=fund.currency,
        normal=Account.Normal.DEBIT,
        may_go_negative=True,
        book=fund_book(fund),
        name=f"{fund.name} · bank",
    )


def stripe_account(currency: str = "CNY") -> Account:
    return account_get_or_create(
        owner_type="platform",
        owner_id="",
        kind="stripe_balance",
        currency=currency,
        normal=Account.Normal.DEBIT,
        may_go_negative=True,
        name="Stripe balance",
    )


def organization_account(organization, currency: str = "CNY") -> Account:
    return account_get_or_create(
        owner_type="organization",
        owner_id=organization.pk,
        kind="grants_received",
        currency=currency,
        normal=Account.Normal.CREDIT,
        may_go_negative=True,
        name=str(organization),
    )


def purpose_validate(purpose: str | None) -> str:
    from apps.core.models import Category

    purpose = (purpose or "").strip()
    if purpose and not Category.objects.filter(code=purpose).exists():
        raise ValidationFailed(_("Unknown purpose."), field_errors={"purpose": _("Unknown purpose.")})
    return purpose


@transaction.atomic
def fund_income_record(
    *, fund, amount_fen: int, source: str, memo: str = "", idempotency_key: str, purpose: str = "", user=None
):
    """Book money that came in outside Stripe (bank transfer, cash) into the fund.

    The same ``idempotency_key`` with the same content returns the first record; with a
    different content it is a 409.
    """
    from apps.funds.models import Income

    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed(_("A positive amount."), field_errors={"amount": _("A positive amount.")})
    if not idempotency_key or len(idempotency_key) > 120:
        raise ValidationFailed(_("Required."), field_errors={"idempotency_key": _("1 to 120 characters.")})
    purpose = purpose_validate(purpose)
    existing = Income.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
    if existing is not None:
        if (existing.amount_fen, existing.source, existing.purpose) != (amount_fen, source, purpose):
            raise StateConflict(_("This idempotency key was already used for different income."))
        return existing
    transfer = transfer_post(
        key=f"fund:{fund.pk}:income:{idempotency_key}",
        kind="income",
        legs=[(fund_bank_account(fund), amount_fen), (fund_account(fund, purpose or None), -amount_fen)],
        memo=(memo or source)[:500],
        reference=source[:200],
    )
    return Income.objects.create(
        fund=fund,
        amount_fen=amount_fen,
        source=source,
        memo=memo,
        purpose=purpose,
        idempotency_key=idempotency_key,
        transfer=transfer,
        recorded_by=user if user is not None and user.is_authenticated else None,
    )
