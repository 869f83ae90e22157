"""No input makes the server fail: deeply nested JSON and ids past the 64-bit range are refused
with a 4xx and a message in the user's language (issue 18)."""

import hashlib
import hmac
import time

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from apps.core.parsers import DepthLimitedJSONParser
from tests.factories.bidding import NeedFactory

DEEP = ("[" * 5000 + "]" * 5000).encode()
DEEP_OBJECT = ('{"a":' * 5000 + "1" + "}" * 5000).encode()
HUGE_ID = 99999999999999999999
MAX_JSON_DEPTH = 64


def _api_patterns(resolver=None, prefix=""):
    """(path, view callback) of every route under /api/v1/, each URL argument filled with 1."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            if path.startswith("api/v1/"):
                yield "/" + _fill(path), entry.callback


def _fill(path: str) -> str:
    while "<" in path:
        start = path.index("<")
        path = path[:start] + "1" + path[path.index(">", start) + 1 :]
    return path


API_ROUTES = sorted(set(_api_patterns()), key=lambda r: r[0])


@pytest.fixture
def staff_api(api, make_user):
    return api.as_user(make_user("platform_staff"))


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400_in_chinese(api, body):
    response = api.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


def test_deeply_nested_json_is_refused_in_english_when_asked(api):
    response = api.post("/api/v1/auth/token/", data=DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_deeply_nested_json_to_an_anonymous_donation_is_a_400(api, city):
    response = api.post(f"/api/v1/funds/{city.fund.pk}/donations/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_json_at_the_depth_limit_is_still_read(api):
    nested = ('{"a":' * (MAX_JSON_DEPTH - 1) + "1" + "}" * (MAX_JSON_DEPTH - 1)).encode()
    body = b'{"username": "nobody", "password": "x", "extra": ' + nested + b"}"
    response = api.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code in (400, 401)
    assert "嵌套" not in str(response.json())


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    body = ('{"username": "' + "[" * 5000 + '", "password": "{{{{"}').encode()
    response = api.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code in (400, 401)
    assert "嵌套" not in str(response.json())


@pytest.mark.parametrize(("path", "callback"), API_ROUTES, ids=[r[0] for r in API_ROUTES])
def test_every_api_route_answers_deep_json_without_a_server_error(path, callback, api, staff_api, city):
    for client in (api, staff_api):
        for method in ("post", "put", "patch"):
            response = getattr(client, method)(path, data=DEEP, content_type="application/json")
            assert response.status_code < 500, (method, path, response.status_code)


def test_every_api_view_reads_json_only_through_the_depth_limited_parser():
    """A view that lists its own parsers must not bring back the unlimited JSON parser."""

    checked = 0
    for path, callback in API_ROUTES:
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, APIView):
            continue
        for parser in view_class().get_parsers():
            if "json" in parser.media_type:
                assert isinstance(parser, DepthLimitedJSONParser), (path, type(parser))
                checked += 1
    assert checked > 50


def _stripe_signature(payload: bytes, secret: str) -> str:
    ts = int(time.time())
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def test_a_signed_deeply_nested_stripe_event_is_a_400(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_deep"
    response = client.post(
        "/stripe/webhook/",
        data=DEEP_OBJECT,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=_stripe_signature(DEEP_OBJECT, "whsec_test_deep"),
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_reviewer_id_past_the_64_bit_range_is_a_400(staff_api, city, make_user):
    need = NeedFactory(community=city.community, created_by=make_user(), published_at=None)
    response = staff_api.post(f"/api/v1/needs/{need.pk}/panel/", {"reviewers": [HUGE_ID]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reviewers"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/stats/delivery-ratings/", {"project": HUGE_ID, "rating": 5}),
        ("/api/v1/stats/delivery-ratings/", {"project": 1, "milestone": HUGE_ID, "rating": 5}),
        ("/api/v1/certifications/1/panel/", {"reviewers": [HUGE_ID]}),
        ("/api/v1/work-orders/1/dispatch/", {"lead_unit": HUGE_ID, "co_units": [HUGE_ID]}),
    ],
)
def test_ids_past_the_64_bit_range_in_request_bodies_are_refused(staff_api, path, body):
    response = staff_api.post(path, body, format="json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        f"/open311/v2/requests.json?service_request_id={HUGE_ID}",
        f"/open311/v2/requests.json?service_request_id=1,{HUGE_ID}",
        f"/open311/v2/requests.xml?service_request_id={HUGE_ID}",
        f"/open311/v2/requests/{HUGE_ID}.json",
        f"/open311/v2/tokens/{HUGE_ID}.json",
        f"/api/v1/ocds/releases/?need={HUGE_ID}",
    ],
)
def test_open_data_ids_past_the_64_bit_range_are_400_or_404(client, path):
    assert client.get(path).status_code in (400, 404)


@pytest.mark.parametrize(("role", "queue"), [("org_admin", "approve"), ("community_staff", "confirm")])
def test_a_bulk_action_with_an_id_past_the_64_bit_range_is_no_server_error(
    client, city, organization, make_user, role, queue
):
    scope = {"organization": organization} if role == "org_admin" else {"community": city.community}
    client.force_login(make_user(role, **scope))
    response = client.post(f"/hours/{queue}/", {"ids": [str(HUGE_ID)], "action": "approve"})
    assert response.status_code in (200, 302)  # the queue again (confirming first asks), no server error


def test_a_web_form_choice_past_the_64_bit_range_is_a_form_error(client, city, make_user, settings):
    settings.SANSHE_ENFORCE_MFA = False
    staff = make_user("platform_staff")
    client.force_login(staff)
    need = NeedFactory(community=city.community, created_by=staff, published_at=None)
    response = client.post(f"/needs/{need.pk}/panel/", {"reviewers": [str(HUGE_ID)]})
    assert response.status_code == 200
    assert str(HUGE_ID) in response.content.decode()  # named in the form's error, nothing saved


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/certifications/?organization={HUGE_ID}",
        f"/api/v1/projects/?organization={HUGE_ID}",
        f"/api/v1/service-logs/?worker={HUGE_ID}",
        f"/api/v1/revenue-shares/?fund={HUGE_ID}",
        f"/api/v1/revenue-shares/?organization={HUGE_ID}",
    ],
)
def test_list_filters_with_ids_past_the_64_bit_range_are_no_server_error(staff_api, path):
    response = staff_api.get(path)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert response.json()["count"] == 0
