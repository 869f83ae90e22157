"""The check-in codes of a shift, signed with the site's secret and computed, never stored.

A code names its shift, its time step and the community member who shows it (the witness), and
carries an HMAC of the three. It rotates every ``checkin_code_seconds`` (policy): the code of the
current step and of the one before are accepted, so a code scanned just before it turns still
works. A poster carries the day's code instead (step ``dYYYYMMDD``), valid all that day.

Two forms of the same code:
- the token in the QR code, ``<shift>-<step>-<witness>-<mac>``, which says which shift it is for;
- six characters for typing, from the same HMAC; it is checked against every witness the shift's
  community has, for the current and previous step and the day.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "apps.shifts.codes"
# No 0/O, 1/I/L: six characters a person reads off a screen and types on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
DIGIT_POSITION = 3
SHORT_LENGTH = 6
# How far back a short code is still recognised as this shift's, to say "expired" rather than "wrong".
EXPIRED_LOOKBACK_STEPS = 30


@dataclass(frozen=True)
class Code:
    token: str
    short: str
    step: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class CodeMatch:
    witness_id: int
    step: str
    fresh: bool


def _step_number(now: dt.datetime, seconds: int) -> int:
    return int(now.timestamp()) // seconds


def _day_step(now: dt.datetime) -> str:
    return f"d{timezone.localtime(now):%Y%m%d}"


def _mac(shift_id: int, step: str, witness_id: int) -> str:
    return salted_hmac(SALT, f"{shift_id}:{step}:{witness_id}", algorithm="sha256").hexdigest()


def _short(mac_hex: str) -> str:
    """Six characters; the fourth is always a digit, so the code never reads as a word."""
    number = int(mac_hex[:16], 16)
    chars = []
    for position in range(SHORT_LENGTH):
        alphabet = DIGITS if position == DIGIT_POSITION else ALPHABET
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def _code(shift_id: int, step: str, witness_id: int, expires_at: dt.datetime) -> Code:
    mac = _mac(shift_id, step, witness_id)
    return Code(token=f"{shift_id}-{step}-{witness_id}-{mac[:20]}", short=_short(mac), step=step, expires_at=expires_at)


def rotating_code(*, shift_id: int, witness_id: int, seconds: int, now: dt.datetime) -> Code:
    """The code shown now: valid until the end of its step (and, for a late scan, one step more)."""
    number = _step_number(now, seconds)
    expires_at = dt.datetime.fromtimestamp((number + 1) * seconds, tz=dt.UTC)
    return _code(shift_id, str(number), witness_id, expires_at)


def day_code(*, shift_id: int, witness_id: int, now: dt.datetime) -> Code:
    """The poster's code, valid on this local day."""
    local = timezone.localtime(now)
    end = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time()))
    return _code(shift_id, _day_step(now), witness_id, end)


class CodeRefused(Exception):
    """Why a code is not accepted: ``reason`` is one of "foreign", "expired", "invalid"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize(code: str) -> str:
    code = (code or "").strip()
    if "-" in code:
        return code
    return code.upper().replace(" ", "")


def code_match(*, code: str, shift_id: int, witness_ids, seconds: int, now: dt.datetime) -> CodeMatch:
    """Which witness showed ``code`` for this shift now, or ``CodeRefused``."""
    code = normalize(code)
    number = _step_number(now, seconds)
    today = _day_step(now)
    if "-" in code:
        parts = code.split("-")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
            raise CodeRefused("invalid")
        code_shift, step, witness, mac = int(parts[0]), parts[1], int(parts[2]), parts[3]
        if code_shift != shift_id:
            raise CodeRefused("foreign")
        if witness not in witness_ids or not hmac.compare_digest(_mac(shift_id, step, witness)[:20], mac):
            raise CodeRefused("invalid")
        fresh = step == today or (step.isdigit() and number - 1 <= int(step) <= number)
        if not fresh:
            raise CodeRefused("expired")
        return CodeMatch(witness_id=witness, step=step, fresh=True)
    if len(code) != SHORT_LENGTH:
        raise CodeRefused("invalid")
    fresh_steps = [str(number), str(number - 1), today]
    for witness in witness_ids:
        for step in fresh_steps:
            if hmac.compare_digest(_short(_mac(shift_id, step, witness)), code):
                return CodeMatch(witness_id=witness, step=step, fresh=True)
    yesterday = _day_step(now - dt.timedelta(days=1))
    old_steps = [yesterday, *(str(number - k) for k in range(2, EXPIRED_LOOKBACK_STEPS))]
    for witness in witness_ids:
        for step in old_steps:
            if hmac.compare_digest(_short(_mac(shift_id, step, witness)), code):
                raise CodeRefused("expired")
    raise CodeRefused("invalid")
