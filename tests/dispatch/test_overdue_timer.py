"""Overdue work orders read as a duration, in red (#20): “超时 48 小时 12 分”, not “-48:12”."""

import datetime as dt

from django.utils import timezone

from apps.dispatch.models import WorkOrder


def test_overdue_order_reads_hours_and_minutes_late_in_red(client, desk, order_in):
    order = order_in("accepted")
    WorkOrder.objects.filter(pk=order.pk).update(
        resolve_by=timezone.now() - dt.timedelta(hours=48, minutes=12, seconds=30)
    )
    client.force_login(desk.staff)
    html = client.get(f"/work-orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span class="status late"' in html
    assert "超时 48 小时 12 分" in html
    assert "-48:12" not in html and "已超时" not in html
