import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.dispatch.services import work_order_call, work_order_dispatch, work_order_report
from apps.regions.models import Region


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Eight accounts per test: PBKDF2 at full strength would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Desk:
    city: object
    garbage: DispatchCategory
    noise: DispatchCategory
    street_unit: Unit
    other_street_unit: Unit
    district_unit: Unit
    staff: object
    grid_worker: object
    street_officer: object
    other_street_officer: object
    district_officer: object
    lead: object
    co: object
    other_unit_staff: object
    other_grid: Region


@pytest.fixture
def desk(city, make_user) -> Desk:
    garbage = DispatchCategory.objects.create(
        code="garbage",
        name="垃圾清运",
        name_en="Garbage removal",
        severity="routine",
        respond_hours=4,
        resolve_hours=24,
    )
    noise = DispatchCategory.objects.create(
        code="noise", name="噪音扰民", name_en="Noise", severity="major", respond_hours=2, resolve_hours=12
    )
    street_unit = Unit.objects.create(
        code="yulin-city", name="玉林街道城管科", kind="street_office", region=city.street
    )
    other_street_unit = Unit.objects.create(
        code="wangjiang-city", name="望江路街道城管科", kind="street_office", region=city.other_street
    )
    district_unit = Unit.objects.create(
        code="wuhou-env", name="武侯区生态环境局", kind="district_department", region=city.district
    )
    other_grid = Region.objects.create(code="510107006001-02", name="第2网格", level="grid", parent=city.community)
    return Desk(
        city=city,
        garbage=garbage,
        noise=noise,
        street_unit=street_unit,
        other_street_unit=other_street_unit,
        district_unit=district_unit,
        staff=make_user("community_staff", community=city.community),
        grid_worker=make_user("grid_worker", community=city.community),
        street_officer=make_user("street_officer", region=city.street),
        other_street_officer=make_user("street_officer", region=city.other_street),
        district_officer=make_user("district_officer", region=city.district),
        lead=make_user("unit_staff", unit=street_unit),
        co=make_user("unit_staff", unit=district_unit),
        other_unit_staff=make_user("unit_staff", unit=other_street_unit),
        other_grid=other_grid,
    )


@pytest.fixture
def order_in(desk):
    """order_in("dispatched") → a work order brought to that state by the right people."""

    def _make(state: str = "reported", *, category=None, grid="default", now=None) -> WorkOrder:
        from apps.dispatch.services import work_order_accept, work_order_reply

        now = now or timezone.now()
        order = work_order_report(
            reporter=desk.grid_worker,
            community=desk.city.community,
            grid=desk.city.grid if grid == "default" else grid,
            category=category or desk.garbage,
            description="小区门口垃圾堆积三天无人清运",
            address="玉林东路12号",
            reporter_phone="13800000000",
            confirm_not_duplicate=True,
        )
        if state == "reported":
            return order
        work_order_call(actor=desk.staff, order=order)
        if state == "called":
            return order
        work_order_dispatch(
            actor=desk.street_officer, order=order, lead_unit=desk.street_unit, co_units=[desk.district_unit], now=now
        )
        if state == "dispatched":
            return order
        work_order_accept(actor=desk.lead, order=order, now=now + dt.timedelta(hours=1))
        if state == "accepted":
            return order
        work_order_reply(
            actor=desk.lead, order=order, action="已清运", contacted="物业王经理", now=now + dt.timedelta(hours=2)
        )
        return order

    return _make
