"""Cooperatives: a cooperative registered through ``cooperative_create`` and a year's profit
recorded through ``profit_record`` (it books income in the ledger), with its financial statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cooperatives.models import Cooperative, CooperativeProfit
from apps.cooperatives.services import cooperative_create, profit_record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def statement(content=PDF, name="年度财务报表.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CooperativeFactory(factory.django.DjangoModelFactory):
    """Registered by ``actor`` (the community's staff), founded on ``registered_on`` (2015-03-01)."""

    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"玉林东路社区股份经济合作社{n}")
    registered_capital = Decimal("500000.00")
    registered_on = dt.date(2015, 3, 1)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return cooperative_create(**kwargs)


class CooperativeProfitFactory(factory.django.DjangoModelFactory):
    """``amount`` (yuan) recorded by ``actor`` as the profit of ``fiscal_year``."""

    class Meta:
        model = CooperativeProfit

    amount = Decimal("10000.00")
    statement = factory.LazyFunction(statement)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return profit_record(**kwargs)
