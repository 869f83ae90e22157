"""Print-ready monthly reports per street (每月通报): bidding, hours, funds and dispatch from the
rollups, per community and per handling unit, for the street's officer, with CSV and XLSX."""

import csv
import datetime as dt
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.regions.models import Region
from apps.stats.services import rollup_rebuild


def cell(text: str) -> re.Pattern:
    """A table cell holding ``text`` (phones' card layout gives cells a data-label)."""
    return re.compile(rf"<td[^>]*>{re.escape(text)}</td>")


def test_monthly_report_of_a_street(client, scored, make_user):
    officer = make_user("street_officer", region=scored.street)
    client.force_login(officer)
    page = client.get(f"/oversight/monthly/{scored.street.code}/?month=2026-02")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<style media="print">' in html and "2026-02" in html and "2026-01" in html
    # hours confirmed in February: 4 + 3 (March's and superseded records are not counted)
    assert cell("7 小时").search(html)
    # four work orders closed in February: 3 on time, 1 reopened, ratings 5 5 4 2
    assert cell("75%").search(html) and cell("25%").search(html) and cell("4.0 / 5").search(html)
    # the lead unit's dispatch results for the month (dispatch's monthly figures), as percentages
    unit = html[html.index("城管科") :]
    unit = unit[: unit.index("</tr>")]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", unit)[2:] == ["75%", "25%", "4.0 / 5"]
    assert ">75.0<" not in html and "玉林东路社区" in html
    march = client.get(f"/oversight/monthly/{scored.street.code}/?month=2026-03").content.decode()
    assert cell("3 小时").search(march) and cell("7 小时").search(march)  # March, then February as the month before
    # the officer's own street by default
    assert client.get("/oversight/monthly/?month=2026-02").status_code == 200


def test_monthly_report_access(client, scored, make_user):
    officer = make_user("street_officer", region=scored.street)
    client.force_login(officer)
    assert client.get(f"/oversight/monthly/{scored.other_street.code}/").status_code == 404
    client.force_login(make_user("district_officer", region=scored.district))
    streets = client.get("/oversight/monthly/?month=2026-02").content.decode()
    assert f"/oversight/monthly/{scored.street.code}/?month=2026-02" in streets
    assert f"/oversight/monthly/{scored.other_street.code}/?month=2026-02" in streets
    client.force_login(make_user("community_staff", community=scored.community))
    assert client.get("/oversight/monthly/").status_code == 403
    client.logout()
    assert client.get("/oversight/monthly/").status_code == 302


def test_monthly_report_downloads(api, scored, make_user):
    officer = api.as_user(make_user("street_officer", region=scored.street))
    url = f"/api/v1/stats/monthly/?region={scored.street.code}&month=2026-02"
    body = officer.get(url).json()
    assert body["from"] == "2026-02-01" and body["to"] == "2026-02-28"
    assert body["figures"]["hours_confirmed"] == "7.00" and body["previous"]["hours_confirmed"] == "0.00"
    assert body["units"][0]["orders"] == 4 and body["units"][0]["on_time"] == 3
    response = officer.get(url + "&format=csv&headers=codes")
    assert 'filename="monthly-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["region"] for r in rows] == [scored.street.code, scored.community.code]
    assert rows[0]["month"] == "2026-02" and rows[0]["hours_confirmed"] == "7.00" and rows[0]["on_time_rate"] == "0.750"
    sheet = load_workbook(io.BytesIO(officer.get(url + "&format=xlsx&headers=codes").content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("month", "region") and values[1][1] == scored.street.code
    assert officer.get(f"/api/v1/stats/monthly/?region={scored.street.code}&month=2026-13").status_code == 400
    assert officer.get(f"/api/v1/stats/monthly/?region={scored.other_street.code}&month=2026-02").status_code == 404


def test_monthly_report_query_count_does_not_grow_with_communities(api, scored, make_user):
    officer = api.as_user(make_user("street_officer", region=scored.street))
    url = f"/api/v1/stats/monthly/?region={scored.street.code}&month=2026-02"
    officer.get(url)
    with CaptureQueriesContext(connection) as before:
        officer.get(url)
    for i in range(3):
        Region.objects.create(code=f"51010700600{i + 2}", name=f"新社区{i}", level="community", parent=scored.street)
    rollup_rebuild(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31))
    with CaptureQueriesContext(connection) as after:
        assert len(officer.get(url).json()["figures"]["children"]) == 4
    assert len(after.captured_queries) == len(before.captured_queries)
