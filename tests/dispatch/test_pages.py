import datetime as dt

from django.utils import timezone

from apps.dispatch.models import WorkOrder
from apps.dispatch.selectors import unit_monthly_results, work_order_figures
from apps.dispatch.services import work_order_rate


def login(client, user):
    client.force_login(user)
    return client


def test_report_form_creates_an_order_and_offers_duplicates(client, desk, order_in):
    first = order_in("reported")
    login(client, desk.grid_worker)
    assert client.get("/work-orders/new/").status_code == 200
    data = {
        "community": desk.city.community.pk,
        "grid": desk.city.grid.pk,
        "category": desk.garbage.pk,
        "description": "垃圾又堆满了",
        "address": "玉林东路1号",
    }
    response = client.post("/work-orders/new/", data)
    assert response.status_code == 200
    assert f"#{first.pk}".encode() in response.content
    assert WorkOrder.objects.count() == 1
    response = client.post("/work-orders/new/", {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert WorkOrder.objects.count() == 2


def test_report_form_is_refused_to_someone_who_may_not_report(client, desk):
    login(client, desk.lead)
    assert client.get("/work-orders/new/").status_code == 403


def test_console_dispatches_a_called_order(client, desk, order_in):
    order = order_in("called")
    login(client, desk.street_officer)
    page = client.get("/dispatch/")
    assert page.status_code == 200 and f"o{order.pk}-lead_unit".encode() in page.content
    response = client.post(
        f"/work-orders/{order.pk}/dispatch/",
        {"prefix": f"o{order.pk}", f"o{order.pk}-lead_unit": desk.street_unit.pk, "next": "console"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "dispatched" and order.lead_unit == desk.street_unit


def test_console_is_refused_to_units_and_shows_communities_their_own(client, desk, order_in, make_user):
    order = order_in("reported")
    login(client, desk.lead)
    assert client.get("/dispatch/").status_code == 403
    client.logout()
    login(client, make_user("community_staff", community=desk.city.other_community))
    assert f'href="/work-orders/{order.pk}/"'.encode() not in client.get("/dispatch/").content
    client.logout()
    login(client, desk.staff)
    assert f'href="/work-orders/{order.pk}/"'.encode() in client.get("/dispatch/").content


def test_inbox_lists_only_the_units_orders_and_accepts(client, desk, order_in):
    order = order_in("dispatched")
    login(client, desk.other_unit_staff)
    assert f"#{order.pk}".encode() not in client.get("/work-orders/inbox/").content
    client.logout()
    login(client, desk.lead)
    assert f"#{order.pk}".encode() in client.get("/work-orders/inbox/").content
    client.post(f"/work-orders/{order.pk}/accept/", {"next": "inbox"})
    order.refresh_from_db()
    assert order.status == "accepted"


def test_timeline_page_shows_events_and_hides_order_from_others(client, desk, order_in):
    order = order_in("handled")
    login(client, desk.staff)
    page = client.get(f"/work-orders/{order.pk}/")
    assert page.status_code == 200
    assert "已清运".encode() in page.content and b"13800000000" in page.content
    client.post(f"/work-orders/{order.pk}/rate/", {"rating": "2", "resolved": "no", "comment": "没好"})
    order.refresh_from_db()
    assert order.status == "dispatched" and order.reopened_count == 1
    client.logout()
    login(client, desk.other_unit_staff)
    assert client.get(f"/work-orders/{order.pk}/").status_code == 404


def test_wrong_role_on_a_page_action_changes_nothing(client, desk, order_in):
    order = order_in("reported")
    login(client, desk.grid_worker)
    client.post(f"/work-orders/{order.pk}/call/")
    order.refresh_from_db()
    assert order.status == "reported"


def test_grid_view_counts_open_orders(client, desk, order_in):
    order_in("reported")
    order_in("reported", grid=desk.other_grid)
    login(client, desk.street_officer)
    page = client.get("/dispatch/grid/")
    assert page.status_code == 200
    assert "第2网格".encode() in page.content


def test_monthly_results_per_unit(desk, order_in):
    t0 = timezone.make_aware(dt.datetime(2026, 10, 5, 9, 0))
    on_time = order_in("handled", now=t0)
    work_order_rate(actor=desk.staff, order=on_time, rating=5, resolved=True, now=t0 + dt.timedelta(hours=3))
    late = order_in("handled", now=t0)
    WorkOrder.objects.filter(pk=late.pk).update(handled_at=late.resolve_by + dt.timedelta(seconds=1))
    late.refresh_from_db()
    work_order_rate(actor=desk.staff, order=late, rating=2, resolved=False, now=t0 + dt.timedelta(days=2))
    order_in("dispatched", now=t0 + dt.timedelta(days=40))  # November: not counted
    (row,) = unit_monthly_results(year=2026, month=10)
    assert row.unit == desk.street_unit
    assert row.orders == 2
    assert row.on_time_rate == 50.0
    assert row.reopen_rate == 50.0
    assert row.average_rating == 3.5
    figures = work_order_figures(region=desk.city.street)
    assert figures["work_orders"] == 3 and figures["satisfaction"] == 3.5


def test_monthly_page_renders_for_officer(client, desk, order_in):
    order_in("handled")
    login(client, desk.district_officer)
    page = client.get("/dispatch/monthly/")
    assert page.status_code == 200
    assert "玉林街道城管科".encode() in page.content
