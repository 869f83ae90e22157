"""Shifts: a shift of a project, written as a row (the services' rules are tested apart)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.shifts.models import Attendance, Shift
from tests.factories.core import UserFactory


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    starts_at = factory.LazyFunction(lambda: local(timezone.localdate(), 9))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))
    place = "玉林东路社区党群服务中心"
    lat = Decimal("30.633000")
    long = Decimal("104.058000")
    capacity = 3
    min_worker_level = "assistant"
    content = "长者助餐与探访"
    created_by = factory.SubFactory(UserFactory)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    shift = factory.SubFactory(ShiftFactory)
    signed_up_at = factory.LazyFunction(timezone.now)
