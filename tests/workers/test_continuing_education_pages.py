"""Continuing-education pages (#22): the worker's trainings with the summary and the add form,
the employer's verification queue, the private certificate and the staff's list of workers at
risk. Chinese first; a refused form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.workers.models import Training
from tests.factories.workers import TrainingFactory, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.SANSHE_ENFORCE_MFA = False


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides) -> dict:
    return {
        "title": "社区养老服务专题培训",
        "provider": "成都市社会工作者协会",
        "kind": "training",
        "hours": "12",
        "completed_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "certificate": pdf_file(),
        **overrides,
    }


def test_the_worker_page_shows_the_summary_and_the_trainings_in_chinese(people):
    TrainingFactory(worker=people.worker, hours=20, verified=True, title="儿童保护网络课程")
    TrainingFactory(worker=people.worker, hours=6, rejected=True, title="心理急救讲座")
    html = client_for(people.worker.user).get("/workers/me/trainings/").content.decode()
    assert "继续教育" in html
    assert "儿童保护网络课程" in html and "心理急救讲座" in html
    assert "证书不清晰" in html  # the rejection's reason
    assert '<progress value="27"' in html  # 20 of 72 hours
    assert "52.0" in html  # still missing


def test_the_worker_adds_a_training_through_the_form(people):
    response = client_for(people.worker.user).post("/workers/me/trainings/", form())
    assert response.status_code == 302
    training = Training.objects.get()
    assert (training.status, training.hours, training.worker) == ("pending", 12, people.worker)


def test_a_refused_form_keeps_what_was_typed_and_says_why(people):
    response = client_for(people.worker.user).post(
        "/workers/me/trainings/", form(hours="500", title="社会工作督导实务工作坊")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "社会工作督导实务工作坊" in html
    assert "一次培训最多计 72 学时" in html
    assert not Training.objects.exists()


def test_a_text_file_is_not_accepted_as_a_certificate_on_the_page(people):
    text = SimpleUploadedFile("证书.pdf", b"hello, not a pdf", content_type="application/pdf")
    response = client_for(people.worker.user).post("/workers/me/trainings/", form(certificate=text))
    assert response.status_code == 400
    assert "证书须为 PDF 文件或图片" in response.content.decode()


def test_someone_without_a_worker_profile_gets_404(people):
    assert client_for(people.outsider).get("/workers/me/trainings/").status_code == 404


def test_the_employers_admin_verifies_from_the_queue(people):
    training = TrainingFactory(worker=people.worker, title="社区营造与居民参与")
    admin = client_for(people.admin)
    html = admin.get("/trainings/to-verify/").content.decode()
    assert "社区营造与居民参与" in html and "李晓梅" in html
    assert admin.get(f"/trainings/{training.pk}/verify/").status_code == 200
    assert admin.post(f"/trainings/{training.pk}/verify/").status_code == 302
    training.refresh_from_db()
    assert training.status == "verified"
    assert f'data-training="{training.pk}"' not in admin.get("/trainings/to-verify/").content.decode()


def test_rejecting_on_the_page_needs_a_reason(people):
    training = TrainingFactory(worker=people.worker)
    admin = client_for(people.admin)
    assert admin.post(f"/trainings/{training.pk}/reject/", {"reason": ""}).status_code == 200
    training.refresh_from_db()
    assert training.status == "pending"
    assert admin.post(f"/trainings/{training.pk}/reject/", {"reason": "证书模糊"}).status_code == 302
    training.refresh_from_db()
    assert (training.status, training.rejection_reason) == ("rejected", "证书模糊")


def test_another_organizations_admin_finds_nothing(people):
    training = TrainingFactory(worker=people.worker, title="社区营造与居民参与")
    other = client_for(people.other_admin)
    assert "社区营造与居民参与" not in other.get("/trainings/to-verify/").content.decode()
    assert other.get(f"/trainings/{training.pk}/verify/").status_code == 404
    assert other.post(f"/trainings/{training.pk}/verify/").status_code == 404
    assert other.get(f"/trainings/{training.pk}/certificate/").status_code == 404
    training.refresh_from_db()
    assert training.status == "pending"


def test_the_certificate_page_serves_the_file_to_the_worker_and_employer_only(people):
    training = TrainingFactory(worker=people.worker)
    url = f"/trainings/{training.pk}/certificate/"
    assert client_for(people.worker.user).get(url).status_code == 200
    assert client_for(people.admin).get(url).status_code == 200
    assert client_for(people.staff).get(url).status_code == 200
    assert client_for(people.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in


def test_staff_see_the_workers_at_risk(people):
    people.worker.registered_until = timezone.localdate() + dt.timedelta(days=45)
    people.worker.save(update_fields=["registered_until"])
    TrainingFactory(worker=people.worker, hours=20, verified=True, completed_on=timezone.localdate())
    html = client_for(people.staff).get("/trainings/at-risk/").content.decode()
    assert "李晓梅" in html and "52.0" in html
    assert client_for(people.admin).get("/trainings/at-risk/").status_code == 404
    assert client_for(people.worker.user).get("/trainings/at-risk/").status_code == 404


def test_the_worker_at_risk_is_told_on_their_page(people):
    people.worker.registered_until = timezone.localdate() + dt.timedelta(days=45)
    people.worker.save(update_fields=["registered_until"])
    html = client_for(people.worker.user).get("/workers/me/trainings/").content.decode()
    assert "还有 45 天" in html and "尚缺 72.0 学时" in html
    TrainingFactory(worker=people.worker, hours=72, verified=True, completed_on=timezone.localdate())
    assert "还有 45 天" not in client_for(people.worker.user).get("/workers/me/trainings/").content.decode()
