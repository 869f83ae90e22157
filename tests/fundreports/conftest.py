"""A fund's books for this quarter, shared by the report tests and the browser test."""

import pytest
from django.db import transaction
from django.utils import timezone

from apps.funds.models import Donation
from apps.funds.payouts import award_reserve, milestone_payout
from apps.funds.services import donation_book_payment, fund_income_record
from apps.ledger.services import digest_make
from apps.projects.models import Milestone
from tests.factories.projects import ServiceLogFactory
from tests.funds.conftest import project_factory  # noqa: F401, F811 - fixture shared with the funds tests


def _donate(fund, fen, email):
    donation = Donation.objects.create(fund=fund, amount_fen=fen, email=email, donor_name="李明", anonymous=False)
    return donation_book_payment(donation=donation, gross_fen=fen)


@pytest.fixture
def books(city, project_factory):  # noqa: F811
    """This quarter's books of 玉林东路社区's fund: a bank income, three gifts (two donors with an
    address, one twice), a reserved project with one accepted and paid milestone, 6 confirmed hours."""
    with transaction.atomic():  # the browser test runs outside the test transaction on PostgreSQL
        fund = city.fund
        fund_income_record(fund=fund, amount_fen=200_000, source="成都银行转账", idempotency_key="q-income")
        _donate(fund, 10_000, "a@example.org")
        _donate(fund, 20_000, "A@example.org")
        _donate(fund, 5_000, "b@example.org")
        _donate(fund, 3_000, "")
        project = project_factory(amounts=("600.00", "400.00"))
        award_reserve(need=project.need, proposal=project.proposal)
        first = project.milestones.order_by("position").first()
        Milestone.objects.filter(pk=first.pk).update(status=Milestone.Status.ACCEPTED, accepted_at=timezone.now())
        milestone_payout(milestone=first)
        ServiceLogFactory(project=project, hours="6.00", confirmed_at=timezone.now())
        digest_make(date=timezone.localdate())
    return fund, project
