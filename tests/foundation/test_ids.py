"""Ids from requests: anything that is not a positive integer the database can hold finds nothing."""

import pytest

from apps.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (5, 5),
        ("abc", None),
        ("", None),
        (None, None),
        ("1.5", None),
        ("0", None),
        ("-3", None),
        (str(MAX_ID), MAX_ID),
        (str(2**63), None),
        ("１２", 12),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_an_out_of_range_id_is_not_found(client, make_user):
    """The URL converter takes any digits; an id past every key finds nothing."""
    client.force_login(make_user())
    for path in (f"/proposals/{2**63}/", f"/projects/{2**63}/"):
        assert client.get(path).status_code == 404, path
