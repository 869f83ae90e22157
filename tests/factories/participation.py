"""Participation: residents' suggestions written as rows (supports and comments through the
services where their rules matter)."""

from __future__ import annotations

import factory

from apps.core.models import Category
from apps.participation.models import Suggestion
from tests.factories.core import RegionFactory, UserFactory


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    community = factory.SubFactory(RegionFactory, level="community")
    author = factory.SubFactory(UserFactory)
    title = "楼道加装扶手"
    description = "老旧楼栋没有电梯，建议在楼道加装扶手。"
    category = factory.LazyFunction(lambda: Category.objects.get(code="elderly"))
