"""Numbers people can read on zh pages (#20): money as ¥ with thousands separators, rates as
percentages, hours with their unit, and no English row names left."""

import re

ENGLISH_ROWS = ("Needs failed", "Money in (yuan)", "Work orders reported", "Satisfaction (1–5)", "Money in/out")
SCORECARD_ENGLISH = ("Community rating of delivery", "Milestones accepted on time", "on-time rate", "hours confirmed")
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}


def _zh(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_monthly_report_in_chinese_reads_money_rates_and_hours(client, scored, make_user):
    client.force_login(make_user("street_officer", region=scored.street))
    html = _zh(client, f"/oversight/monthly/{scored.street.code}/?month=2026-02")
    assert re.search(r"¥\d{1,3}(,\d{3})*\.\d\d", html)
    assert re.search(r"<td[^>]*>75%</td>", html) and re.search(r"<td[^>]*>7 小时</td>", html)
    assert "流标需求数" in html and "上报工单数" in html and re.search(r"<td[^>]*>4.0 / 5</td>", html)
    for english in ENGLISH_ROWS:
        assert english not in html


def test_oversight_page_in_chinese_shows_yuan_and_percentages(client, scored):
    html = _zh(client, f"/oversight/public/?from={PERIOD['from']}&to={PERIOD['to']}")
    assert re.search(r"¥\d{1,3}(,\d{3})*\.\d\d", html)
    assert "0.750" not in html
    for english in ENGLISH_ROWS:
        assert english not in html


def test_scorecards_in_chinese_show_rates_as_percentages(client, scored, make_user):
    client.force_login(make_user("street_officer", region=scored.street))
    html = _zh(client, f"/oversight/scorecards/?from={PERIOD['from']}&to={PERIOD['to']}")
    assert "按时率: " in html and re.search(r"按时率: \d+%", html)
    assert re.search(r"已确认时长: [\d.]+ 小时", html)
    # Every weight of the policy, the residents' one included, as whole percentages.
    weights = re.search(r"政策权重：([^<]*)</p>", html).group(1)
    assert weights.count("%") == 5 and "服务对象评价" in weights and ".00%" not in weights
    for english in SCORECARD_ENGLISH:
        assert english not in html
