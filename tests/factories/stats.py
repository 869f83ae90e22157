from __future__ import annotations

from decimal import Decimal

import factory

from apps.stats.models import HoursPlan
from tests.factories.core import UserFactory
from tests.factories.projects import ProjectFactory


class HoursPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursPlan

    project = factory.SubFactory(ProjectFactory)
    planned_hours = Decimal("100.00")
    set_by = factory.SubFactory(UserFactory)
