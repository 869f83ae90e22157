import datetime as dt

from django.utils import timezone

from apps.revenue.services import revenue_report_submit


def test_agreement_page_lists_reports_for_the_parties(client, agreement, enterprise_admin, fund_manager, make_user):
    today = timezone.localdate()
    revenue_report_submit(
        actor=enterprise_admin,
        agreement=agreement,
        period_start=today - dt.timedelta(days=40),
        period_end=today - dt.timedelta(days=10),
        revenue=1234,
    )
    client.force_login(enterprise_admin)
    body = client.get(f"/en/revenue-shares/{agreement.pk}/").content.decode()
    assert "¥1,234.00" in body  # money reads ¥1,234.50 (#20)
    assert "/approve/" not in body
    client.force_login(make_user())
    assert client.get(f"/en/revenue-shares/{agreement.pk}/").status_code == 404
