"""Oversight downloads (stats/…?format=csv|xlsx) name their columns in the request's language, like
every other export (#20): Chinese on zh-hans, English on en, rates as percentages and levels by
their names; ``?headers=codes`` keeps CONTRACT's figure codes and raw values for machines."""

import csv
import io

from openpyxl import load_workbook

PERIOD = "from=2026-01-01&to=2026-12-31"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_region_csv_has_chinese_headers_and_level_names_by_default(api, scored, make_user):
    officer = api.as_user(make_user("street_officer", region=scored.street))
    rows = _csv(officer.get(f"/api/v1/stats/?region={scored.street.code}&{PERIOD}&format=csv"))
    header = rows[0]
    assert header[:3] == ["区划代码", "名称", "层级"]
    assert "发布需求数" in header and "资金收入（元）" in header and "按时办结率（%）" in header
    assert all(not any("a" <= ch <= "z" for ch in label) for label in header), header
    assert rows[1][:3] == [scored.street.code, "玉林街道", "街道（镇）"]  # the level by its name
    on_time = rows[1][header.index("按时办结率（%）")]
    assert on_time == "75.0"  # a rate of 0.750, as a percentage


def test_region_xlsx_is_english_on_en_and_codes_on_request(api, scored, make_user):
    officer = api.as_user(make_user("street_officer", region=scored.street))
    url = f"/api/v1/stats/?region={scored.street.code}&{PERIOD}&format=xlsx"
    english = list(load_workbook(io.BytesIO(officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content)).active.values)
    assert english[0][:3] == ("area code", "name", "level") and "money in (yuan)" in english[0]
    assert english[1][2] == "street"
    codes = _csv(officer.get(f"/api/v1/stats/?region={scored.street.code}&{PERIOD}&format=csv&headers=codes"))
    assert codes[0][:3] == ["region", "name", "level"] and "on_time_rate" in codes[0]
    assert codes[1][2] == "street" and codes[1][codes[0].index("on_time_rate")] == "0.750"


def test_monthly_and_scorecard_downloads_follow_the_language(api, scored, make_user):
    officer = api.as_user(make_user("street_officer", region=scored.street))
    monthly = _csv(officer.get(f"/api/v1/stats/monthly/?region={scored.street.code}&month=2026-02&format=csv"))
    assert monthly[0][:2] == ["月份", "区划代码"]
    scorecards = _csv(
        officer.get(f"/api/v1/stats/scorecards/?region={scored.street.code}&{PERIOD}&format=csv&kind=community")
    )
    header = scorecards[0]
    assert header[:4] == ["评分对象", "代码", "名称", "总分"]
    assert "派单办理成效：按时率（%）" in header and "社区对服务交付的评价：平均评分（1–5）" in header
    assert scorecards[1][0] == "社区"
    english = _csv(
        officer.get(
            f"/api/v1/stats/scorecards/?region={scored.street.code}&{PERIOD}&format=csv",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    assert "Dispatch results: on-time rate (%)" in english[0] and english[1][0] == "communities"


def test_organization_download_names_its_columns(api, organization, make_user):
    staff = api.as_user(make_user("platform_staff"))
    rows = _csv(staff.get(f"/api/v1/stats/organizations/{organization.pk}/?{PERIOD}&format=csv"))
    assert rows[0][:4] == ["组织编号", "名称", "期间开始", "期间结束"] and "认证社会企业" in rows[0]
    assert rows[1][-1] in ("是", "否")
