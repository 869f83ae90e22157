"""Certification: an enterprise fit to be certified, the facts it applies with, and application
rows in any status (for pages and lists that only show or badge them; the workflow itself is
driven through the API in tests/certification)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.certification.models import AnnualReport, Application, Certificate, PanelMember
from tests.factories.core import OrganizationFactory, UserFactory

FACTS = {
    "salaried_staff": 6,
    "revenue_total": "1000000.00",
    "revenue_commercial": "700000.00",
    "profit_distributable": "200000.00",
    "profit_distributed": "50000.00",
    "mission_in_articles": True,
    "asset_lock": True,
    "mission_statement": "为玉林社区老人提供助餐服务，盈利主要用于社区公益。",
    "beneficiaries": "玉林街道独居老人",
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application row in ``status`` (draft unless told), written directly."""

    class Meta:
        model = Application

    organization = factory.SubFactory(OrganizationFactory, enterprise=True)
    salaried_staff = 5
    revenue_total = Decimal("100")
    revenue_commercial = Decimal("60")
    profit_distributable = Decimal("10")
    profit_distributed = Decimal("1")
    mission_statement = "助老"
    created_by = factory.SubFactory(UserFactory)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid certificate for a certified application, written directly (certification itself
    is driven through the workflow in tests/certification)."""

    class Meta:
        model = Certificate

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.CERTIFIED)
    organization = factory.SelfAttribute("application.organization")
    certificate_no = factory.Sequence(lambda n: f"SE2026{n:05d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda c: c.valid_from + dt.timedelta(days=3 * 365))


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.EXPERT_REVIEW)
    reviewer = factory.SubFactory(UserFactory)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    certificate = factory.SubFactory(CertificateFactory)
    period = factory.Sequence(lambda n: n + 1)
    due_on = factory.LazyAttribute(lambda r: r.certificate.valid_from + dt.timedelta(days=365 * r.period))
