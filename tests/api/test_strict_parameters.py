"""Query parameters accept what their schema declares, and nothing else is read silently (issue 18,
"The schema tells the truth": the fuzz's negative_data_rejection check)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["yes", "1", "True", "unknown"])
def test_a_boolean_filter_refuses_what_is_not_true_or_false(client, value):
    response = client.get("/api/v1/workers/", {"verified": value})
    assert response.status_code == 400
    assert list(response.json()) == ["verified"]


@pytest.mark.parametrize("value", ["true", "false", ""])
def test_a_boolean_filter_reads_true_false_or_empty(client, value):
    assert client.get("/api/v1/workers/", {"verified": value}).status_code == 200
