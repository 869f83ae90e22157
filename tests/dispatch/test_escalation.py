import datetime as dt

from django.utils import timezone

from apps.core.jobs import discover
from apps.dispatch.jobs import escalate_overdue_work_orders
from apps.dispatch.models import WorkOrder
from apps.dispatch.services import work_order_rate
from apps.notifications.models import Notification

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))
SECOND = dt.timedelta(seconds=1)


def level(order):
    order.refresh_from_db()
    return order.escalation_level


def notes(user):
    return Notification.objects.filter(user=user, kind="dispatch_escalation").count()


def test_dispatch_sets_deadlines_from_the_category(desk, order_in):
    order = order_in("dispatched", category=desk.noise, now=T0)
    assert order.respond_by == T0 + dt.timedelta(hours=2)
    assert order.resolve_by == T0 + dt.timedelta(hours=12)


def test_not_accepted_by_respond_by_escalates_to_street_head_once(desk, order_in):
    order = order_in("dispatched", category=desk.noise, now=T0)
    respond_by = T0 + dt.timedelta(hours=2)
    assert escalate_overdue_work_orders(now=respond_by) == 0
    assert level(order) == 0
    assert escalate_overdue_work_orders(now=respond_by + SECOND) == 1
    assert level(order) == WorkOrder.Escalation.STREET
    assert notes(desk.street_officer) == 1
    assert notes(desk.district_officer) == 0
    assert escalate_overdue_work_orders(now=respond_by + dt.timedelta(hours=1)) == 0
    assert notes(desk.street_officer) == 1
    assert order.events.filter(kind="escalated").count() == 1


def test_district_is_notified_after_a_further_respond_window_past_resolve_by(desk, order_in):
    order = order_in("accepted", category=desk.noise, now=T0)
    resolve_by = T0 + dt.timedelta(hours=12)
    assert escalate_overdue_work_orders(now=resolve_by) == 0
    assert escalate_overdue_work_orders(now=resolve_by + SECOND) == 1
    assert level(order) == 1
    district_due = resolve_by + dt.timedelta(hours=2)
    assert escalate_overdue_work_orders(now=district_due) == 0
    assert escalate_overdue_work_orders(now=district_due + SECOND) == 1
    assert level(order) == 2
    assert notes(desk.district_officer) == 1
    assert escalate_overdue_work_orders(now=district_due + dt.timedelta(days=30)) == 0
    assert notes(desk.district_officer) == 1 and notes(desk.street_officer) == 1
    order.refresh_from_db()
    assert order.status == "accepted"


def test_a_late_run_raises_both_levels_each_once(desk, order_in):
    order = order_in("dispatched", category=desk.noise, now=T0)
    assert escalate_overdue_work_orders(now=T0 + dt.timedelta(days=3)) == 2
    assert level(order) == 2
    assert notes(desk.street_officer) == 1 and notes(desk.district_officer) == 1
    order.refresh_from_db()
    assert order.status == "dispatched"


def test_accepted_order_is_not_overdue_at_respond_by(desk, order_in):
    order = order_in("accepted", category=desk.noise, now=T0)
    assert escalate_overdue_work_orders(now=T0 + dt.timedelta(hours=11)) == 0
    assert level(order) == 0


def test_handled_and_closed_orders_never_escalate(desk, order_in):
    handled = order_in("handled", category=desk.noise, now=T0)
    assert escalate_overdue_work_orders(now=T0 + dt.timedelta(days=10)) == 0
    assert level(handled) == 0


def test_reopening_gives_new_deadlines_and_clears_escalation(desk, order_in):
    order = order_in("handled", category=desk.noise, now=T0)
    WorkOrder.objects.filter(pk=order.pk).update(escalation_level=1)
    order.refresh_from_db()
    later = T0 + dt.timedelta(days=1)
    work_order_rate(actor=desk.staff, order=order, rating=1, resolved=False, now=later)
    assert order.escalation_level == 0 and order.reopened_count == 1
    assert order.respond_by == later + dt.timedelta(hours=2)
    assert escalate_overdue_work_orders(now=later + dt.timedelta(hours=2)) == 0
    assert escalate_overdue_work_orders(now=later + dt.timedelta(hours=2) + SECOND) == 1


def test_run_scheduled_includes_the_escalation_job():
    assert "escalate_overdue_work_orders" in discover()
