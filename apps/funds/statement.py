"""A fund's statement for accountants (#23): ``funds/<id>/statement.xlsx?from=&to=``.

Sheet one: the opening balance of the fund's money (unrestricted and restricted; not its bank
account, which is where money arrives from outside), every posted transfer of the period with the
fund's account and its counter-account in the codes of 民间非营利组织会计制度, the memo and kind in
the reader's language, the reference and the chain hash, and the closing balance; opening + the
transfers = closing. Sheet two: the restricted money per purpose (opening, in, out, closing).
Sums are the ledger's (``apps.ledger.books``), in SQL per account.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from rest_framework import permissions
from rest_framework.views import APIView

from apps.accounts.selectors import is_platform_staff
from apps.core.accounting import account_code, code_name, transfer_code
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.core.exports import XLSX_TYPE, export_row
from apps.core.models import Category
from apps.core.money import fen_to_decimal
from apps.core.selectors import policy_current
from apps.funds.access import fund_get_public, user_manages_fund
from apps.funds.models import Fund
from apps.funds.selectors import fund_account_ids
from apps.ledger.books import MOVING, balances_at, day_end, day_start, parse_day
from apps.ledger.labels import transfer_kind_label, transfer_memo_display
from apps.ledger.models import Account, Leg, Transfer

PARTY_OWNERS = ("organization", "cooperative", "coop_holder")  # counter-accounts named after a party


def fund_statement_lines(*, fund: Fund, start, end, mapping: dict) -> dict:
    """The statement's figures: ``opening``/``closing`` (fen, on the credit side: what the fund
    holds), ``lines`` (one per transfer), ``purposes`` (per restricted purpose)."""
    ids = fund_account_ids(fund)
    accounts = Account.objects.in_bulk(ids)
    begin, until = day_start(start), day_end(end)
    opening_by_account = balances_at(before=begin, accounts=ids)
    fund_legs = list(
        Leg.objects.filter(
            account_id__in=ids,
            transfer__phase__in=MOVING,
            created_at__gte=begin,  # the leg's copy of its transfer's time: one partition a year
            created_at__lt=until,
        )
        .order_by("created_at", "transfer_id", "id")
        .values_list("transfer_id", "account_id", "amount")
    )
    by_transfer: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for transfer_id, account_id, amount in fund_legs:
        by_transfer[transfer_id].append((account_id, amount))
    transfers = Transfer.objects.in_bulk(list(by_transfer))
    counters: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for transfer_id, owner_type, kind, name in (
        Leg.objects.filter(transfer_id__in=list(by_transfer))
        .exclude(account_id__in=ids)
        .order_by("id")
        .values_list("transfer_id", "account__owner_type", "account__kind", "account__name")
    ):
        code = account_code(mapping, owner_type, kind)
        party = name if owner_type in PARTY_OWNERS else ""
        counters[transfer_id].append((code, code_name(mapping, code), party))
    purpose_names = {c.code: c.display_name for c in Category.objects.all()}

    def purpose_of(account: Account) -> str:
        return account.kind.removeprefix("restricted:") if account.kind.startswith("restricted:") else ""

    balance = -sum(opening_by_account.values())
    opening = balance
    purposes: dict[str, dict] = {}
    for account_id, raw in opening_by_account.items():
        purpose = purpose_of(accounts[account_id])
        if purpose:
            purposes.setdefault(purpose, {"opening": 0, "in": 0, "out": 0})["opening"] += -raw
    lines = []
    for transfer_id, legs in by_transfer.items():
        t = transfers[transfer_id]
        net = -sum(amount for _account, amount in legs)  # into the fund is positive
        balance += net
        own = accounts[legs[0][0]]
        own_code = account_code(mapping, own.owner_type, own.kind)
        for account_id, amount in legs:
            purpose = purpose_of(accounts[account_id])
            if purpose:
                row = purposes.setdefault(purpose, {"opening": 0, "in": 0, "out": 0})
                row["in" if amount < 0 else "out"] += abs(amount)
        counter = counters.get(transfer_id, [])
        kind_code = transfer_code(mapping, t.kind)
        lines.append(
            {
                "time": t.created_at,
                "transfer": t.pk,
                "sequence": t.sequence,
                "kind": transfer_kind_label(t.kind),
                "kind_code": kind_code,
                "kind_code_name": code_name(mapping, kind_code),
                "account_code": own_code,
                "account_name": code_name(mapping, own_code),
                "purpose": purpose_names.get(purpose_of(own), purpose_of(own)),
                "counter_code": "、".join(dict.fromkeys(c for c, _n, _p in counter if c)),
                "counter_name": "、".join(dict.fromkeys(n or p for c, n, p in counter if n or p)),
                "counterparty": "、".join(dict.fromkeys(p for _c, _n, p in counter if p)),
                "memo": transfer_memo_display(t.kind, t.memo),
                "reference": t.reference,
                "in": max(net, 0),
                "out": max(-net, 0),
                "balance": balance,
                "hash": t.hash,
            }
        )
    for row in purposes.values():
        row["closing"] = row["opening"] + row["in"] - row["out"]
    return {
        "opening": opening,
        "closing": balance,
        "lines": lines,
        "purposes": {purpose_names.get(code, code): row for code, row in sorted(purposes.items())},
    }


def transfer_account_codes(transfers, *, fund: Fund) -> dict[int, dict]:
    """Transfer id → ``kind_code`` (what the movement is: 捐赠收入 4101, 筹资费用 5301…) and
    ``account_code`` (the fund's account it moved: 3101 or 3102), for the public books' CSV."""
    mapping = policy_current().ledger_account_codes
    ids = fund_account_ids(fund)
    own: dict[int, list[str]] = defaultdict(list)
    for transfer_id, owner_type, kind in Leg.objects.filter(
        transfer_id__in=[t.pk for t in transfers], account_id__in=ids
    ).values_list("transfer_id", "account__owner_type", "account__kind"):
        code = account_code(mapping, owner_type, kind)
        if code not in own[transfer_id]:
            own[transfer_id].append(code)
    return {
        t.pk: {"kind_code": transfer_code(mapping, t.kind), "account_code": "、".join(sorted(own.get(t.pk, [])))}
        for t in transfers
    }


def _yuan(fen: int):
    return fen_to_decimal(fen)


def fund_statement_xlsx(*, fund: Fund, start, end) -> bytes:
    mapping = policy_current().ledger_account_codes
    data = fund_statement_lines(fund=fund, start=start, end=end, mapping=mapping)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Statement"))
    sheet.append(export_row([_("Statement of %(fund)s") % {"fund": fund.name}]))
    sheet.append(export_row([_("Period"), start, end]))
    header = [
        _("time"),
        _("transfer ID"),
        _("sequence in the book"),
        _("kind"),
        _("income or expense code"),
        _("income or expense title"),
        _("fund account code"),
        _("fund account title"),
        _("purpose"),
        _("counter-account code"),
        _("counter-account title"),
        _("counterparty"),
        _("memo"),
        _("reference"),
        _("money in (yuan)"),
        _("money out (yuan)"),
        _("balance (yuan)"),
        _("ledger hash"),
    ]
    sheet.append(export_row(header))

    def balance_row(label, fen):
        row = [""] * len(header)
        row[3], row[-2] = label, _yuan(fen)
        return export_row(row)

    sheet.append(balance_row(_("Opening balance"), data["opening"]))
    for line in data["lines"]:
        sheet.append(
            export_row(
                [
                    line["time"],
                    line["transfer"],
                    line["sequence"],
                    line["kind"],
                    line["kind_code"],
                    line["kind_code_name"],
                    line["account_code"],
                    line["account_name"],
                    line["purpose"],
                    line["counter_code"],
                    line["counter_name"],
                    line["counterparty"],
                    line["memo"],
                    line["reference"],
                    _yuan(line["in"]),
                    _yuan(line["out"]),
                    _yuan(line["balance"]),
                    line["hash"],
                ]
            )
        )
    sheet.append(balance_row(_("Closing balance"), data["closing"]))
    restricted = book.create_sheet(_("Restricted money"))
    restricted.append(
        export_row(
            [_("purpose"), _("opening (yuan)"), _("money in (yuan)"), _("money out (yuan)"), _("closing (yuan)")]
        )
    )
    for purpose, row in data["purposes"].items():
        restricted.append(export_row([purpose, *(_yuan(row[key]) for key in ("opening", "in", "out", "closing"))]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class FundStatementXlsxView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="A fund's statement for its accountant (fund managers and platform staff)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: the first day of this year."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Default: today."),
        ],
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        fund = fund_get_public(pk)
        if not (is_platform_staff(request.user) or user_manages_fund(request.user, fund.pk)):
            raise PermissionDenied(_("Only the fund's managers and platform staff read its statement."))
        today = timezone.localdate()
        start = parse_day(request.query_params.get("from"), "from", default=today.replace(month=1, day=1))
        end = parse_day(request.query_params.get("to"), "to", default=today)
        if end < start:
            message = _("The end of the period is before its start.")
            raise ValidationFailed(message, field_errors={"to": message})
        response = HttpResponse(fund_statement_xlsx(fund=fund, start=start, end=end), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{fund.code}-statement-{start}-{end}.xlsx"'
        return response
