from dataclasses import dataclass

import pytest

from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.regions.models import Region
from tests.factories.core import RegionFactory
from tests.factories.dispatch import DispatchCategoryFactory, UnitFactory, work_order_in


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
    garbage = DispatchCategoryFactory(garbage=True)
    noise = DispatchCategoryFactory(noise=True)
    street_unit = UnitFactory(code="yulin-city", name="玉林街道城管科", region=city.street)
    other_street_unit = UnitFactory(code="wangjiang-city", name="望江路街道城管科", region=city.other_street)
    district_unit = UnitFactory(
        code="wuhou-env", name="武侯区生态环境局", kind="district_department", region=city.district
    )
    other_grid = RegionFactory(code="510107006001-02", name="第2网格", level="grid", parent=city.community)
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
        return work_order_in(
            state,
            community=desk.city.community,
            grid=desk.city.grid if grid == "default" else grid,
            category=category or desk.garbage,
            reporter=desk.grid_worker,
            staff=desk.staff,
            street_officer=desk.street_officer,
            lead_unit=desk.street_unit,
            co_units=[desk.district_unit],
            lead=desk.lead,
            now=now,
        )

    return _make
