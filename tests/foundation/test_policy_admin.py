"""Platform staff change policy values in the Wagtail admin; each save is a new version."""

import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from apps.accounts.demo import DEMO_TOTP_SECRET
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("platform_staff")
    TOTP.activate(staff, DEMO_TOTP_SECRET)
    client.force_login(staff)
    return client


def test_platform_staff_save_a_new_policy_version_in_the_wagtail_admin(staff_client):
    before = policy_current()
    form = staff_client.get("/cms-admin/policy/new/")
    assert form.status_code == 200
    assert 'name="min_bidding_days"' in form.content.decode()
    assert 'name="ledger_account_codes"' in form.content.decode()  # #23: a JSON field, sent as JSON
    data = {key: json.dumps(value) if isinstance(value, dict) else str(value) for key, value in before.values().items()}
    data |= {"min_bidding_days": "9", "note": "延长投标期"}
    response = staff_client.post("/cms-admin/policy/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = policy_current()
    assert after.version == before.version + 1 and after.min_bidding_days == 9 and after.note == "延长投标期"
    assert PolicyVersion.objects.get(version=before.version).min_bidding_days == before.min_bidding_days
    assert staff_client.get("/cms-admin/policy/").status_code == 200
    edit = staff_client.get(f"/cms-admin/policy/edit/{after.pk}/")
    assert edit.status_code == 302 and edit["Location"].endswith("/cms-admin/policy/new/")
    assert staff_client.post(f"/cms-admin/policy/delete/{after.pk}/").status_code in (302, 403)
    assert PolicyVersion.objects.filter(pk=after.pk).exists()


def test_other_roles_have_no_policy_admin(client, make_user, city):
    client.force_login(make_user("community_staff", community=city.community))
    response = client.get("/cms-admin/policy/new/")
    assert response.status_code in (302, 403)
    assert not PolicyVersion.objects.filter(version__gt=policy_current().version).exists()
