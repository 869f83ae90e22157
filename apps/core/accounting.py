"""Account codes of 民间非营利组织会计制度 (the accounting system of private non-profit
organizations, which the host foundation keeps) for the ledger's accounts and transfer kinds.

The ledger books in its own terms (``owner_type``/``kind``, integer fen). Accountants read a
trial balance, a statement or a general ledger in the chart's codes, so every export carries the
code this mapping gives. It is policy data (``PolicyVersion.ledger_account_codes``): when the host's
accountant prefers another code, platform staff save a new policy version; nothing is re-booked.

The mapping has three parts:

- ``accounts``: ``"<owner_type>:<kind>"`` → code, the balance-sheet side of each ledger account.
  A key ending in ``*`` covers every kind with that prefix (``fund:restricted:*``: money
  restricted to a purpose, whatever the purpose). An empty code means the account is not in the
  host foundation's books at all (a cooperative keeps its own books under another system);
- ``transfers``: transfer kind → the income or expense code of what the movement is in the
  foundation's books (a donation is 捐赠收入, a card fee 筹资费用, a grant payout 业务活动成本);
  the ledger itself moves net assets directly, so this is the column an accountant posts by;
- ``names``: code → ``[Chinese name, English name]`` as the chart names it.

Why each account has its code:

- ``platform:stripe_balance`` 1009 其他货币资金: money held at the card processor, not yet in a bank;
- ``fund:bank`` 1002 银行存款: the fund's bank account (income outside Stripe, revenue share);
- ``fund:available`` 3101 非限定性净资产 and ``fund:restricted:*`` 3102 限定性净资产: what the
  fund holds, free or restricted by the donor to a purpose;
- ``fund_receivable:receivable:revenue_share`` 1121 应收账款: revenue share an organization owes;
- ``organization:grants_received`` 2209 其他应付款: grants awarded and paid to an organization,
  owed to it until the bank pays them out; ``organization:revenue_share_payable`` 2209 as well
  (the organization's side of the receivable above; the two net out when settled);
- ``host_cover:refund_cover`` 5401 其他费用: refunds the host foundation paid from its own means;
- ``cooperative:*`` and ``coop_holder:dividends_payable``: no code, a cooperative's books
  (农民专业合作社财务会计制度) are not the foundation's; the public-welfare share a cooperative gives
  to a fund arrives as a ``dividend`` transfer, which is 4101 捐赠收入 on the fund's side.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Every (owner_type, kind) the money services create (tests/ledger/test_money_state_machine.py
# lists them by role); ``fund:restricted:<purpose>`` is one per purpose.
DEFAULT_ACCOUNT_CODES = {
    "platform:stripe_balance": "1009",
    "fund:bank": "1002",
    "fund:available": "3101",
    "fund:restricted:*": "3102",
    "fund_receivable:receivable:revenue_share": "1121",
    "organization:grants_received": "2209",
    "organization:revenue_share_payable": "2209",
    "host_cover:refund_cover": "5401",
    "cooperative:external_revenue": "",
    "cooperative:bank": "",
    "cooperative:undistributed_profit": "",
    "cooperative:statutory_reserve": "",
    "cooperative:losses_covered": "",
    "cooperative:retained_earnings": "",
    "coop_holder:dividends_payable": "",
}
DEFAULT_TRANSFER_CODES = {
    "donation": "4101",
    "income": "4101",  # gifts by bank transfer or in cash, recorded by the fund manager
    "stripe_fee": "5301",
    "refund": "4101",  # a returned gift reduces the donation income
    "dispute": "4101",
    "refund_cover": "5401",
    "dispute_cover": "5401",
    "grant": "5101",
    "grant_payout": "5101",
    "expense_payout": "5101",
    "revenue_share_receivable": "4301",
    "revenue_share": "4301",
    "dividend": "4101",  # on the fund's side: the cooperative's public-welfare share is a gift
    "coop_profit": "",
    "dividend_payout": "",
}
DEFAULT_CODE_NAMES = {
    "1002": ["银行存款", "Bank deposits"],
    "1009": ["其他货币资金", "Other monetary funds"],
    "1121": ["应收账款", "Accounts receivable"],
    "2209": ["其他应付款", "Other payables"],
    "3101": ["非限定性净资产", "Unrestricted net assets"],
    "3102": ["限定性净资产", "Restricted net assets"],
    "4101": ["捐赠收入", "Donation income"],
    "4301": ["提供服务收入", "Service income"],
    "5101": ["业务活动成本", "Programme costs"],
    "5301": ["筹资费用", "Fundraising costs"],
    "5401": ["其他费用", "Other expenses"],
}


def ledger_account_codes_default() -> dict:
    """The default of ``PolicyVersion.ledger_account_codes`` (a fresh copy each time)."""
    return {
        "accounts": dict(DEFAULT_ACCOUNT_CODES),
        "transfers": dict(DEFAULT_TRANSFER_CODES),
        "names": {code: list(names) for code, names in DEFAULT_CODE_NAMES.items()},
    }


_CODE = re.compile(r"^\d{4,8}$")
_ACCOUNT_KEY = re.compile(r"^[a-z_]+:[a-z_:]*\*?$")


def validate_ledger_account_codes(value) -> None:
    """Three mappings; codes of 4 to 8 digits (or empty: not in the foundation's books), each
    with a name; every account kind the platform creates has a code."""
    if not isinstance(value, dict) or set(value) != {"accounts", "transfers", "names"}:
        raise ValidationError(_("Give the three parts: accounts, transfers and names."))
    accounts, transfers, names = value["accounts"], value["transfers"], value["names"]
    if not all(isinstance(part, dict) for part in (accounts, transfers, names)):
        raise ValidationError(_("Each part is a mapping."))
    bad_keys = [key for key in accounts if not isinstance(key, str) or not _ACCOUNT_KEY.match(key)]
    if bad_keys:
        raise ValidationError(
            _("Account keys read owner:kind (a trailing * covers a prefix): %(keys)s"),
            params={"keys": ", ".join(map(str, bad_keys))},
        )
    missing = sorted(set(DEFAULT_ACCOUNT_CODES) - set(accounts))
    if missing:
        raise ValidationError(_("These accounts have no code: %(keys)s"), params={"keys": ", ".join(missing)})
    codes = [*accounts.values(), *transfers.values()]
    bad = sorted({str(c) for c in codes if not isinstance(c, str) or (c and not _CODE.match(c))})
    if bad:
        raise ValidationError(_("Codes are 4 to 8 digits: %(codes)s"), params={"codes": ", ".join(bad)})
    unnamed = sorted({c for c in codes if c} - set(names))
    if unnamed:
        raise ValidationError(_("These codes have no name: %(codes)s"), params={"codes": ", ".join(unnamed)})
    for code, pair in names.items():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) and n for n in pair)):
            raise ValidationError(_("The name of %(code)s is a Chinese and an English name."), params={"code": code})


def account_code(mapping: dict, owner_type: str, kind: str) -> str:
    """The chart's code of a ledger account ("" when it has none)."""
    accounts = mapping.get("accounts", {})
    key = f"{owner_type}:{kind}"
    if key in accounts:
        return accounts[key]
    prefixes = [k for k in accounts if k.endswith("*") and key.startswith(k[:-1])]
    return accounts[max(prefixes, key=len)] if prefixes else ""


def transfer_code(mapping: dict, kind: str) -> str:
    """The income or expense code of a transfer kind ("" when it has none)."""
    return mapping.get("transfers", {}).get(kind, "")


def code_name(mapping: dict, code: str) -> str:
    """The chart's name of a code in the page's language ("" for no code)."""
    pair = mapping.get("names", {}).get(code)
    if not pair:
        return ""
    return pair[1] if (get_language() or "").startswith("en") else pair[0]
