"""Milestone reports carry attachments: checked by content, at most 10 MB, kept in private
storage and served only to the project's parties (the community's staff reviewing it among them)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.projects.models import Milestone

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def submit_url(project, milestone):
    return f"/api/v1/projects/{project.pk}/milestones/{milestone.pk}/submit/"


def upload(name, content, mime="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=mime)


def test_report_with_pdf_image_and_word_files_is_seen_and_downloaded_by_the_reviewing_staff(api, scene):
    project, milestone = scene.project, scene.project.milestones.first()
    response = api.as_user(scene.org_admin).post(
        submit_url(project, milestone),
        {
            "report": "完成需求调研，附签到表",
            "attachments": [upload("签到表.pdf", PDF), upload("活动照片.png", PNG), upload("总结.docx", docx_bytes())],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    files = response.json()["attachments"]
    assert [(f["name"], f["mime"]) for f in files] == [
        ("签到表.pdf", "application/pdf"),
        ("活动照片.png", "image/png"),
        ("总结.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    staff = api.as_user(scene.staff)
    detail = staff.get(f"/api/v1/projects/{project.pk}/milestones/{milestone.pk}/").json()
    assert [f["name"] for f in detail["attachments"]] == ["签到表.pdf", "活动照片.png", "总结.docx"]
    download = staff.get(files[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"


def test_attachments_are_refused_by_content_and_size_and_nothing_is_submitted(api, scene, settings):
    project, milestone = scene.project, scene.project.milestones.first()
    org = api.as_user(scene.org_admin)
    disguised = org.post(
        submit_url(project, milestone),
        {"report": "报告", "attachments": [upload("报告.pdf", b"MZ\x90\x00 an executable", "application/pdf")]},
        format="multipart",
    )
    assert disguised.status_code == 400
    assert "attachments" in disguised.json()
    settings.MAX_UPLOAD_BYTES = len(PDF) - 1
    too_big = org.post(
        submit_url(project, milestone), {"report": "报告", "attachments": [upload("a.pdf", PDF)]}, format="multipart"
    )
    assert too_big.status_code == 400
    assert "attachments" in too_big.json()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PENDING
    assert milestone.attachments.count() == 0


def test_attachments_are_404_for_anyone_outside_the_project(api, scene, client):
    project, milestone = scene.project, scene.project.milestones.first()
    body = (
        api.as_user(scene.org_admin)
        .post(
            submit_url(project, milestone),
            {"report": "报告", "attachments": [upload("名单.pdf", PDF)]},
            format="multipart",
        )
        .json()
    )
    url = body["attachments"][0]["url"]
    assert api.get(url).status_code in (401, 404)
    assert api.as_user(scene.outsider).get(url).status_code == 404
    assert api.as_user(scene.other_staff).get(url).status_code == 404
    assert api.as_user(scene.other_admin).get(url).status_code == 404
    assert api.as_user(scene.worker.user).get(url).status_code == 200
    attachment = milestone.attachments.get()
    page_url = f"/en/projects/{project.pk}/milestones/{milestone.pk}/attachments/{attachment.pk}/"
    client.force_login(scene.outsider)
    assert client.get(page_url).status_code == 404
    assert "名单.pdf" not in client.get(f"/en/projects/{project.pk}/").content.decode()
    client.force_login(scene.staff)
    assert client.get(page_url).status_code == 200
    assert "名单.pdf" in client.get(f"/en/projects/{project.pk}/").content.decode()


def test_organization_submits_a_report_with_files_through_the_web_form(client, scene):
    project, milestone = scene.project, scene.project.milestones.first()
    client.force_login(scene.org_admin)
    page = client.get(f"/en/projects/{project.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "data-confirm" in page
    url = f"/en/projects/{project.pk}/milestones/{milestone.pk}/submit/"
    prefix = f"m{milestone.pk}"
    refused = client.post(
        url, {f"{prefix}-report": "报告", f"{prefix}-attachments": [upload("x.pdf", b"not a pdf at all")]}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert f'id="id_{prefix}-attachments-errors"' in html
    assert "This type of file is not accepted" in html
    done = client.post(
        url, {f"{prefix}-report": "完成调研", f"{prefix}-attachments": [upload("调研.pdf", PDF), upload("p.png", PNG)]}
    )
    assert done.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SUBMITTED
    assert sorted(milestone.attachments.values_list("name", flat=True)) == ["p.png", "调研.pdf"]
