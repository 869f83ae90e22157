"""OCDS with enquiries (#21): releases carry ``tender.enquiries`` and ``tender.hasEnquiries`` in
the shape of the OCDS Enquiries extension v1.1.5, the package names the extension, and every
package validates against the core release schema patched with the extension (JSON Merge Patch,
RFC 7386, as OCDS applies extensions). Who asked is never published."""

import copy
import datetime as dt
import json

import pytest
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from apps.bidding.services import question_answer, question_ask
from apps.opendata.ocds import ENQUIRY_EXTENSION
from tests.factories.bidding import NeedFactory
from tests.factories.core import OrganizationFactory
from tests.opendata.test_ocds import SCHEMA_DIR, assert_valid

pytestmark = pytest.mark.django_db

EXTENSION_DIR = SCHEMA_DIR / "extensions" / "enquiry"
ASKER = "提问的机构（保密）"


def merge_patch(target, patch):
    """RFC 7386: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@pytest.fixture(scope="module")
def patched_release_schema():
    core = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    extension = json.loads((EXTENSION_DIR / "release-schema.json").read_text())
    return merge_patch(core, extension)


@pytest.fixture(scope="module")
def validator(patched_release_schema):
    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    ref = package_schema["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(
        ref, Resource.from_contents(patched_release_schema, default_specification=DRAFT4)
    )
    return Draft4Validator(package_schema, registry=registry)


def test_the_patch_adds_the_enquiry_definition_to_the_core_schema(patched_release_schema):
    assert "Enquiry" in patched_release_schema["definitions"]
    tender = patched_release_schema["definitions"]["Tender"]["properties"]
    assert tender["enquiries"]["items"] == {"$ref": "#/definitions/Enquiry"}
    assert "hasEnquiries" in tender and "tenderPeriod" in tender  # the core's fields are kept


@pytest.fixture
def need_with_questions(city, make_user):
    staff = make_user("community_staff", community=city.community)
    need = NeedFactory(community=city.community, created_by=staff, fund=city.fund)
    org = OrganizationFactory(region=city.district, name=ASKER)
    asker = make_user("org_admin", organization=org)
    now = timezone.now()
    answered = question_ask(actor=asker, need=need, text="服务对象名单是否由社区提供？", now=now)
    question_answer(actor=staff, question=answered, answer="社区提供台账名单。", now=now + dt.timedelta(hours=1))
    question_ask(actor=asker, need=need, text="是否接受联合体投标？", now=now + dt.timedelta(hours=2))
    return need, org


def test_a_release_with_enquiries_validates_against_the_core_schema_and_the_extension(
    api, validator, need_with_questions
):
    need, org = need_with_questions
    response = api.get(f"/api/v1/ocds/releases/?need={need.pk}")
    assert response.status_code == 200
    package = response.json()
    assert_valid(validator, package)
    assert ENQUIRY_EXTENSION in package["extensions"]
    assert package["extensions"] == [ENQUIRY_EXTENSION]
    assert ENQUIRY_EXTENSION.endswith("/ocds_enquiry_extension/v1.1.5/extension.json")
    tender = package["releases"][0]["tender"]
    assert tender["hasEnquiries"] is True
    first, second = tender["enquiries"]
    assert first["description"] == "服务对象名单是否由社区提供？" and first["answer"] == "社区提供台账名单。"
    assert first["dateAnswered"] and first["date"] < first["dateAnswered"]
    assert "answer" not in second and "dateAnswered" not in second
    assert len({e["id"] for e in tender["enquiries"]}) == 2
    assert tender["enquiryPeriod"]["endDate"] < tender["tenderPeriod"]["endDate"]
    text = json.dumps(package, ensure_ascii=False)
    assert ASKER not in text and org.credit_code not in text
    assert all("author" not in e for e in tender["enquiries"])
    assert all("enquirer" not in p["roles"] for p in package["releases"][0]["parties"])


def test_a_wrongly_shaped_enquiry_fails_the_patched_schema(api, validator, need_with_questions):
    """The patched schema checks the enquiries (the core alone would let anything through)."""
    need, _org = need_with_questions
    package = api.get(f"/api/v1/ocds/releases/?need={need.pk}").json()
    package["releases"][0]["tender"]["enquiries"][0]["date"] = 20261204
    assert list(validator.iter_errors(package))


def test_a_tender_without_questions_says_it_has_none(api, validator, city, make_user):
    staff = make_user("community_staff", community=city.community)
    need = NeedFactory(community=city.community, created_by=staff)
    package = api.get(f"/api/v1/ocds/releases/?need={need.pk}").json()
    assert_valid(validator, package)
    tender = package["releases"][0]["tender"]
    assert tender["hasEnquiries"] is False and "enquiries" not in tender


def test_the_period_package_carries_enquiries_in_constant_queries(
    api, validator, need_with_questions, city, make_user, django_assert_max_num_queries
):
    staff = make_user("community_staff", community=city.community)
    asker = make_user("org_admin", organization=OrganizationFactory(region=city.district))
    for _ in range(3):
        need = NeedFactory(community=city.community, created_by=staff)
        question_ask(actor=asker, need=need, text="问题")
    today = timezone.localdate()
    url = f"/api/v1/ocds/packages/?from={today - dt.timedelta(days=30)}&to={today}"
    with django_assert_max_num_queries(12):
        package = api.get(url).json()
    assert_valid(validator, package)
    assert sum(len(r["tender"].get("enquiries", [])) for r in package["releases"]) == 5
    assert ASKER not in json.dumps(package, ensure_ascii=False)
