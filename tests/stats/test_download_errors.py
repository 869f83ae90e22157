"""A figures download (``?format=csv|xlsx``) that can't be answered gets the same 4xx as the JSON
answer, as JSON with a message in the user's language, never a server error (issue 18)."""

import pytest

from tests.factories.core import OrganizationFactory

CITY, STREET, OTHER_STREET = "510100000000", "510107006000", "510107007000"
HUGE_ID = "99999999999999999999"


@pytest.fixture
def people(city, make_user, organization, worker_factory):
    return {
        "anonymous": None,
        "officer": make_user("street_officer", region=city.street),
        "staff": make_user("platform_staff"),
        "stranger": make_user(),
        "worker": worker_factory(organization=OrganizationFactory(region=city.district)),
    }


CASES = [
    ("anonymous", "stats/", f"region={STREET}"),
    ("officer", "stats/", f"region={OTHER_STREET}"),
    ("officer", "stats/", f"region={CITY}"),
    ("staff", "stats/", "region=999"),
    ("staff", "stats/", "region=abc&from=2026-13-01"),
    ("staff", "stats/", f"region={STREET}&from=2026-12-01&to=2026-01-01"),
    ("staff", "stats/", f"region={STREET}&category=nope"),
    ("staff", "stats/", ""),
    ("anonymous", "stats/monthly/", f"region={STREET}&month=2026-01"),
    ("officer", "stats/monthly/", f"region={OTHER_STREET}&month=2026-01"),
    ("staff", "stats/monthly/", f"region={STREET}&month=2026-13"),
    ("staff", "stats/monthly/", f"region={STREET}&month=9999-12"),
    ("staff", "stats/monthly/", f"region={STREET}&month=1999-12"),
    ("staff", "stats/monthly/", "region=999&month=2026-01"),
    ("anonymous", "stats/scorecards/", f"region={STREET}"),
    ("officer", "stats/scorecards/", f"region={OTHER_STREET}"),
    ("staff", "stats/scorecards/", f"region={STREET}&kind=nope"),
    ("staff", "stats/organizations/{missing}/", ""),
    ("staff", f"stats/organizations/{HUGE_ID}/", ""),
    ("staff", "stats/organizations/{organization}/", "from=2026-13-01"),
    ("anonymous", "stats/workers/{worker}/", ""),
    ("stranger", "stats/workers/{worker}/", ""),
    ("staff", f"stats/workers/{HUGE_ID}/", ""),
    ("staff", "stats/workers/{worker}/", "from=2026-12-01&to=2026-01-01"),
]


def _client(api, people, who):
    user = people[who]
    if user is None:
        return api
    return api.as_user(user.user if who == "worker" else user)


@pytest.mark.parametrize(("who", "path", "query"), CASES, ids=[f"{c[0]}:{c[1]}?{c[2]}" for c in CASES])
def test_a_download_that_cannot_be_answered_gets_the_json_error(api, people, organization, who, path, query):
    path = path.format(missing=organization.pk + 1000, organization=organization.pk, worker=people["worker"].pk)
    client = _client(api, people, who)
    answer = client.get(f"/api/v1/{path}?{query}")
    assert 400 <= answer.status_code < 500
    for fmt in ("csv", "xlsx"):
        download = client.get(f"/api/v1/{path}?{query}&format={fmt}")
        assert download.status_code == answer.status_code, fmt
        assert download["Content-Type"].startswith("application/json"), fmt
        assert "attachment" not in download.get("Content-Disposition", "")
        assert download.json() == answer.json()


def test_a_month_past_the_calendar_is_refused_in_the_users_language(api, people):
    client = api.as_user(people["staff"])
    chinese = client.get(f"/api/v1/stats/monthly/?region={STREET}&month=9999-12&format=csv")
    english = client.get(f"/api/v1/stats/monthly/?region={STREET}&month=9999-12&format=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 400
    assert "月" in chinese.json()["month"][0]
    assert "month" in english.json()["month"][0].lower()


def test_an_unknown_region_is_refused_in_chinese(api, people):
    response = api.as_user(people["staff"]).get("/api/v1/stats/?region=999&format=csv")
    assert response.status_code == 404
    assert response.json() == {"detail": "没有这个地区。"}


def test_a_reversed_period_is_refused_in_english_when_asked(api, people):
    response = api.as_user(people["staff"]).get(
        f"/api/v1/stats/?region={STREET}&from=2026-12-01&to=2026-01-01&format=xlsx", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"from": ["The start is after the end."]}


def test_an_unknown_region_is_refused_in_english_when_asked(api, people):
    """An API answer is final: an English 404 is not redirected to a page under /en/."""
    response = api.as_user(people["staff"]).get("/api/v1/stats/?region=999&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such region."}
