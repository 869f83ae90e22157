"""Issue 23: the service-hour export leaves out the records a confirmed correction replaced, so a
reader who sums the file counts every hour once; ``?include_superseded=1`` lists them with a column."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.projects.conftest import log_payload, scene  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def amended(api, scene, log_payload):  # noqa: F811
    """A confirmed record of 2.5 h whose confirmed correction says 2 h."""
    worker = api.as_user(scene.worker.user)
    original = worker.post(URL, log_payload(), format="json").json()["id"]
    api.as_user(scene.org_admin).post(f"{URL}{original}/approve/")
    api.as_user(scene.staff).post(f"{URL}{original}/confirm/")
    payload = log_payload(end_time="11:00", reason="结束时间记错")
    payload.pop("project")
    replacement = worker.post(f"{URL}{original}/amend/", payload, format="json").json()["id"]
    api.as_user(scene.org_admin).post(f"{URL}{replacement}/approve/")
    api.as_user(scene.staff).post(f"{URL}{replacement}/confirm/")
    return original, replacement


def test_export_sums_each_hour_once_and_lists_superseded_records_only_on_request(api, scene, amended):  # noqa: F811
    original, replacement = amended
    staff = api.as_user(scene.staff)
    rows = _csv(staff.get(f"{URL}export.csv", {"status": "confirmed", "headers": "codes"}))
    header, body = rows[0], rows[1:]
    assert "superseded_at" not in header
    assert [int(r[0]) for r in body] == [replacement]
    assert sum(float(r[header.index("hours")]) for r in body) == 2.0

    rows = _csv(staff.get(f"{URL}export.csv", {"status": "confirmed", "include_superseded": "1", "headers": "codes"}))
    header, body = rows[0], rows[1:]
    by_id = {int(r[0]): r for r in body}
    assert set(by_id) == {original, replacement}
    column = header.index("superseded_at")
    assert by_id[original][column].endswith("+08:00") and by_id[replacement][column] == ""

    chinese = _csv(staff.get(f"{URL}export.csv", {"include_superseded": "1"}))
    assert chinese[0][-1] == "被已确认的更正取代于"

    sheet = load_workbook(io.BytesIO(staff.get(f"{URL}export.xlsx", {"status": "confirmed"}).content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [replacement]
    sheet = load_workbook(
        io.BytesIO(staff.get(f"{URL}export.xlsx", {"include_superseded": "1", "headers": "codes"}).content)
    ).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "superseded_at" and {r[0] for r in values[1:]} == {original, replacement}
