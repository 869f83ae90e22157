"""Policy ``cooperative_community_majority``: while on, the community's holders keep more than
half of the shares; an issue or transfer that would leave them with 50 % or less is refused."""

import pytest

from apps.cooperatives.models import ShareHolder
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current

pytestmark = pytest.mark.django_db

RULE = "cooperative_community_majority"


@pytest.fixture
def staff(make_user, city):
    return make_user("community_staff", community=city.community)


@pytest.fixture
def client(api, staff):
    return api.as_user(staff)


@pytest.fixture
def coop(client, city):
    body = {"name": "玉林东路社区股份经济合作社", "community": city.community.code, "registered_capital": "500000.00"}
    return client.post("/api/v1/cooperatives/", body, format="json").json()


def holder(client, coop, name, shares, cert, holder_type="resident"):
    return client.post(
        f"/api/v1/cooperatives/{coop['id']}/holders/",
        {"name": name, "holder_type": holder_type, "shares": shares, "certificate_no": cert},
        format="json",
    )


def transfer(client, coop, source, target, shares):
    return client.post(
        f"/api/v1/cooperatives/{coop['id']}/share-transfers/",
        {"from_holder": source, "to_holder": target, "shares": shares},
        format="json",
    )


def set_majority_rule(on: bool) -> None:
    current = policy_current()
    PolicyVersion.objects.create(
        **{
            **{key: getattr(current, key) for key in PolicyVersion.POLICY_KEYS},
            "version": current.version + 1,
            RULE: on,
        }
    )


def test_issuing_to_a_resident_is_refused_at_exactly_half_and_allowed_one_share_below(client, coop):
    assert policy_current().cooperative_community_majority is True
    assert holder(client, coop, "社区集体", 51, "C-001", "community").status_code == 201
    assert holder(client, coop, "张丽", 49, "C-002").status_code == 201  # 51 of 100: a majority
    at_half = holder(client, coop, "王伟", 2, "C-003")  # 51 of 102: exactly half
    assert at_half.status_code == 400
    assert RULE in at_half.json()["shares"][0]
    assert not ShareHolder.objects.filter(certificate_no="C-003").exists()
    assert holder(client, coop, "王伟", 1, "C-003").status_code == 201  # 51 of 101


def test_a_resident_cannot_be_the_first_to_be_issued_shares(client, coop):
    refused = holder(client, coop, "张丽", 1, "C-001")
    assert refused.status_code == 400
    assert RULE in refused.json()["shares"][0]
    assert holder(client, coop, "张丽", 0, "C-001").status_code == 201  # a holder with no shares yet


def test_transfer_out_of_the_community_is_refused_at_exactly_half(client, coop):
    community = holder(client, coop, "社区集体", 60, "C-001", "community").json()
    resident = holder(client, coop, "张丽", 40, "C-002").json()
    at_half = transfer(client, coop, community["id"], resident["id"], 10)  # 50 of 100
    assert at_half.status_code == 400
    assert RULE in at_half.json()["shares"][0]
    assert ShareHolder.objects.get(pk=community["id"]).shares == 60
    assert transfer(client, coop, community["id"], resident["id"], 9).status_code == 201  # 51 of 100


def test_transfers_between_residents_and_towards_the_community_stay_allowed(client, coop):
    community = holder(client, coop, "社区集体", 51, "C-001", "community").json()
    a = holder(client, coop, "张丽", 49, "C-002").json()
    b = holder(client, coop, "王伟", 0, "C-003").json()
    assert transfer(client, coop, a["id"], b["id"], 20).status_code == 201
    assert transfer(client, coop, a["id"], community["id"], 29).status_code == 201


def test_with_the_policy_off_the_community_may_hold_a_minority(client, coop):
    set_majority_rule(False)
    community = holder(client, coop, "社区集体", 10, "C-001", "community").json()
    resident = holder(client, coop, "张丽", 90, "C-002").json()
    assert resident["shares"] == 90
    assert transfer(client, coop, community["id"], resident["id"], 5).status_code == 201
    set_majority_rule(True)
    # Back on: the register that predates it may only move towards the majority.
    assert transfer(client, coop, community["id"], resident["id"], 1).status_code == 400
    assert transfer(client, coop, resident["id"], community["id"], 10).status_code == 201
    assert holder(client, coop, "社区集体二组", 5, "C-003", "community").status_code == 201
