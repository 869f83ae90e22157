"""The certification application form asks "请选择机构" in its organization select, as other forms
do, rather than Django's "---------"."""

import pytest

from apps.core.selectors import policy_current

pytestmark = pytest.mark.django_db


def test_application_form_asks_to_choose_an_organization(client, applicant):
    policy_current()
    client.force_login(applicant)
    html = client.get("/certifications/").content.decode()
    assert '<option value="" selected>请选择机构</option>' in html
    assert "---------" not in html
