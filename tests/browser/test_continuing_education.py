"""Continuing education on a phone at 390 px (#22): the worker opens 登记培训, records a training
with its certificate, and sees it waiting; the employer's administrator verifies it from the
queue; the worker's summary then counts its hours. Screenshots of both pages at 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.workers.models import Training
from tests.browser.conftest import _new_page, may_sign_in, sign_in, visit
from tests.factories.workers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-Secret-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context, page = _new_page(browser, PHONE, "zh-CN")
    yield page
    context.close()


def test_a_worker_records_a_training_and_the_employer_verifies_it_on_a_phone(
    organization, make_user, worker_factory, live_server, phone, tmp_path
):
    worker = worker_factory(
        organization=organization,
        name="李晓梅",
        level="assistant",
        registered_until=timezone.localdate() + dt.timedelta(days=400),
    )
    may_sign_in(worker.user)
    admin = may_sign_in(make_user("org_admin", organization=organization))
    certificate = tmp_path / "结业证书.pdf"
    certificate.write_bytes(PDF)

    sign_in(phone, live_server, worker.user.username, PW)
    visit(phone, "ce-worker-empty-390", url=f"{live_server.url}/workers/me/trainings/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_label("培训名称").fill("社区养老服务专题培训")
    phone.get_by_label("举办单位").fill("成都市社会工作者协会")
    phone.locator("#id_hours").fill("12")
    phone.get_by_label("完成日期").fill((timezone.localdate() - dt.timedelta(days=5)).isoformat())
    phone.get_by_label("结业证书").set_input_files(str(certificate))
    phone.get_by_role("button", name="提交核验").click()
    phone.wait_for_load_state("load")
    assert "培训已登记" in phone.locator(".messages").inner_text()
    assert "待核验" in phone.locator("[data-training]").first.inner_text()
    training = Training.objects.get()
    assert training.status == "pending"
    visit(phone, "ce-worker-pending-390")

    phone.context.clear_cookies()
    sign_in(phone, live_server, admin.username, PW)
    visit(phone, "ce-queue-390", url=f"{live_server.url}/trainings/to-verify/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.locator(f'[data-training="{training.pk}"]').get_by_role("link", name="通过核验").click()
    phone.wait_for_load_state("load")
    phone.get_by_role("button", name="确定通过").click()
    phone.wait_for_load_state("load")
    assert "已核验" in phone.locator(".messages").inner_text()
    training.refresh_from_db()
    assert training.status == "verified"

    phone.context.clear_cookies()
    sign_in(phone, live_server, worker.user.username, PW)
    visit(phone, "ce-worker-verified-390", url=f"{live_server.url}/workers/me/trainings/")
    figures = phone.locator(".ce-figures").inner_text()
    assert "12.0" in figures and "60.0" in figures  # verified, and 72 − 12 still missing
