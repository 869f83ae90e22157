import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.projects.models import ServiceRecord

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-logs/"


@pytest.fixture
def confirmed(api, scene, log_payload):
    ids = []
    for start, end in [("09:00", "11:30"), ("14:00", "17:15")]:
        log = api.as_user(scene.worker.user).post(URL, log_payload(start_time=start, end_time=end), format="json")
        ids.append(log.json()["id"])
        api.as_user(scene.org_admin).post(f"{URL}{ids[-1]}/approve/")
        api.as_user(scene.staff).post(f"{URL}{ids[-1]}/confirm/")
    return ids


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_record_has_name_total_and_a_verification_page_with_the_same_total(client, scene, confirmed):
    client.force_login(scene.worker.user)
    response = client.post("/en/hours/record/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "李社工" in text
    assert "5.75" in text
    assert "not a certificate of the national volunteer service system" in " ".join(text.split())
    record = ServiceRecord.objects.get()
    assert record.verification_no in text
    page = client.get(f"/en/records/{record.verification_no}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'id="total-hours">\s*5.75', html)
    assert "李社工" in html


def test_verification_page_hides_the_name_without_consent(client, scene, confirmed):
    scene.worker.public_profile = False
    scene.worker.save()
    client.force_login(scene.worker.user)
    client.post("/en/hours/record/pdf/")
    record = ServiceRecord.objects.get()
    client.logout()
    html = client.get(f"/en/records/{record.verification_no}/").content.decode()
    assert "李社工" not in html
    assert "5.75" in html


def test_unknown_verification_number_is_404(client):
    assert client.get("/en/records/SR-NOPE/").status_code == 404


def test_record_page_shows_hours_by_year_project_and_category(client, scene, confirmed):
    client.force_login(scene.worker.user)
    html = client.get("/en/hours/record/").content.decode()
    assert "5.75" in html
    assert scene.project.title in html
    assert "长者服务" in html or "elderly" in html.lower() or scene.project.need.category.name in html


def test_csv_export_follows_the_filter_and_defuses_formulas(api, scene, log_payload, confirmed):
    api.as_user(scene.worker2.user).post(URL, log_payload(place="=HYPERLINK(1)"), format="json")
    response = api.as_user(scene.staff).get(f"{URL}export.csv", {"status": "confirmed", "headers": "codes"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["hours"] for r in rows] == ["2.50", "3.25"]
    everything = api.as_user(scene.staff).get(f"{URL}export.csv")
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert api.as_user(scene.staff).get(f"{URL}export.csv", {"date_from": "x"}).status_code == 400


def test_xlsx_export(api, scene, confirmed):
    response = api.as_user(scene.org_admin).get(f"{URL}export.xlsx", {"worker": scene.worker.pk, "headers": "codes"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id"
    assert len(rows) == 3
    assert rows[1][8] == 2.5  # hours are a number in the sheet, so it can sum them


def test_outsider_export_is_empty(api, scene, confirmed):
    response = api.as_user(scene.outsider).get(f"{URL}export.csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_service_log_export_headers_follow_the_language_and_codes_stay_reachable(api, scene, confirmed):
    staff = api.as_user(scene.staff)
    chinese = _csv(staff.get(f"{URL}export.csv", {"status": "confirmed"}))
    assert chinese[0][:3] == ["编号", "社工编号", "社工姓名"]
    assert chinese[1][12] == "已确认"
    english = _csv(staff.get(f"{URL}export.csv", {"status": "confirmed"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert english[0][:3] == ["ID", "worker ID", "worker name"]
    assert english[1][12] == "confirmed"
    codes = _csv(staff.get(f"{URL}export.csv", {"status": "confirmed", "headers": "codes"}))
    assert codes[0][12:15] == ["status", "approved_at", "confirmed_at"]
    assert codes[1][12] == "confirmed"
    assert codes[1][13].endswith("+08:00") and codes[1][14].endswith("+08:00")
    sheet = load_workbook(io.BytesIO(staff.get(f"{URL}export.xlsx", {"status": "confirmed"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][12] == "已确认"
    assert rows[1][14].endswith("+08:00")
