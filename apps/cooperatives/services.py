"""Writes of equity cooperation: the cooperative, its register, its recorded profits and
distributions (declared by the cooperative's managers, approved by the community fund's manager;
only approval books them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import is_platform_staff, user_community_ids
from apps.certification.selectors import organization_is_certified_social_enterprise
from apps.cooperatives import booking
from apps.cooperatives.access import (
    require_distribution_approver,
    require_distribution_viewer,
    require_dividend_declarer,
    require_manager,
)
from apps.cooperatives.models import (
    Cooperative,
    CooperativeProfit,
    Distribution,
    DistributionAllocation,
    ShareEntry,
    ShareHolder,
    ShareTransfer,
)
from apps.cooperatives.waterfall import Waterfall, waterfall_compute
from apps.core.errors import PermissionDenied, StateConflict, ValidationFailed
from apps.core.money import decimal_to_fen, fen_to_decimal
from apps.core.selectors import policy_current
from apps.core.uploads import validate_upload


def cooperative_is_certified_social_enterprise(coop: Cooperative, on=None) -> bool:
    """True when the cooperative's organization holds a valid social-enterprise certificate on
    ``on`` (today by default): then the dividend pool is capped by policy."""

    if coop.organization_id is None:
        return False
    return organization_is_certified_social_enterprise(coop.organization, on=on or timezone.localdate())


@transaction.atomic
def cooperative_create(
    *,
    actor,
    name: str,
    community,
    registered_capital: Decimal,
    organization=None,
    public_welfare_percent=None,
    registered_on: dt.date | None = None,
) -> Cooperative:
    if not (is_platform_staff(actor) or community.pk in user_community_ids(actor)):
        raise PermissionDenied(_("Only the community's staff or platform staff may register a cooperative."))
    errors = {}
    if community.level != "community":
        errors["community"] = [_("Choose a community.")]
    if not name.strip():
        errors["name"] = [_("Required.")]
    if registered_capital < 0:
        errors["registered_capital"] = [_("Must not be negative.")]
    if public_welfare_percent is not None and not 0 <= public_welfare_percent <= 100:
        errors["public_welfare_percent"] = [_("A percentage from 0 to 100.")]
    if registered_on is not None and registered_on > timezone.localdate():
        errors["registered_on"] = [_("The registration date must not be in the future.")]
    if errors:
        raise ValidationFailed(_("Invalid cooperative."), field_errors=errors)
    coop = Cooperative(
        name=name.strip(),
        community=community,
        registered_capital=registered_capital,
        organization=organization,
        registered_on=registered_on,
        created_by=actor,
    )
    if public_welfare_percent is not None:
        coop.public_welfare_percent = public_welfare_percent
    coop.save()
    return coop


def _lock(coop: Cooperative) -> Cooperative:
    return Cooperative.objects.select_for_update().get(pk=coop.pk)


def _community_and_total_shares(coop: Cooperative) -> tuple[int, int]:
    rows = coop.holders.values_list("holder_type").annotate(total=Sum("shares")).values_list("holder_type", "total")
    by_type = {holder_type: int(total or 0) for holder_type, total in rows}
    return by_type.get(ShareHolder.HolderType.COMMUNITY, 0), sum(by_type.values())


def _require_community_majority(coop: Cooperative, *, community_delta: int, total_delta: int) -> None:
    """Policy ``cooperative_community_majority``: while it is on, the community's holders must
    hold more than half of the shares. An issue or a transfer after which they would hold 50 % or
    less is refused (400 on ``shares``), unless it raises their proportion (a register that
    predates the policy may move towards the majority). Call with the cooperative locked."""
    if not policy_current().cooperative_community_majority:
        return
    community, total = _community_and_total_shares(coop)
    community_after, total_after = community + community_delta, total + total_delta
    if total_after == 0 or community_after * 2 > total_after:
        return
    if total and community_after * total > community * total_after:
        return
    message = _(
        "Refused by the rule that the community holds the majority (policy: cooperative_community_majority): "
        "after this the community's holders would hold %(community)s of %(total)s shares, not more than half."
    ) % {"community": community_after, "total": total_after}
    raise ValidationFailed(message, field_errors={"shares": [message]})


@transaction.atomic
def holder_add(
    *, actor, cooperative: Cooperative, name: str, holder_type: str, shares: int, certificate_no: str, holder_user=None
) -> ShareHolder:
    """A new holder subscribing ``shares`` newly issued shares (an ``issue`` entry)."""
    require_manager(actor, cooperative)
    coop = _lock(cooperative)
    errors = {}
    if shares < 0:
        errors["shares"] = [_("Must not be negative.")]
    if coop.holders.filter(certificate_no=certificate_no).exists():
        errors["certificate_no"] = [_("This certificate number is already in the register.")]
    if holder_type not in ShareHolder.HolderType.values:
        errors["holder_type"] = [_("Unknown holder type.")]
    if errors:
        raise ValidationFailed(_("Invalid holder."), field_errors=errors)
    if shares:
        is_community = holder_type == ShareHolder.HolderType.COMMUNITY
        _require_community_majority(coop, community_delta=shares if is_community else 0, total_delta=shares)
    holder = ShareHolder.objects.create(
        cooperative=coop,
        name=name.strip(),
        holder_type=holder_type,
        shares=shares,
        certificate_no=certificate_no.strip(),
        user=holder_user,
    )
    if shares:
        ShareEntry.objects.create(
            cooperative=coop, holder=holder, kind=ShareEntry.Kind.ISSUE, delta=shares, effective_on=timezone.localdate()
        )
    return holder


@transaction.atomic
def share_transfer_create(
    *, actor, cooperative: Cooperative, from_holder: ShareHolder, to_holder: ShareHolder, shares: int
) -> ShareTransfer:
    require_manager(actor, cooperative)
    coop = _lock(cooperative)
    errors = {}
    if shares <= 0:
        errors["shares"] = [_("Transfer at least one share.")]
    if from_holder.cooperative_id != coop.pk:
        errors["from_holder"] = [_("Not a holder of this cooperative.")]
    if to_holder.cooperative_id != coop.pk:
        errors["to_holder"] = [_("Not a holder of this cooperative.")]
    if from_holder.pk == to_holder.pk:
        errors["to_holder"] = [_("Choose another holder.")]
    if errors:
        raise ValidationFailed(_("Invalid transfer."), field_errors=errors)
    source = ShareHolder.objects.select_for_update().get(pk=from_holder.pk)
    target = ShareHolder.objects.select_for_update().get(pk=to_holder.pk)
    if source.shares < shares:
        raise ValidationFailed(
            _("The holder has only %(n)s shares.") % {"n": source.shares},
            field_errors={"shares": [_("The holder has only %(n)s shares.") % {"n": source.shares}]},
        )
    community = ShareHolder.HolderType.COMMUNITY
    community_delta = (shares if target.holder_type == community else 0) - (
        shares if source.holder_type == community else 0
    )
    _require_community_majority(coop, community_delta=community_delta, total_delta=0)
    today = timezone.localdate()
    transfer = ShareTransfer.objects.create(
        cooperative=coop, from_holder=source, to_holder=target, shares=shares, transferred_on=today, created_by=actor
    )
    ShareEntry.objects.bulk_create(
        [
            ShareEntry(
                cooperative=coop, holder=source, kind="transfer", delta=-shares, transfer=transfer, effective_on=today
            ),
            ShareEntry(
                cooperative=coop, holder=target, kind="transfer", delta=shares, transfer=transfer, effective_on=today
            ),
        ]
    )
    source.shares -= shares
    target.shares += shares
    source.save(update_fields=["shares"])
    target.save(update_fields=["shares"])
    return transfer


def holdings_on(coop: Cooperative, record_date: dt.date) -> list[tuple[ShareHolder, int]]:
    """Shares each holder held at the end of ``record_date``, from the register's journal."""
    sums = dict(
        coop.share_entries.filter(effective_on__lte=record_date)
        .values_list("holder_id")
        .annotate(total=Sum("delta"))
        .values_list("holder_id", "total")
    )
    holders = coop.holders.filter(pk__in=sums).order_by("id")
    return [(h, int(sums[h.pk])) for h in holders if sums[h.pk] > 0]


def register_is_consistent(coop: Cooperative) -> bool:
    """Each holder's shares equal the sum of its entries; no holding is negative."""
    sums = dict(coop.share_entries.values_list("holder_id").annotate(t=Sum("delta")).values_list("holder_id", "t"))
    return all(h.shares == sums.get(h.pk, 0) >= 0 for h in coop.holders.all())


def fiscal_year_errors(coop: Cooperative, fiscal_year: int) -> dict:
    """A fiscal year runs from the cooperative's founding year to last year (Asia/Shanghai)."""
    first, last = coop.founding_year, timezone.localdate().year - 1
    if first <= fiscal_year <= last:
        return {}
    if first > last:
        message = _("The cooperative was founded in %(first)s: its first fiscal year has not ended yet.") % {
            "first": first
        }
    else:
        message = _("A fiscal year from %(first)s (the cooperative's founding) to %(last)s.") % {
            "first": first,
            "last": last,
        }
    return {"fiscal_year": [message]}


def profit_available(coop: Cooperative, fiscal_year: int) -> Decimal:
    """The recorded profit of ``fiscal_year`` that no declared or approved distribution takes."""
    profit = coop.profits.filter(fiscal_year=fiscal_year).values_list("amount", flat=True).first()
    taken = (
        coop.distributions.filter(fiscal_year=fiscal_year)
        .exclude(status=Distribution.Status.REJECTED)
        .aggregate(total=Sum("distributable_profit"))["total"]
    )
    return (profit or Decimal("0.00")) - (taken or Decimal("0.00"))


@transaction.atomic
def profit_record(
    *, actor, cooperative: Cooperative, fiscal_year: int, amount: Decimal, statement
) -> CooperativeProfit:
    """Record a year's profit, with the year's financial statement (a PDF, image or Office file,
    checked by content), as income to the cooperative's ``undistributed_profit`` account. Once per
    fiscal year (409 after)."""
    require_dividend_declarer(actor, cooperative)
    coop = _lock(cooperative)
    errors = fiscal_year_errors(coop, fiscal_year)
    if amount <= 0:
        errors["amount"] = [_("A positive amount.")]
    mime = None
    if statement is None:
        errors["statement"] = [_("Upload the year's financial statement.")]
    else:
        try:
            mime = validate_upload(statement)
        except ValidationError as exc:
            errors["statement"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(_("Invalid profit record."), field_errors=errors)
    if coop.profits.filter(fiscal_year=fiscal_year).exists():
        raise StateConflict(_("The profit of %(year)s was already recorded.") % {"year": fiscal_year})
    profit = CooperativeProfit.objects.create(
        cooperative=coop,
        fiscal_year=fiscal_year,
        amount=amount,
        statement=statement,
        statement_name=statement.name[-200:],
        statement_mime=mime,
        recorded_by=actor,
    )
    profit.transfer_id_text = booking.book_profit(profit=profit)
    profit.save(update_fields=["transfer_id_text"])
    return profit


def distribution_preview(
    *,
    actor,
    cooperative: Cooperative,
    fiscal_year: int,
    distributable_profit: Decimal,
    prior_losses: Decimal,
    record_date: dt.date | None = None,
) -> tuple[Waterfall, dict]:
    require_distribution_viewer(actor, cooperative)
    today = timezone.localdate()
    record_date = record_date or today
    errors = fiscal_year_errors(cooperative, fiscal_year)
    if not errors and distributable_profit > (available := profit_available(cooperative, fiscal_year)):
        errors["distributable_profit"] = [
            _(
                "At most ¥%(available)s can be distributed: the recorded profit of %(year)s not yet distributed. "
                "Record the year's profit with its financial statement first."
            )
            % {"available": f"{available:.2f}", "year": fiscal_year}
        ]
    if record_date > today:
        errors["record_date"] = [_("The record date must not be in the future.")]
    if distributable_profit < 0:
        errors["distributable_profit"] = [_("Must not be negative.")]
    if prior_losses < 0:
        errors["prior_losses"] = [_("Must not be negative.")]
    if errors:
        raise ValidationFailed(_("Invalid distribution."), field_errors=errors)
    policy = policy_current()
    certified = cooperative_is_certified_social_enterprise(cooperative)
    cap_percent = policy.dividend_cap_percent if certified else None
    waterfall = waterfall_compute(
        distributable_profit=decimal_to_fen(distributable_profit),
        prior_losses=decimal_to_fen(prior_losses),
        reserve_percent=policy.statutory_reserve_percent,
        welfare_percent=cooperative.public_welfare_percent,
        cap_percent=cap_percent,
        holdings=holdings_on(cooperative, record_date),
        rotation=cooperative.distributions.count(),
    )
    meta = {
        "policy": policy,
        "record_date": record_date,
        "cap_percent": cap_percent,
        "certified_social_enterprise": certified,
    }
    return waterfall, meta


@transaction.atomic
def distribution_create(
    *,
    actor,
    cooperative: Cooperative,
    fiscal_year: int,
    distributable_profit: Decimal,
    prior_losses: Decimal,
    record_date: dt.date | None = None,
) -> Distribution:
    """Declare a distribution (status ``declared``): the waterfall is fixed now, on the shares held
    on ``record_date``; nothing is booked until the community fund's manager approves it."""
    require_dividend_declarer(actor, cooperative)
    coop = _lock(cooperative)
    if coop.distributions.filter(fiscal_year=fiscal_year).exclude(status=Distribution.Status.REJECTED).exists():
        raise StateConflict(_("The fiscal year %(year)s was already distributed.") % {"year": fiscal_year})
    waterfall, meta = distribution_preview(
        actor=actor,
        cooperative=coop,
        fiscal_year=fiscal_year,
        distributable_profit=distributable_profit,
        prior_losses=prior_losses,
        record_date=record_date,
    )
    try:
        with transaction.atomic():
            distribution = Distribution.objects.create(
                cooperative=coop,
                fiscal_year=fiscal_year,
                record_date=meta["record_date"],
                distributable_profit=fen_to_decimal(waterfall.distributable_profit),
                prior_losses=fen_to_decimal(waterfall.prior_losses),
                losses_covered=fen_to_decimal(waterfall.losses_covered),
                reserve=fen_to_decimal(waterfall.reserve),
                public_welfare=fen_to_decimal(waterfall.public_welfare),
                dividend_pool=fen_to_decimal(waterfall.dividend_pool),
                retained=fen_to_decimal(waterfall.retained),
                statutory_reserve_percent=meta["policy"].statutory_reserve_percent,
                public_welfare_percent=coop.public_welfare_percent,
                dividend_cap_percent=meta["cap_percent"],
                policy_version=meta["policy"],
                created_by=actor,
            )
    except IntegrityError:
        raise StateConflict(_("The fiscal year %(year)s was already distributed.") % {"year": fiscal_year}) from None
    DistributionAllocation.objects.bulk_create(
        [
            DistributionAllocation(distribution=distribution, holder=holder, shares=shares, amount=fen_to_decimal(fen))
            for holder, shares, fen in waterfall.allocations
        ]
    )
    return distribution


def _locked_distribution(distribution: Distribution) -> Distribution:
    return Distribution.objects.select_for_update().select_related("cooperative__community").get(pk=distribution.pk)


@transaction.atomic
def distribution_approve(*, actor, distribution: Distribution) -> Distribution:
    """The community fund's manager (not the declarer) approves: the distribution is booked out of
    the cooperative's undistributed profit, to the fund, the holders and the parts that stay."""
    distribution = _locked_distribution(distribution)
    require_distribution_approver(actor, distribution)
    if distribution.status != Distribution.Status.DECLARED:
        raise StateConflict(
            _("Only a declared distribution can be approved; this one is %(status)s.")
            % {"status": distribution.get_status_display()}
        )
    distribution.status = Distribution.Status.APPROVED
    distribution.decided_by = actor
    distribution.decided_at = timezone.now()
    distribution.transfer_id_text = booking.book_distribution(distribution=distribution)
    distribution.save(update_fields=["status", "decided_by", "decided_at", "transfer_id_text"])
    return distribution


@transaction.atomic
def distribution_reject(*, actor, distribution: Distribution, reason: str) -> Distribution:
    """The community fund's manager sends a declaration back; the year may be declared again."""
    distribution = _locked_distribution(distribution)
    require_distribution_approver(actor, distribution)
    if distribution.status != Distribution.Status.DECLARED:
        raise StateConflict(
            _("Only a declared distribution can be rejected; this one is %(status)s.")
            % {"status": distribution.get_status_display()}
        )
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why."), field_errors={"reason": [_("Say why the distribution is rejected.")]})
    distribution.status = Distribution.Status.REJECTED
    distribution.reject_reason = reason.strip()[:500]
    distribution.decided_by = actor
    distribution.decided_at = timezone.now()
    distribution.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    return distribution


@transaction.atomic
def dividend_pay(*, actor, allocation: DistributionAllocation) -> DistributionAllocation:
    """Pay one holder's dividend of a distribution: booked through the ledger exactly once. The
    allocation row is locked, so a second (even concurrent) payment finds it paid: 409."""
    allocation = (
        DistributionAllocation.objects.select_for_update()
        .select_related("distribution", "holder__cooperative")
        .get(pk=allocation.pk)
    )
    require_manager(actor, allocation.holder.cooperative)
    if allocation.distribution.status != Distribution.Status.APPROVED:
        raise StateConflict(_("The distribution is not approved yet: nothing is owed."))
    if allocation.paid_at is not None:
        raise StateConflict(_("This dividend was already paid."))
    if allocation.amount <= 0:
        raise StateConflict(_("There is nothing to pay to this holder."))
    allocation.payout_transfer_id_text = booking.book_dividend_payout(allocation=allocation)
    allocation.paid_at = timezone.now()
    allocation.paid_by = actor
    allocation.save(update_fields=["paid_at", "paid_by", "payout_transfer_id_text"])
    return allocation
