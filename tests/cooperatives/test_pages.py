import pytest
from django.utils import timezone

from apps.cooperatives.models import Distribution
from apps.cooperatives.services import cooperative_create, holder_add


@pytest.fixture
def setup(city, make_user):
    staff = make_user("community_staff", community=city.community)
    resident = make_user()
    coop = cooperative_create(user=staff, name="玉林合作社", community=city.community, registered_capital=1000)
    holder_add(user=staff, cooperative=coop, name="社区", holder_type="community", shares=3, certificate_no="A1")
    mine = holder_add(
        user=staff,
        cooperative=coop,
        name="李娜",
        holder_type="resident",
        shares=1,
        certificate_no="A2",
        holder_user=resident,
    )
    return staff, resident, coop, mine


def test_preview_page_shows_the_waterfall_and_confirm_books(client, setup):
    staff, _resident, coop, _mine = setup
    client.force_login(staff)
    year = timezone.localdate().year - 1
    r = client.get(f"/en/cooperatives/{coop.pk}/distribute/", {"fiscal_year": year, "distributable_profit": "100.00"})
    assert r.status_code == 200
    assert "¥81.00" in r.content.decode()
    assert Distribution.objects.count() == 0
    r = client.post(f"/en/cooperatives/{coop.pk}/distribute/", {"fiscal_year": year, "distributable_profit": "100.00"})
    assert r.status_code == 302
    assert Distribution.objects.get().dividend_pool == 81


def test_resident_page_shows_own_holding_not_the_register(client, setup):
    _staff, resident, coop, mine = setup
    client.force_login(resident)
    body = client.get(f"/en/cooperatives/{coop.pk}/").content.decode()
    assert "李娜" in body
    assert "A1" not in body
    assert client.get(f"/en/cooperatives/{coop.pk}/holders/{mine.pk}/certificate/").status_code == 200
    assert client.get(f"/en/cooperatives/{coop.pk}/distribute/").status_code == 404
