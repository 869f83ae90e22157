"""Continuing education through the API (#22): a worker records a training with its certificate,
an administrator of the employing organization verifies or rejects it; who may see and decide;
bad input is a clear 400."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.notifications.models import Notification
from apps.workers.models import Training
from tests.factories.workers import PDF, TrainingFactory, pdf_file, png_file

pytestmark = pytest.mark.django_db

MINE = "/api/v1/workers/me/trainings/"


def body(**overrides) -> dict:
    return {
        "title": "社区养老服务专题培训",
        "provider": "成都市社会工作者协会",
        "hours": "12.5",
        "completed_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "kind": "training",
        "certificate": pdf_file(),
        **overrides,
    }


def submit(api, worker, expect=201, **overrides):
    response = api.as_user(worker.user).post(
        MINE, body(**overrides), format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == expect, response.content
    return response.json()


def test_a_worker_records_a_training_and_its_employer_verifies_it(api, people):
    created = submit(api, people.worker)
    assert created["status"] == "pending"
    assert created["hours"] == "12.5"
    assert "certificate" not in created
    assert Notification.objects.filter(user=people.admin, kind="training_submitted").exists()

    listed = api.as_user(people.worker.user).get(MINE).json()
    assert [t["id"] for t in listed["results"]] == [created["id"]]
    queue = api.as_user(people.admin).get("/api/v1/trainings/?status=pending").json()
    assert [t["id"] for t in queue["results"]] == [created["id"]]

    verified = api.as_user(people.admin).post(f"/api/v1/trainings/{created['id']}/verify/")
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "verified"
    assert verified.json()["decided_for"] == people.organization.pk
    assert Notification.objects.filter(user=people.worker.user, kind="training_decided").exists()

    summary = api.as_user(people.worker.user).get(f"/api/v1/workers/{people.worker.pk}/training-summary/").json()
    assert summary["verified_hours"] == "12.5"
    assert summary["pending_hours"] == "0.0"
    assert summary["required"] == 72  # assistant social worker, policy ce_hours_assistant
    assert summary["remaining"] == "59.5"


def test_a_photo_of_the_certificate_is_accepted(api, people):
    assert submit(api, people.worker, certificate=png_file())["certificate_name"] == "证书照片.png"


def test_a_rejection_needs_a_reason_and_tells_the_worker(api, people):
    training = TrainingFactory(worker=people.worker)
    as_admin = api.as_user(people.admin)
    empty = as_admin.post(f"/api/v1/trainings/{training.pk}/reject/", {"reason": "  "}, format="json")
    assert empty.status_code == 400
    assert "reason" in empty.json()
    rejected = as_admin.post(f"/api/v1/trainings/{training.pk}/reject/", {"reason": "证书未盖章"}, format="json")
    assert rejected.status_code == 200
    assert rejected.json()["rejection_reason"] == "证书未盖章"
    note = Notification.objects.get(user=people.worker.user, kind="training_decided")
    assert note.body == "证书未盖章"


def test_a_decided_training_cannot_be_decided_again(api, people):
    training = TrainingFactory(worker=people.worker, verified=True)
    response = api.as_user(people.admin).post(
        f"/api/v1/trainings/{training.pk}/reject/", {"reason": "重复"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 409
    assert "已核验" in response.json()["detail"]


def test_another_organizations_admin_neither_sees_nor_decides(api, people):
    training = TrainingFactory(worker=people.worker)
    as_other = api.as_user(people.other_admin)
    response = as_other.post(f"/api/v1/trainings/{training.pk}/verify/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert response.json()["detail"] == "没有您可以查看的这条培训记录。"
    assert as_other.get("/api/v1/trainings/").json()["count"] == 0
    assert as_other.get(f"/api/v1/trainings/{training.pk}/certificate/").status_code == 404
    summary = as_other.get(f"/api/v1/workers/{people.worker.pk}/training-summary/")
    assert summary.status_code == 403
    training.refresh_from_db()
    assert training.status == "pending"


@pytest.mark.parametrize("who", ["worker", "member", "staff"])
def test_those_who_see_a_training_but_do_not_employ_it_as_admin_may_not_verify(api, people, who, settings):
    settings.SANSHE_ENFORCE_MFA = False
    training = TrainingFactory(worker=people.worker)
    user = people.worker.user if who == "worker" else getattr(people, who)
    client = api.as_user(user)
    assert client.get(f"/api/v1/trainings/{training.pk}/").status_code == 200
    response = client.post(f"/api/v1/trainings/{training.pk}/verify/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert "李晓梅" in response.json()["detail"]


def test_the_certificate_is_served_only_to_those_who_may_see_it(api, people):
    training = TrainingFactory(worker=people.worker)
    url = f"/api/v1/trainings/{training.pk}/certificate/"
    for user in (people.worker.user, people.admin, people.member):
        response = api.as_user(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"
    assert api.as_user(people.outsider).get(url).status_code == 404
    assert api.get(url).status_code == 401


def test_the_summary_is_seen_by_the_worker_employer_and_staff_only(api, people, settings):
    settings.SANSHE_ENFORCE_MFA = False
    url = f"/api/v1/workers/{people.worker.pk}/training-summary/"
    for user in (people.worker.user, people.admin, people.member, people.staff):
        assert api.as_user(user).get(url).status_code == 200
    refused = api.as_user(people.outsider).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 403
    assert "继续教育" in refused.json()["detail"]
    assert api.get(url).status_code == 401
    assert api.as_user(people.admin).get("/api/v1/workers/999999/training-summary/").status_code == 404


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0", "500", "-3", "0.0"])
def test_hours_of_zero_or_beyond_the_requirement_are_refused(api, people, hours):
    errors = submit(api, people.worker, expect=400, hours=hours)
    assert "hours" in errors
    assert not Training.objects.exists()


def test_hours_beyond_the_requirement_say_the_limit(api, people):
    errors = submit(api, people.worker, expect=400, hours="500")
    assert errors["hours"] == ["一次培训最多计 72 学时，即整个周期的要求。"]


@pytest.mark.parametrize(
    "certificate",
    [
        SimpleUploadedFile("证书.pdf", b"just some text, not a PDF", content_type="application/pdf"),
        SimpleUploadedFile("证书.png", b"plain bytes, not an image at all", content_type="image/png"),
        SimpleUploadedFile("证书.exe", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/octet-stream"),
    ],
    ids=["text-named-pdf", "junk-named-png", "executable"],
)
def test_a_certificate_that_is_not_a_pdf_or_an_image_is_refused(api, people, certificate):
    errors = submit(api, people.worker, expect=400, certificate=certificate)
    assert errors["certificate"] == ["证书须为 PDF 文件或图片。"]
    assert not Training.objects.exists()


def test_an_office_document_is_not_a_certificate(api, people):
    buffer = io.BytesIO()
    import zipfile  # noqa: PLC0415 - only this test builds a .docx

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("证书.docx", buffer.getvalue())
    assert "certificate" in submit(api, people.worker, expect=400, certificate=docx)


def test_a_certificate_too_large_is_refused_with_the_limit(api, people, settings):
    settings.MAX_UPLOAD_BYTES = 100
    errors = submit(api, people.worker, expect=400)
    assert "MB" in errors["certificate"][0]


def test_a_completion_date_in_the_future_or_before_the_period_is_refused(api, people):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "completed_on" in submit(api, people.worker, expect=400, completed_on=tomorrow)
    long_ago = (people.worker.registered_until - dt.timedelta(days=4 * 365)).isoformat()
    errors = submit(api, people.worker, expect=400, completed_on=long_ago)
    assert "登记周期" in errors["completed_on"][0]


@pytest.mark.parametrize(
    "overrides",
    [{"kind": "seminar"}, {"hours": "abc"}, {"hours": "1.25"}, {"title": ""}, {"completed_on": "2026-13-40"}],
)
def test_malformed_fields_are_a_400_on_the_field(api, people, overrides):
    errors = submit(api, people.worker, expect=400, **overrides)
    assert set(overrides) <= set(errors)


def test_a_missing_certificate_is_a_400(api, people):
    data = body()
    del data["certificate"]
    response = api.as_user(people.worker.user).post(MINE, data, format="multipart")
    assert response.status_code == 400
    assert "certificate" in response.json()


def test_someone_without_a_worker_profile_cannot_record_training(api, people):
    response = api.as_user(people.outsider).post(MINE, body(), format="multipart")
    assert response.status_code == 403


def test_the_training_lists_take_a_fixed_number_of_queries(api, people, django_assert_max_num_queries):
    for _ in range(3):
        TrainingFactory(worker=people.worker, verified=True, decided_for=people.organization)
    as_admin, as_worker = api.as_user(people.admin), api.as_user(people.worker.user)
    as_admin.get("/api/v1/trainings/")  # warm the policy and session caches
    with django_assert_max_num_queries(8):
        assert as_admin.get("/api/v1/trainings/").json()["count"] == 3
    with django_assert_max_num_queries(8):
        assert as_worker.get(MINE).json()["count"] == 3
