"""OCDS 1.1 open data: releases validate against the official 1.1.5 schema and codelists, and
sealed bids stay sealed until the award notice."""

import csv
import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from apps.bidding.models import Need, Proposal, ProposalMilestone, ProposalTeamMember
from apps.core.models import Category
from apps.funds.services import fund_income_record
from apps.projects.services import project_create_from_award
from tests.factories.core import OrganizationFactory
from tests.services import service_missing

# ../shared next to the checkout; OCDS_SCHEMA_DIR points elsewhere (e.g. from a git worktree).
SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "ocds" / "1.1.5")


@pytest.fixture(scope="module", autouse=True)
def _ocds_schema():
    if not SCHEMA_DIR.exists():
        service_missing(f"OCDS schema not found at {SCHEMA_DIR}")


@pytest.fixture(scope="module")
def validator():
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    ref = package_schema["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(ref, Resource.from_contents(release_schema, default_specification=DRAFT4))
    return Draft4Validator(package_schema, registry=registry)


def codes(name: str) -> set[str]:
    with open(SCHEMA_DIR / "codelists" / f"{name}.csv", encoding="utf-8") as f:
        return {row["Code"] for row in csv.DictReader(f)}


def assert_valid(validator, package):
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    for release in package["releases"]:
        assert set(release["tag"]) <= codes("releaseTag")
        assert release["initiationType"] in codes("initiationType")
        if "tender" in release:
            assert release["tender"]["status"] in codes("tenderStatus")
        for award in release.get("awards", []):
            assert award["status"] in codes("awardStatus")
        for contract in release.get("contracts", []):
            if "status" in contract:
                assert contract["status"] in codes("contractStatus")
            for m in contract.get("milestones", []):
                assert m["status"] in codes("milestoneStatus")
                assert m["type"] in codes("milestoneType")
        for party in release.get("parties", []):
            assert set(party["roles"]) <= codes("partyRole")


@pytest.fixture
def need_factory(city, make_user):
    staff = make_user("community_staff", community=city.community)

    def _make(status="published", deadline_days=-1, **kwargs):
        now = timezone.now()
        return Need.objects.create(
            community=city.community,
            title="玉林东路社区长者助餐服务",
            description="为社区独居老人提供助餐和探访服务",
            category=Category.objects.get(code="elderly"),
            beneficiaries=120,
            beneficiary_group="独居老人",
            budget_min=Decimal("50000.00"),
            budget_max=Decimal("80000.00"),
            service_start=timezone.localdate() + dt.timedelta(days=10),
            service_end=timezone.localdate() + dt.timedelta(days=300),
            min_worker_level="assistant",
            workers_needed=1,
            bid_deadline=now + dt.timedelta(days=deadline_days),
            fund=city.fund,
            status=status,
            published_at=now - dt.timedelta(days=10),
            created_by=staff,
            **kwargs,
        )

    return _make


def bid(need, org, amount, worker=None):
    p = Proposal.objects.create(
        need=need,
        organization=org,
        title=f"{org.name}方案",
        summary="摘要",
        approach="方法",
        total_amount=Decimal(amount),
        status="submitted",
        submitted_at=timezone.now(),
        created_by=need.created_by,
    )
    ProposalMilestone.objects.create(
        proposal=p, title="启动", due_date=need.service_start, payment_percent=Decimal("30")
    )
    ProposalMilestone.objects.create(proposal=p, title="结项", due_date=need.service_end, payment_percent=Decimal("70"))
    if worker is not None:
        ProposalTeamMember.objects.create(proposal=p, worker=worker, role="负责人")
    return p


def test_open_tender_release_validates_and_says_nothing_of_bids(api, validator, need_factory, city):
    need = need_factory(deadline_days=3)
    bid(need, OrganizationFactory(region=city.district, name="秘密投标机构"), "70000.00")
    response = api.get(f"/api/v1/ocds/releases/?need={need.pk}")
    assert response.status_code == 200
    package = response.json()
    assert_valid(validator, package)
    text = json.dumps(package, ensure_ascii=False)
    assert "秘密投标机构" not in text and "70000" not in text
    assert "numberOfTenderers" not in package["releases"][0]["tender"]
    assert package["releases"][0]["ocid"].startswith(settings.OCDS_OCID_PREFIX)


def test_during_evaluation_only_the_number_of_bids_is_public(api, validator, need_factory, city):
    need = need_factory(status="evaluating", deadline_days=-1)
    bid(need, OrganizationFactory(region=city.district, name="甲机构"), "70000.00")
    bid(need, OrganizationFactory(region=city.district, name="乙机构"), "65000.00")
    package = api.get(f"/api/v1/ocds/releases/?need={need.pk}").json()
    assert_valid(validator, package)
    assert package["releases"][0]["tender"]["numberOfTenderers"] == 2
    text = json.dumps(package, ensure_ascii=False)
    assert "甲机构" not in text and "65000" not in text


def test_fully_awarded_need_with_payment_validates(api, validator, need_factory, city, worker_factory):
    need = need_factory(status="evaluating")
    winner_org = OrganizationFactory(region=city.district, name="中标机构")
    winner = bid(need, winner_org, "72000.00", worker=worker_factory(organization=winner_org))
    bid(need, OrganizationFactory(region=city.district, name="落选机构"), "75000.00")
    fund_income_record(fund=city.fund, amount_fen=72000_00, source="bank", idempotency_key="ocds-grant")
    need.awarded_proposal = winner
    need.awarded_at = timezone.now()
    need.status = "awarded"
    need.save()
    project = project_create_from_award(need=need, proposal=winner)
    first = project.milestones.order_by("position").first()
    first.status, first.accepted_at = "accepted", timezone.now()
    first.save()

    package = api.get(f"/api/v1/ocds/releases/?need={need.pk}").json()
    assert_valid(validator, package)
    tags = [r["tag"][0] for r in package["releases"]]
    assert tags == ["tender", "award", "contract", "implementation"]
    award = package["releases"][1]["awards"][0]
    assert award["value"] == {"amount": 72000.0, "currency": "CNY"}
    assert award["suppliers"][0]["name"] == "中标机构"
    assert package["releases"][1]["tender"]["numberOfTenderers"] == 2
    transactions = package["releases"][3]["contracts"][0]["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [21600.0]


def test_drafts_have_no_release_and_bad_input_is_400(api, need_factory):
    draft = need_factory(status="draft", deadline_days=10)
    draft.published_at = None
    draft.save()
    assert api.get(f"/api/v1/ocds/releases/?need={draft.pk}").status_code == 404
    assert api.get("/api/v1/ocds/releases/").status_code == 400
    assert api.get("/api/v1/ocds/releases/?need=abc").status_code == 400
    assert api.get("/api/v1/ocds/packages/?from=2026-99-01").status_code == 400


def test_period_package_validates_and_holds_every_release(api, validator, need_factory):
    need_factory(deadline_days=5)
    need_factory(status="cancelled", deadline_days=5, cancelled_reason="预算调整")
    today = timezone.localdate()
    package = api.get(f"/api/v1/ocds/packages/?from={today - dt.timedelta(days=30)}&to={today}").json()
    assert_valid(validator, package)
    assert sorted(r["tag"][0] for r in package["releases"]) == ["tender", "tenderCancellation"]


def test_an_empty_period_is_204_with_no_body_not_an_invalid_package(api, need_factory):
    """A release package needs at least one release (schema minItems 1): an empty period has no
    package to send, so it is 204 No Content, never a 200 carrying something that is not a
    package, nor a 404 as if the period did not exist."""
    need_factory(deadline_days=5)
    empty = api.get("/api/v1/ocds/packages/?from=2001-01-01&to=2001-01-02")
    assert empty.status_code == 204 and empty.content == b"" and empty["X-OCDS-Releases"] == "0"
    today = timezone.localdate()
    assert api.get(f"/api/v1/ocds/packages/?from={today - dt.timedelta(days=30)}&to={today}").status_code == 200
    assert api.get("/api/v1/ocds/packages/?from=2001-01-01&to=2001-99-02").status_code == 400


def test_open_data_page_lists_downloads_and_licence(client, need_factory):
    need_factory()
    page = client.get("/open-data/").content.decode()
    assert "/api/v1/ocds/packages/" in page and "CC BY 4.0" in page
    month = timezone.localtime(Need.objects.get().published_at).date().replace(day=1)
    assert f"/api/v1/ocds/packages/?from={month:%Y-%m-%d}&amp;to=" in page and "204" in page
