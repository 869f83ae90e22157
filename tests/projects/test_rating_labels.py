"""The 1–5 rating radios say what each number means, in the page's language (#20)."""

import pytest

from tests.money_confirm import confirm

pytestmark = pytest.mark.django_db


def test_delivery_rating_radios_are_labelled_from_very_poor_to_very_good(client, api, scene):
    milestone = scene.project.milestones.first()
    api.as_user(scene.org_admin).post(
        f"/api/v1/projects/{scene.project.pk}/milestones/{milestone.pk}/submit/", {"report": "报告"}, format="json"
    )
    client.force_login(scene.staff)
    confirm(client, f"/projects/{scene.project.pk}/milestones/{milestone.pk}/accept/")
    page = client.get(f"/projects/{scene.project.pk}/").content.decode()
    for n, label in enumerate(["很差", "较差", "一般", "较好", "很好"], start=1):
        assert f'value="{n}" required> {n} {label}</label>' in page
    english = client.get(f"/en/projects/{scene.project.pk}/").content.decode()
    assert 'value="1" required> 1 Very poor</label>' in english
    assert 'value="5" required> 5 Very good</label>' in english
