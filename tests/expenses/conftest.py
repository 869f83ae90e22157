from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.expenses.models import BudgetLine
from apps.expenses.services import budget_lines_ensure
from apps.projects.models import Project
from tests.factories.core import OrganizationFactory
from tests.factories.expenses import budgeted_project


@dataclass
class Scene:
    project: Project
    org_admin: object
    org_member: object
    staff: object
    manager: object
    manager2: object
    other_admin: object
    other_staff: object
    outsider: object

    def line(self, position: int) -> BudgetLine:
        budget_lines_ensure(project=self.project)
        return BudgetLine.objects.get(project=self.project, position=position)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


@pytest.fixture
def scene(city, organization, make_user) -> Scene:
    project = budgeted_project(
        community=city.community,
        organization=organization,
        fund=city.fund,
        lines=[("场地租赁", Decimal("3000.00")), ("活动物资", Decimal("1500.50"))],
    )
    other_org = OrganizationFactory(region=city.district)
    return Scene(
        project=project,
        org_admin=make_user("org_admin", organization=organization),
        org_member=make_user("org_member", organization=organization),
        staff=make_user("community_staff", community=city.community),
        manager=make_user("fund_manager", fund=city.fund),
        manager2=make_user("fund_manager", fund=city.fund),
        other_admin=make_user("org_admin", organization=other_org),
        other_staff=make_user("community_staff", community=city.other_community),
        outsider=make_user(),
    )


@pytest.fixture
def spent_on(scene):
    return max(scene.project.start_date, min(timezone.localdate(), scene.project.end_date))
