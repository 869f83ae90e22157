"""Open311 GeoReport v2 against the running server: reads through the `georeport` client
(PyPI; it has no call for posting), posts with plain HTTP (requests), XML parsed with xml.etree."""

import xml.etree.ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from apps.accounts.services import token_for
from apps.dispatch.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own server's answer in a test


@pytest.fixture
def base(live_server):
    return f"{live_server.url}/open311/v2"


def post(base, fmt="json", **data):
    return requests.post(f"{base}/requests.{fmt}", data=data, timeout=10)


def test_service_list_and_definition_through_the_client(base, desk):
    for fmt in ("json", "xml"):
        client = GeoReport(base, output_format=fmt)
        services = client.get_service_list()
        codes = sorted(s["service_code"] for s in services)
        assert codes == ["garbage", "noise"]
        definition = client.get_service_definition("noise")
        assert definition["service_code"] == "noise"
    attrs = GeoReport(base).get_service_definition("garbage")["attributes"]
    assert {a["code"] for a in attrs} == {"community", "grid"}


def test_discovery_in_json_and_xml(base, desk):
    assert requests.get(f"{base}/discovery.json", timeout=10).json()["endpoints"][0]["url"].endswith("/open311/v2/")
    root = parse_xml(requests.get(f"{base}/discovery.xml", timeout=10).content)
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"


def test_posting_with_api_key_creates_a_reported_order_read_back_by_the_client(base, desk):
    key = token_for(user=desk.grid_worker)
    response = post(
        base,
        api_key=key,
        service_code="garbage",
        description="路边垃圾成堆",
        lat="30.633100",
        long="104.057200",
        address_string="玉林东路20号",
        **{"attribute[grid]": desk.city.grid.code},
    )
    assert response.status_code == 201, response.text
    request_id = response.json()[0]["service_request_id"]
    order = WorkOrder.objects.get(pk=request_id)
    assert order.status == "reported" and order.source == "open311"
    assert order.community == desk.city.community and order.grid == desk.city.grid
    assert order.reporter == desk.grid_worker

    for fmt in ("json", "xml"):
        client = GeoReport(base, output_format=fmt)
        one = client.get_service_request(request_id)
        assert one["service_request_id"] == request_id
        assert one["status"] == "open"
        assert one["description"] == "路边垃圾成堆"
        listed = client.get_service_requests(service_code="garbage")
        listed = listed if isinstance(listed, list) else [listed]
        assert request_id in [r["service_request_id"] for r in listed]
    token = response.json()[0]["token"]
    assert requests.get(f"{base}/tokens/{token}.json", timeout=10).json()[0]["service_request_id"] == request_id
    root = parse_xml(requests.get(f"{base}/tokens/{token}.xml", timeout=10).content)
    assert root.find("request/service_request_id").text == request_id


def test_posting_by_community_code_in_xml(base, desk):
    response = post(
        base,
        "xml",
        api_key=token_for(user=desk.staff),
        service_code="noise",
        description="夜间施工噪音",
        address_string="玉林东路3号",
        **{"attribute[community]": desk.city.community.code},
    )
    assert response.status_code == 201
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    assert WorkOrder.objects.filter(pk=root.find("request/service_request_id").text, category__code="noise").exists()


def test_public_read_hides_the_reporter(base, desk, order_in):
    order = order_in("reported")
    body = requests.get(f"{base}/requests/{order.pk}.json", timeout=10).text
    assert "13800000000" not in body and desk.grid_worker.username not in body


@pytest.mark.parametrize(
    ("fmt", "data", "status"),
    [
        ("json", {"service_code": "garbage", "description": "x", "address_string": "a"}, 403),
        ("xml", {"api_key": "not-a-key", "service_code": "garbage", "description": "x", "address_string": "a"}, 403),
        ("json", {"service_code": "nope", "description": "x", "address_string": "a"}, 400),
        ("xml", {"service_code": "nope", "description": "x", "address_string": "a"}, 400),
        ("json", {"service_code": "garbage", "description": "", "address_string": "a"}, 400),
        ("json", {"service_code": "garbage", "description": "x", "lat": "999", "long": "1"}, 400),
        ("json", {"service_code": "garbage", "description": "x" * 3000, "address_string": "a"}, 400),
    ],
)
def test_errors_are_open311_error_lists(base, desk, fmt, data, status):
    if "api_key" not in data and status != 403:
        data = {**data, "api_key": token_for(user=desk.staff)}
    response = post(base, fmt, **data)
    assert response.status_code == status
    if fmt == "json":
        error = response.json()[0]
        assert error["code"] == status and error["description"]
    else:
        root = parse_xml(response.content)
        assert root.tag == "errors"
        assert root.find("error/code").text == str(status)
    assert not WorkOrder.objects.exists()


def test_an_account_that_may_not_report_is_refused(base, desk):
    response = post(
        base, api_key=token_for(user=desk.lead), service_code="garbage", description="x", address_string="a"
    )
    assert response.status_code == 403


def test_unknown_service_definition_and_request_are_404_error_lists(base, desk):
    response = requests.get(f"{base}/services/nope.xml", timeout=10)
    assert response.status_code == 404
    assert parse_xml(response.content).find("error/code").text == "404"
    assert requests.get(f"{base}/requests/999999.json", timeout=10).json()[0]["code"] == 404
