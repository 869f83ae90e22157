"""Aggregates that give the same answer on every database."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum


class DecimalSum(Sum):
    """``Sum`` of a ``DecimalField``, rounded to the field's decimal places on every database.

    SQLite adds decimals as floating point numbers and Django hands back the result unrounded
    (54.17 hours came back as 54.1700000000000 and was shown so); PostgreSQL's numeric sum is
    already exact, so there this changes nothing."""

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._round]

    def _round(self, value, expression, connection):
        if value is None:
            return None
        return Decimal(value).quantize(Decimal(1).scaleb(-self.output_field.decimal_places))
