"""Ledger accounts, opened through ``account_get_or_create`` (the one place that names them)."""

from __future__ import annotations

import factory

from apps.ledger.models import Account
from apps.ledger.services import account_get_or_create


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    owner_type = "test"
    owner_id = 1
    kind = factory.Sequence(lambda n: f"kind{n}")
    normal = "credit"
    may_go_negative = False
    currency = "CNY"
    book = "main"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return account_get_or_create(**kwargs)
