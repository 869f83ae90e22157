"""Fund writes: accounts of a fund in the ledger, income outside Stripe, donations, refunds.

Accounts of a fund (all in the book ``fund:<code>``):
- ``fund_account(fund)`` (in ``apps.funds.selectors``): unrestricted money (credit-normal, never
  below zero); ``fund_account(fund, purpose="elderly")``: money restricted to a purpose (a category code);
- ``fund_bank_account(fund)``: where money recorded outside Stripe arrived (debit-normal).
Platform accounts: ``stripe_account()`` (Stripe balance, debit-normal).
Organizations: ``organization_account(org)`` (what the platform paid them; credit-normal).
"""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.selectors import users_with_role
from apps.core.errors import StateConflict, ValidationFailed
from apps.core.models import Category
from apps.core.money import format_yuan, is_fen
from apps.core.pdf import qr_png
from apps.funds import pdf
from apps.funds.models import Donation, GivingSchedule, Income, ReceiptCounter, RefundHold
from apps.funds.selectors import GIVING_TOKEN_SALT, fund_account, fund_book
from apps.ledger.idempotency import idempotent_replay
from apps.ledger.models import Account
from apps.ledger.services import InsufficientFunds, account_get_or_create, transfer_post
from apps.notifications.services import notify, outbox_mail


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
        may_go_negative=False,  # a party of the platform: only ever credited by grants
        name=str(organization),
    )


def purpose_validate(purpose: str | None) -> str:
    purpose = (purpose or "").strip()
    if purpose and not Category.objects.filter(code=purpose).exists():
        raise ValidationFailed(_("Unknown purpose."), field_errors={"purpose": _("Unknown purpose.")})
    return purpose


@transaction.atomic
def fund_income_record(
    *, fund, amount_fen: int, source: str, memo: str = "", idempotency_key: str, purpose: str = "", actor=None
):
    """Book money that came in outside Stripe (bank transfer, cash) into the fund.

    The same ``idempotency_key`` with the same content (amount, source, memo, purpose) returns
    the first record; with any different content it is a 409 and nothing is booked.
    """
    if not is_fen(amount_fen) or amount_fen == 0:
        raise ValidationFailed(_("A positive amount."), field_errors={"amount": _("A positive amount.")})
    if not idempotency_key or len(idempotency_key) > 120:
        raise ValidationFailed(_("Required."), field_errors={"idempotency_key": _("1 to 120 characters.")})
    purpose = purpose_validate(purpose)
    requested = {"amount_fen": amount_fen, "source": source, "memo": memo, "purpose": purpose}
    existing = Income.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
    if existing is not None:
        return idempotent_replay(existing, requested=requested)
    transfer = transfer_post(
        key=f"fund:{fund.pk}:income:{idempotency_key}",
        kind="income",
        legs=[(fund_bank_account(fund), amount_fen), (fund_account(fund, purpose or None), -amount_fen)],
        memo=(memo or source)[:500],
        reference=source[:200],
    )
    try:
        with transaction.atomic():
            return Income.objects.create(
                fund=fund,
                idempotency_key=idempotency_key,
                transfer=transfer,
                recorded_by=actor if actor is not None and actor.is_authenticated else None,
                **requested,
            )
    except IntegrityError:  # a concurrent request with this key was recorded since we looked
        existing = Income.objects.get(fund=fund, idempotency_key=idempotency_key)
        return idempotent_replay(existing, requested=requested)


# --------------------------------------------------------------------------- donations

STRIPE_DEFAULT_METHODS = ["card", "alipay", "wechat_pay"]


def stripe_client():
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY or "sk_test_unset", base_addresses=base, max_network_retries=2
    )


@transaction.atomic
def _checkout_session_open(*, params: dict, idempotency_key: str):
    """A Stripe Checkout Session for a one-time gift or a monthly one; the payment service down or
    refusing is a 409 and nothing is booked."""
    try:
        return stripe_client().v1.checkout.sessions.create(params=params, options={"idempotency_key": idempotency_key})
    except Exception as exc:  # whatever the SDK raised: the donor is told to try again
        logging.getLogger(__name__).warning("stripe checkout (%s) failed: %s", idempotency_key, exc)
        raise StateConflict(_("The payment service is not available; please try again.")) from exc


def donation_create(
    *, fund, amount_fen: int, purpose: str = "", donor_name: str = "", anonymous: bool = True, email: str = ""
):
    """A pending donation and its Stripe Checkout Session (card, Alipay, WeChat Pay)."""

    donation_amount_validate(amount_fen)
    purpose = purpose_validate(purpose)
    donation = Donation.objects.create(
        fund=fund,
        amount_fen=amount_fen,
        currency=fund.currency,
        purpose=purpose,
        donor_name=donor_name,
        anonymous=anonymous,
        email=email,
    )
    methods = getattr(settings, "STRIPE_PAYMENT_METHODS", STRIPE_DEFAULT_METHODS)
    base_url = settings.SITE_BASE_URL.rstrip("/")
    params = {
        "mode": "payment",
        "payment_method_types": list(methods),
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": fund.currency.lower(),
                    "unit_amount": amount_fen,
                    "product_data": {"name": f"{fund.name}" + (f" · {purpose}" if purpose else "")},
                },
            }
        ],
        "metadata": {"donation_id": str(donation.pk), "fund": fund.code, "purpose": purpose},
        "payment_intent_data": {"metadata": {"donation_id": str(donation.pk), "fund": fund.code}},
        "success_url": f"{base_url}/funds/donations/{donation.pk}/thanks/",
        "cancel_url": f"{base_url}/funds/{fund.pk}/",
    }
    if "wechat_pay" in methods:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    if email:
        params["customer_email"] = email
    session = _checkout_session_open(params=params, idempotency_key=f"donation-{donation.pk}-checkout")
    donation.stripe_session_id = session.id
    donation.checkout_url = session.url or ""
    donation.save(update_fields=["stripe_session_id"])
    return donation


def _receipt_no_take(fund) -> str:
    """The fund's next receipt number this year, ``<fund code>-<year>-<seq>``: taken under the
    counter's row lock inside the booking's transaction, so numbers run without gaps (a booking
    that rolls back gives its number back with it) and are never given twice."""
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(fund=fund, year=year)
    except IntegrityError:  # created by a concurrent booking since we looked
        pass
    counter = ReceiptCounter.objects.select_for_update().get(fund=fund, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return receipt_no_format(fund.code, year, counter.last)


def receipt_no_format(fund_code: str, year: int, seq: int) -> str:
    return f"{fund_code}-{year}-{seq:06d}"


@transaction.atomic
def donation_book_payment(
    *,
    donation,
    gross_fen: int,
    payment_intent: str = "",
    charge: str = "",
    fee_fen: int = 0,
    paid_at: dt.datetime | None = None,
):
    """Book a paid donation once (gross in; fee out when known); give it a receipt number.

    ``gross_fen`` is what Stripe took: it must be the donation's amount (a mismatch books nothing).
    ``paid_at`` is when Stripe took it, when it says (a monthly invoice's payment): the donation's
    date on its receipt and pages. The ledger's transfer is dated when it is booked (the chain is
    append-only), which can be later.
    """

    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if not is_fen(gross_fen) or gross_fen != donation.amount_fen:
        raise ValidationFailed(
            _("The amount paid is not the donation's amount."),
            field_errors={"amount": _("The amount paid is not the donation's amount.")},
        )
    fund = donation.fund
    target = fund_account(fund, donation.purpose or None)
    if payment_intent and not donation.payment_intent_id:
        donation.payment_intent_id = payment_intent
    if charge and not donation.charge_id:
        donation.charge_id = charge
    if donation.receipt_no is None:
        transfer_post(
            key=f"donation:{donation.pk}:gift",
            kind="donation",
            legs=[(stripe_account(fund.currency), gross_fen), (target, -gross_fen)],
            memo=donation.donor_display,
            reference=f"donation:{donation.pk}",
        )
        donation.receipt_no = _receipt_no_take(fund)
        now = timezone.now()
        donation.paid_at = min(paid_at, now) if paid_at else now
        if donation.status in (Donation.Status.PENDING, Donation.Status.FAILED):
            donation.status = Donation.Status.PAID
        donation.save()
        donation_receipt_mail(donation=donation)
    else:
        donation.save()
    if fee_fen:
        donation_book_fee(donation=donation, fee_fen=fee_fen)
    return donation


RECEIPT_MAIL_LANGUAGE = "zh-hans"


def donation_receipt_mail(*, donation):
    """Queue the receipt email (in Chinese) of a paid donation whose donor gave an address, in
    the booking's transaction: amount, fund, date, number, the verification link and its QR code,
    the receipt as a PDF and, for a monthly gift, the signed link to manage it. Queued once per
    receipt number (the outbox's key), whatever books the payment again."""
    if not donation.email or not donation.receipt_no:
        return None
    base_url = settings.SITE_BASE_URL.rstrip("/")
    with translation.override(RECEIPT_MAIL_LANGUAGE):
        verify_url = base_url + reverse("receipt-page", args=[donation.receipt_no])
        category = Category.objects.filter(code=donation.purpose).first() if donation.purpose else None
        context = {
            "donor": donation.donor_name or str(_("donor")),
            "receipt_no": donation.receipt_no,
            "amount": format_yuan(donation.amount_fen),
            "fund_name": donation.fund.name,
            "purpose": category.display_name if category else str(_("Wherever most needed")),
            "date": date_format(timezone.localtime(donation.paid_at), "DATE_FORMAT"),
            "host": donation.fund.host_name,
            "verify_url": verify_url,
            "giving_url": giving_url(donation.schedule) if donation.schedule_id else "",
        }
        subject = str(
            _("Donation receipt %(receipt)s · %(fund)s") % {"receipt": donation.receipt_no, "fund": donation.fund.name}
        )
        body = render_to_string("funds/email/receipt.txt", context)
        receipt = pdf.receipt_pdf(donation=donation, verify_url=verify_url)
    return outbox_mail(
        to=donation.email,
        subject=subject,
        body=body,
        key=f"receipt:{donation.receipt_no}",
        attachments=[
            (f"receipt-{donation.receipt_no}.pdf", receipt, "application/pdf"),
            (f"receipt-{donation.receipt_no}-qr.png", qr_png(verify_url).getvalue(), "image/png"),
        ],
    )


def donation_book_fee(*, donation, fee_fen: int):
    if not is_fen(fee_fen):
        raise ValidationFailed(
            _("A fee is whole fen, zero or more."), field_errors={"fee": _("Whole fen, zero or more.")}
        )
    if fee_fen <= 0 or donation.fee_fen:
        return
    target = fund_account(donation.fund, donation.purpose or None)
    transfer_post(
        key=f"donation:{donation.pk}:fee",
        kind="stripe_fee",
        legs=[(target, fee_fen), (stripe_account(donation.currency), -fee_fen)],
        memo="Stripe fee",
        reference=f"donation:{donation.pk}",
    )
    Donation.objects.filter(pk=donation.pk).update(fee_fen=fee_fen)


def _hold(*, donation, amount_fen: int, reason: str, object_id: str):
    hold, created = RefundHold.objects.get_or_create(
        stripe_object_id=object_id,
        defaults={"fund": donation.fund, "donation": donation, "amount_fen": amount_fen, "reason": reason},
    )
    if created:
        notify(
            users=users_with_role(Role.FUND_MANAGER, fund=donation.fund_id),
            kind="fund_refund_hold",
            title=str(_("A refund could not be booked: the money was already spent")),
            body=f"{donation.receipt_no or donation.pk}: {amount_fen / 100:.2f} ({reason})",
            url=reverse("fund-refund-holds", args=[donation.fund_id]),
        )
    return hold


@transaction.atomic
def donation_book_refund(*, donation, refunded_total_fen: int, object_id: str, reason: str = "refund"):
    """Book refunds up to the cumulative ``refunded_total_fen`` (monotone: stale events do nothing).

    When the fund can't give the money back (already spent) nothing goes negative: a hold is
    recorded for the fund manager instead.
    """
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if not is_fen(refunded_total_fen) or refunded_total_fen > donation.amount_fen:
        raise ValidationFailed(
            _("A refund is between nothing and the donation's amount."),
            field_errors={"amount": _("A refund is between nothing and the donation's amount.")},
        )
    held = sum(h.amount_fen for h in donation.holds.filter(reason=reason, resolved=False))  # resolved ones are booked
    delta = refunded_total_fen - donation.refunded_fen - held
    if delta <= 0:
        return donation
    target = fund_account(donation.fund, donation.purpose or None)
    try:
        with transaction.atomic():
            transfer_post(
                key=f"donation:{donation.pk}:{reason}:{refunded_total_fen}",
                kind=reason,
                legs=[(target, delta), (stripe_account(donation.currency), -delta)],
                memo=f"{reason} of {donation.receipt_no or donation.pk}",
                reference=f"donation:{donation.pk}",
            )
    except InsufficientFunds:
        _hold(donation=donation, amount_fen=delta, reason=reason, object_id=f"{object_id}:{refunded_total_fen}")
        return donation
    donation.refunded_fen += delta
    if reason == "dispute":
        donation.status = Donation.Status.DISPUTED
    elif donation.refunded_fen >= donation.amount_fen:
        donation.status = Donation.Status.REFUNDED
    else:
        donation.status = Donation.Status.PARTIALLY_REFUNDED
    donation.save(update_fields=["refunded_fen", "status"])
    return donation


def host_cover_account(fund) -> Account:
    """What the host foundation paid in place of a fund that could not give money back.

    Debit-normal: covering a refund debits it (Dr host cover / Cr Stripe), so its balance only
    grows by what the host paid from its own means; it is a party and may not go negative."""
    return account_get_or_create(
        owner_type="host_cover",
        owner_id=fund.pk,
        kind="refund_cover",
        currency=fund.currency,
        normal=Account.Normal.DEBIT,
        may_go_negative=False,
        book=fund_book(fund),
        name=f"{fund.host_name} · {fund.name} · refunds covered",
    )


@transaction.atomic
def refund_hold_resolve(*, hold, actor, resolution: str, note: str = ""):
    """Book a held refund or dispute (once) and close the hold.

    ``fund``: the fund has money again and gives it back now (refused while it still can't);
    ``host``: the host foundation covers it from its own account. Either way the Stripe balance
    in the ledger drops by the amount Stripe already paid out.
    """

    hold = RefundHold.objects.select_for_update().select_related("fund", "donation").get(pk=hold.pk)
    if resolution not in RefundHold.Resolution.values:
        raise ValidationFailed(field_errors={"resolution": _("Choose how the hold is resolved.")})
    if hold.resolved:
        if hold.resolution == resolution:
            return hold
        raise StateConflict(_("This hold is already resolved."))
    donation = Donation.objects.select_for_update().get(pk=hold.donation_id)
    stripe = stripe_account(donation.currency)
    if resolution == RefundHold.Resolution.FUND:
        source, kind = fund_account(hold.fund, donation.purpose or None), hold.reason
    else:
        source, kind = host_cover_account(hold.fund), f"{hold.reason}_cover"
    with transaction.atomic():  # InsufficientFunds leaves the hold open
        transfer = transfer_post(
            key=f"hold:{hold.pk}:{resolution}",
            kind=kind,
            legs=[(source, hold.amount_fen), (stripe, -hold.amount_fen)],
            memo=f"{hold.reason} of {donation.receipt_no or donation.pk} (held)",
            reference=f"donation:{donation.pk}",
        )
    if hold.reason == "refund":
        donation.refunded_fen += hold.amount_fen
        full = donation.refunded_fen >= donation.amount_fen
        donation.status = Donation.Status.REFUNDED if full else Donation.Status.PARTIALLY_REFUNDED
        donation.save(update_fields=["refunded_fen", "status"])
    hold.resolved = True
    hold.resolution = resolution
    hold.note = (note or "")[:500]
    hold.resolved_by = actor
    hold.resolved_at = timezone.now()
    hold.transfer = transfer
    hold.save(update_fields=["resolved", "resolution", "note", "resolved_by", "resolved_at", "transfer"])
    return hold


# --------------------------------------------------------------------------- monthly giving (定期捐赠)

GIVING_INTERVALS = ("month",)


def donation_amount_validate(amount_fen: int) -> None:
    if not is_fen(amount_fen) or amount_fen < 100:
        raise ValidationFailed(_("At least ¥1.00."), field_errors={"amount": _("At least ¥1.00.")})
    if amount_fen > 100_000_000:
        raise ValidationFailed(_("At most ¥1,000,000.00."), field_errors={"amount": _("At most ¥1,000,000.00.")})


def giving_interval_validate(interval: str | None) -> str:
    """``""``/``"once"`` for a one-time gift, ``"month"`` for monthly giving; anything else is refused."""
    interval = (interval or "").strip()
    if interval in ("", "once"):
        return ""
    if interval not in GIVING_INTERVALS:
        message = _("Donations are one-time or monthly: interval is empty or “month”.")
        raise ValidationFailed(message, field_errors={"interval": message})
    return interval


@transaction.atomic
def giving_schedule_create(
    *, fund, amount_fen: int, purpose: str = "", donor_name: str = "", anonymous: bool = True, email: str = ""
) -> GivingSchedule:
    """A monthly gift waiting for its first payment, and its Stripe Checkout Session in
    subscription mode (a monthly price of the amount for the fund, made by Checkout from
    ``price_data``). Nothing is booked until Stripe sends ``invoice.paid``."""

    donation_amount_validate(amount_fen)
    purpose = purpose_validate(purpose)
    schedule = GivingSchedule.objects.create(
        fund=fund,
        amount_fen=amount_fen,
        currency=fund.currency,
        purpose=purpose,
        donor_name=donor_name,
        anonymous=anonymous,
        email=email,
    )
    base_url = settings.SITE_BASE_URL.rstrip("/")
    metadata = {"giving_schedule_id": str(schedule.pk), "fund": fund.code, "purpose": purpose}
    params = {
        "mode": "subscription",
        "payment_method_types": ["card"],  # recurring payments: cards (Alipay/WeChat Pay are one-time here)
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": fund.currency.lower(),
                    "unit_amount": amount_fen,
                    "recurring": {"interval": "month"},
                    "product_data": {"name": f"{fund.name} · 定期捐赠" + (f" · {purpose}" if purpose else "")},
                },
            }
        ],
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "success_url": f"{base_url}{reverse('giving-page', args=[giving_token(schedule)])}",
        "cancel_url": f"{base_url}/funds/{fund.pk}/",
    }
    if email:
        params["customer_email"] = email
    session = _checkout_session_open(params=params, idempotency_key=f"giving-{schedule.pk}-checkout")
    schedule.stripe_session_id = session.id
    schedule.checkout_url = session.url or ""
    schedule.save(update_fields=["stripe_session_id"])
    return schedule


def giving_token(schedule) -> str:
    """The donor's signed link to their monthly gift (no account needed)."""
    return signing.dumps(schedule.pk, salt=GIVING_TOKEN_SALT)


def giving_url(schedule) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + reverse("giving-page", args=[giving_token(schedule)])


@transaction.atomic
def giving_schedule_link(*, schedule, subscription_id: str = "", customer_id: str = "", session_id: str = ""):
    """Checkout finished in subscription mode: remember the subscription (books nothing)."""
    schedule = GivingSchedule.objects.select_for_update().get(pk=schedule.pk)
    changed = []
    for field, value in (
        ("stripe_subscription_id", subscription_id),
        ("stripe_customer_id", customer_id),
        ("stripe_session_id", session_id),
    ):
        if value and not getattr(schedule, field):
            setattr(schedule, field, value)
            changed.append(field)
    if changed:
        schedule.save(update_fields=changed)
    return schedule


@transaction.atomic
def giving_invoice_book(
    *,
    schedule,
    invoice_id: str,
    amount_fen: int,
    payment_intent: str = "",
    charge: str = "",
    subscription_id: str = "",
    next_payment_at: dt.datetime | None = None,
    paid_at: dt.datetime | None = None,
):
    """One paid invoice of a monthly gift: one donation with its own receipt number, booked once
    per invoice however often and in whatever order Stripe sends it (the schedule's row lock
    serialises its invoices; the invoice id is unique)."""

    schedule = GivingSchedule.objects.select_for_update().get(pk=schedule.pk)
    if amount_fen != schedule.amount_fen:
        raise ValidationFailed(
            _("The amount paid is not the donation's amount."),
            field_errors={"amount": _("The amount paid is not the donation's amount.")},
        )
    if subscription_id and not schedule.stripe_subscription_id:
        schedule.stripe_subscription_id = subscription_id
    donation = Donation.objects.filter(stripe_invoice_id=invoice_id).first()
    if donation is None:
        donation = Donation.objects.create(
            fund=schedule.fund,
            amount_fen=schedule.amount_fen,
            currency=schedule.currency,
            purpose=schedule.purpose,
            donor_name=schedule.donor_name,
            anonymous=schedule.anonymous,
            email=schedule.email,
            schedule=schedule,
            stripe_invoice_id=invoice_id,
        )
    donation = donation_book_payment(
        donation=donation, gross_fen=amount_fen, payment_intent=payment_intent, charge=charge, paid_at=paid_at
    )
    if schedule.status != GivingSchedule.Status.CANCELLED:
        schedule.status = GivingSchedule.Status.ACTIVE
    if next_payment_at and (schedule.next_payment_at is None or next_payment_at > schedule.next_payment_at):
        schedule.next_payment_at = next_payment_at
    schedule.save()
    return donation


@transaction.atomic
def giving_payment_failed(*, schedule, next_payment_at: dt.datetime | None = None):
    """A monthly payment failed: the schedule shows it; nothing is booked."""
    schedule = GivingSchedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status != GivingSchedule.Status.CANCELLED:
        schedule.status = GivingSchedule.Status.PAST_DUE
    schedule.last_failed_at = timezone.now()
    if next_payment_at:
        schedule.next_payment_at = next_payment_at
    schedule.save(update_fields=["status", "last_failed_at", "next_payment_at"])
    return schedule


@transaction.atomic
def giving_schedule_update(
    *, schedule, status: str | None = None, amount_fen: int | None = None, next_payment_at: dt.datetime | None = None
):
    """Stripe changed the subscription (``customer.subscription.updated``): its monthly amount,
    its status, its next payment. Books nothing. A cancelled schedule stays cancelled (Stripe
    never revives a cancelled subscription; a late event must not either)."""
    schedule = GivingSchedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status == GivingSchedule.Status.CANCELLED:
        return schedule
    changed = []
    if amount_fen is not None and amount_fen != schedule.amount_fen:
        donation_amount_validate(amount_fen)
        schedule.amount_fen = amount_fen
        changed.append("amount_fen")
    if status and status != schedule.status:
        if status == GivingSchedule.Status.CANCELLED:
            return giving_schedule_mark_cancelled(schedule=schedule)
        schedule.status = status
        changed.append("status")
    if next_payment_at and next_payment_at != schedule.next_payment_at:
        schedule.next_payment_at = next_payment_at
        changed.append("next_payment_at")
    if changed:
        schedule.save(update_fields=changed)
    return schedule


@transaction.atomic
def giving_schedule_mark_cancelled(*, schedule):
    schedule = GivingSchedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status != GivingSchedule.Status.CANCELLED:
        schedule.status = GivingSchedule.Status.CANCELLED
        schedule.cancelled_at = timezone.now()
        schedule.next_payment_at = None
        schedule.save(update_fields=["status", "cancelled_at", "next_payment_at"])
    return schedule


def giving_schedule_cancel(*, schedule):
    """The donor stops their monthly gift: cancelled at Stripe first (through the SDK), then here.
    Stripe's ``customer.subscription.deleted`` that follows changes nothing more."""
    if schedule.status == GivingSchedule.Status.CANCELLED:
        return schedule
    if schedule.stripe_subscription_id:
        try:
            stripe_client().v1.subscriptions.cancel(schedule.stripe_subscription_id)
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "http_status", None) != 404:  # already gone at Stripe: cancelled all the same
                logging.getLogger(__name__).warning("stripe subscription cancel failed: %s", exc)
                raise StateConflict(_("The payment service is not available; please try again.")) from exc
        except Exception as exc:
            logging.getLogger(__name__).warning("stripe subscription cancel failed: %s", exc)
            raise StateConflict(_("The payment service is not available; please try again.")) from exc
    with transaction.atomic():
        return giving_schedule_mark_cancelled(schedule=schedule)
