"""Every method on a path under /api/v1/ that names no operation gets CONTRACT's JSON 404."""

import pytest
from django.test import Client

METHODS = ["get", "post", "put", "patch", "delete"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/needs/1/no-such-action/", "/api/v1/x"])
def test_unknown_api_path_is_a_json_404_for_every_method(db, method, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, data={}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}


def test_unknown_api_path_answers_in_the_readers_language(db):
    response = Client().post("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Not found."}


def test_api_path_without_its_trailing_slash_still_redirects_reads(db):
    response = Client().get("/api/v1/needs")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/needs/")
