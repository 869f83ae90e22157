from __future__ import annotations

import factory

from apps.notifications.models import Notification
from tests.factories.core import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """An in-app notification row (delivery rules are tested through ``notify``)."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "system"
    title = factory.Sequence(lambda n: f"通知{n}")
    url = "/"
