"""Funds: community funds, and money coming in. Income is booked through
``fund_income_record``: it posts a ledger transfer, which the ledger's triggers guard."""

from __future__ import annotations

import factory

from apps.funds.models import Fund, GivingSchedule, Income
from apps.funds.services import fund_income_record
from tests.factories.core import RegionFactory


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    community = factory.SubFactory(RegionFactory, level="community")
    code = factory.LazyAttribute(lambda f: f"fund-{f.community.code}")
    name = factory.LazyAttribute(lambda f: f"{f.community.name}基金")


class IncomeFactory(factory.django.DjangoModelFactory):
    """Money booked into a fund from the bank (amount in fen), through the service."""

    class Meta:
        model = Income

    fund = factory.SubFactory(FundFactory)
    amount_fen = 100_000_00
    source = "bank"
    idempotency_key = factory.Sequence(lambda n: f"factory-income-{n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return fund_income_record(**kwargs)


class GivingScheduleFactory(factory.django.DjangoModelFactory):
    """A monthly gift (定期捐赠) linked to a Stripe subscription (amount in fen)."""

    class Meta:
        model = GivingSchedule

    fund = factory.SubFactory(FundFactory)
    amount_fen = 100_00
    email = "donor@example.org"
    donor_name = "李明"
    anonymous = False
    status = GivingSchedule.Status.ACTIVE
    stripe_subscription_id = factory.Sequence(lambda n: f"sub_factory_{n}")
    stripe_customer_id = factory.Sequence(lambda n: f"cus_factory_{n}")
