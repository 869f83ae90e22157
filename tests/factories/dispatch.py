"""Dispatch: categories, units and work orders. ``work_order_in`` brings an order to a state
through the services, by the people each step needs; ``WorkOrderFactory`` writes a row directly
(for lists and statistics, whose tests do not exercise the workflow)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.dispatch.services import (
    work_order_accept,
    work_order_call,
    work_order_dispatch,
    work_order_reply,
    work_order_report,
)
from tests.factories.core import RegionFactory, UserFactory


class DispatchCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"事项{n}")
    severity = "routine"
    respond_hours = 4
    resolve_hours = 24

    class Params:
        garbage = factory.Trait(code="garbage", name="垃圾清运", name_en="Garbage removal")
        noise = factory.Trait(
            code="noise", name="噪音扰民", name_en="Noise", severity="major", respond_hours=2, resolve_hours=12
        )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"城管科{n}")
    kind = "street_office"
    region = factory.SubFactory(RegionFactory, level="street")


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """A reported work order row in ``community``."""

    class Meta:
        model = WorkOrder

    community = factory.SubFactory(RegionFactory, level="community")
    category = factory.SubFactory(DispatchCategoryFactory)
    description = "小区门口垃圾堆积三天无人清运"
    address = "玉林东路12号"
    reporter = factory.SubFactory(UserFactory)

    class Params:
        closed = factory.Trait(
            status="closed",
            lead_unit=factory.SubFactory(UnitFactory),
            closed_at=factory.LazyFunction(timezone.now),
            handled_at=factory.SelfAttribute("closed_at"),
            dispatched_at=factory.LazyAttribute(lambda o: o.closed_at - dt.timedelta(days=1)),
            resolve_by=factory.LazyAttribute(lambda o: o.closed_at + dt.timedelta(hours=1)),
            rating=5,
            resolved=True,
        )


def work_order_in(
    state: str = "reported",
    *,
    community,
    grid,
    category,
    reporter,
    staff,
    street_officer,
    lead_unit,
    lead,
    co_units=(),
    now=None,
) -> WorkOrder:
    """A work order reported by ``reporter`` and brought to ``state`` (reported, called,
    dispatched, accepted or replied) by the right people, through the services."""
    now = now or timezone.now()
    order = work_order_report(
        reporter=reporter,
        community=community,
        grid=grid,
        category=category,
        description="小区门口垃圾堆积三天无人清运",
        address="玉林东路12号",
        reporter_phone="13800000000",
        confirm_not_duplicate=True,
    )
    if state == "reported":
        return order
    work_order_call(actor=staff, order=order)
    if state == "called":
        return order
    work_order_dispatch(actor=street_officer, order=order, lead_unit=lead_unit, co_units=list(co_units), now=now)
    if state == "dispatched":
        return order
    work_order_accept(actor=lead, order=order, now=now + dt.timedelta(hours=1))
    if state == "accepted":
        return order
    work_order_reply(actor=lead, order=order, action="已清运", contacted="物业王经理", now=now + dt.timedelta(hours=2))
    return order
