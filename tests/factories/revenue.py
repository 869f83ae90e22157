"""Revenue shares: a social enterprise and its agreement with a community fund, made through
``revenue_share_create`` by the fund's manager."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from apps.revenue.models import RevenueShareAgreement
from apps.revenue.services import revenue_share_create
from tests.factories.core import OrganizationFactory


class RevenueShareAgreementFactory(factory.django.DjangoModelFactory):
    """A year back to a year ahead, 30 % to the fund; pass ``actor`` (the fund's manager) and ``fund``."""

    class Meta:
        model = RevenueShareAgreement

    organization = factory.SubFactory(OrganizationFactory, enterprise=True)
    fund_share_percent = 30
    start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))

    @classmethod
    def _create(cls, model_class, **kwargs):
        return revenue_share_create(**kwargs)
