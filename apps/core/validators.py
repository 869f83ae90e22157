"""Identifiers of Chinese public administration."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """Check character of a unified social credit code (GB 32100-2015)."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length")
    if any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code uses only digits and the letters A–Y without I, O, S, V and Z."),
            code="charset",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this credit code is wrong."), code="check")


def validate_division_code(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 12 and value.isdigit()):
        raise ValidationError(_("A statistical division code has 12 digits."), code="division")
