"""A fund with no refund hold: its holds page says so and nothing else (no empty table, no
explanation of holds there are none of)."""

import pytest

pytestmark = pytest.mark.django_db


def test_holds_page_without_holds_shows_only_the_empty_message(city, client, make_user, settings):
    settings.SANSHE_ENFORCE_MFA = False
    client.force_login(make_user("fund_manager", fund=city.fund))
    response = client.get(f"/funds/{city.fund.pk}/holds/")
    assert response.status_code == 200
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert '<p class="empty">没有挂账。</p>' in main
    assert "<table" not in main and "<thead" not in main
    assert "Stripe" not in main
