"""OCDS 1.1 releases for needs: tender, award, contract and implementation (milestone payments).

Sealed bidding holds here as everywhere: before the deadline a release says nothing about bids;
until the award notice it gives only the number of tenderers, never names or amounts.

Clarification questions go out as ``tender.enquiries`` of the OCDS Enquiries extension (v1.1.5),
which every package names in ``extensions``; an enquiry has no ``author`` and no party has the
``enquirer`` role: who asked is never published.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from apps.bidding.models import Need, Proposal
from apps.bidding.selectors import question_deadline

TENDER_STATUS = {
    Need.Status.PUBLISHED: "active",
    Need.Status.EVALUATING: "active",
    Need.Status.NOTICE: "active",
    Need.Status.STALLED: "active",
    Need.Status.AWARDED: "complete",
    Need.Status.CANCELLED: "cancelled",
    Need.Status.FAILED: "unsuccessful",
}
CONTRACT_STATUS = {"active": "active", "completed": "terminated", "terminated": "terminated"}
MILESTONE_STATUS = {"pending": "scheduled", "submitted": "scheduled", "returned": "notMet", "accepted": "met"}
COUNTED_PROPOSALS = ("submitted", "ineligible", "awarded", "not_awarded", "excluded")
ENQUIRY_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json"
)


def ocid_for(need: Need) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-need-{need.pk}"


def _amount(value: Decimal) -> float:
    # JSON needs a number here. Amounts have two decimals and at most 12 digits, which a double
    # represents with a repr that round-trips exactly; the books themselves stay in fen.
    return float(Decimal(value).quantize(Decimal("0.01")))


def _value(value: Decimal) -> dict:
    return {"amount": _amount(value), "currency": "CNY"}


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=timezone.get_current_timezone()).isoformat()


def _org_party(org, roles: list[str]) -> dict:
    return {
        "id": f"CN-USCC-{org.credit_code}",
        "name": org.name,
        "identifier": {"scheme": "CN-USCC", "id": org.credit_code, "legalName": org.name},
        "address": {"streetAddress": org.address, "region": org.region.name, "countryName": "中国"},
        "roles": roles,
    }


def need_releases(need: Need, *, now: dt.datetime | None = None, policy=None) -> list[dict]:
    """One release per stage the need has reached: tender, award, contract, implementation.
    ``need`` comes from ``selectors.needs_for_open_data`` (which counts its tenderers).

    Drafts have none. Each release carries its own date and tag, as OCDS expects releases to be
    published as events happen. A package of many needs passes the ``policy`` in force, read once.
    """
    if need.status == Need.Status.DRAFT or need.published_at is None:
        return []
    now = now or timezone.now()
    ocid = ocid_for(need)
    community = need.community
    buyer_id = f"CN-DIVISION-{community.code}"
    buyer_party = {
        "id": buyer_id,
        "name": community.name,
        "identifier": {"scheme": "CN-DIVISION", "id": community.code, "legalName": community.name},
        "roles": ["buyer", "procuringEntity"],
    }
    base = {
        "ocid": ocid,
        "language": "zh",
        "initiationType": "tender",
        "buyer": {"id": buyer_id, "name": community.name},
    }
    tender = {
        "id": f"need-{need.pk}",
        "title": need.title,
        "description": need.description,
        "status": TENDER_STATUS.get(need.status, "active"),
        "procuringEntity": {"id": buyer_id, "name": community.name},
        "mainProcurementCategory": "services",
        "procurementMethod": "open",
        "awardCriteria": "ratedCriteria",
        "submissionMethod": ["electronicSubmission"],
        "minValue": _value(need.budget_min),
        "value": _value(need.budget_max),
        "tenderPeriod": {"startDate": _iso(need.published_at), "endDate": _iso(need.bid_deadline)},
        "contractPeriod": {"startDate": _iso(need.service_start), "endDate": _iso(need.service_end)},
        "items": [
            {
                "id": "1",
                "description": need.title,
                "classification": {"scheme": "CPV", "id": "85300000", "description": need.category.name},
                "quantity": need.beneficiaries,
            }
        ],
    }
    tender.update(_enquiries(need, policy=policy))
    if now >= need.bid_deadline:
        # After the deadline the number of bids is public; who bid and for how much is not,
        # until the award notice.
        tender["numberOfTenderers"] = need.tenderer_count  # annotated by needs_for_open_data
    tender_tag = "tenderCancellation" if need.status == Need.Status.CANCELLED else "tender"
    releases = [
        {
            **base,
            "id": f"{ocid}-tender",
            "date": _iso(need.published_at),
            "tag": [tender_tag],
            "parties": [buyer_party],
            "tender": tender,
        }
    ]
    if (
        need.status not in (Need.Status.NOTICE, Need.Status.STALLED, Need.Status.AWARDED)
        or not need.awarded_proposal_id
    ):
        return releases

    proposals = list(
        Proposal.objects.filter(need=need, status__in=COUNTED_PROPOSALS)
        .select_related("organization__region")
        .order_by("pk")
    )
    winner = need.awarded_proposal
    supplier = {"id": f"CN-USCC-{winner.organization.credit_code}", "name": winner.organization.name}
    parties = [buyer_party] + [
        _org_party(p.organization, ["tenderer"] + (["supplier", "payee"] if p.pk == winner.pk else []))
        for p in proposals
    ]
    award_tender = {
        "id": tender["id"],
        "status": tender["status"],
        "numberOfTenderers": len(proposals),
        "tenderers": [{"id": f"CN-USCC-{p.organization.credit_code}", "name": p.organization.name} for p in proposals],
    }
    releases.append(
        {
            **base,
            "id": f"{ocid}-award",
            "date": _iso(need.awarded_at or need.updated_at),
            "tag": ["award"],
            "parties": parties,
            "tender": award_tender,
            "awards": [
                {
                    "id": f"award-{need.pk}",
                    "title": winner.title,
                    "status": "active" if need.status == Need.Status.AWARDED else "pending",
                    "date": _iso(need.awarded_at),
                    "value": _value(winner.total_amount),
                    "suppliers": [supplier],
                    "contractPeriod": {"startDate": _iso(need.service_start), "endDate": _iso(need.service_end)},
                }
            ],
        }
    )
    project = getattr(need, "project", None) if need.status == Need.Status.AWARDED else None
    if project is None:
        return releases
    contract = _contract(need, project, supplier, buyer_id, parties)
    transactions = contract.pop("implementation")["transactions"]
    releases.append(
        {
            **base,
            "id": f"{ocid}-contract",
            "date": _iso(project.created_at),
            "tag": ["contract"],
            "parties": parties,
            "contracts": [contract],
        }
    )
    if transactions:
        releases.append(
            {
                **base,
                "id": f"{ocid}-implementation-{len(transactions)}",
                "date": max(t["date"] for t in transactions),
                "tag": ["implementation"],
                "parties": parties,
                "contracts": [
                    {
                        "id": contract["id"],
                        "awardID": contract["awardID"],
                        "implementation": {"transactions": transactions},
                    }
                ],
            }
        )
    return releases


def _enquiries(need: Need, *, policy=None) -> dict:
    """``enquiryPeriod``, ``hasEnquiries`` and the questions with their answers, without authors.
    ``need.questions`` is prefetched in order by ``needs_for_open_data``."""
    questions = list(need.questions.all())
    closes = question_deadline(need=need, policy=policy)
    fields = {
        "enquiryPeriod": {"startDate": _iso(need.published_at), "endDate": _iso(max(closes, need.published_at))},
        "hasEnquiries": bool(questions),
    }
    if questions:
        fields["enquiries"] = [
            {
                "id": f"question-{q.pk}",
                "date": _iso(q.asked_at),
                "description": q.text,
                **({"answer": q.answer, "dateAnswered": _iso(q.answered_at)} if q.answered_at else {}),
            }
            for q in questions
        ]
    return fields


def _contract(need, project, supplier, buyer_id, parties) -> dict:
    payer = {"id": buyer_id, "name": need.community.name}
    if project.fund_id:
        payer = {"id": f"CN-FUND-{project.fund.code}", "name": project.fund.name}
        parties.append({"id": payer["id"], "name": payer["name"], "roles": ["payer", "funder"]})
    milestones = list(project.milestones.all())
    transactions = [
        {
            "id": f"milestone-{m.pk}-payment",
            "source": f"{settings.SITE_BASE_URL}/funds/",
            "date": _iso(m.accepted_at),
            "value": _value(m.amount),
            "payer": payer,
            "payee": supplier,
        }
        for m in milestones
        if m.status == "accepted"
    ]
    return {
        "id": f"project-{project.pk}",
        "awardID": f"award-{need.pk}",
        "title": project.title,
        "status": CONTRACT_STATUS.get(project.status, "active"),
        "value": _value(project.amount),
        "period": {"startDate": _iso(project.start_date), "endDate": _iso(project.end_date)},
        "dateSigned": _iso(project.created_at),
        "milestones": [
            {
                "id": f"milestone-{m.pk}",
                "title": m.title,
                "type": "payment",
                "dueDate": _iso(m.due_date),
                "status": MILESTONE_STATUS.get(m.status, "scheduled"),
                **({"dateMet": _iso(m.accepted_at)} if m.accepted_at else {}),
            }
            for m in milestones
        ],
        "implementation": {"transactions": transactions},
    }


def release_package(releases: list[dict], *, uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": timezone.localtime().isoformat(timespec="seconds"),
        "publisher": {"name": "三社联动平台 Sanshe", "uri": settings.SITE_BASE_URL},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "extensions": [ENQUIRY_EXTENSION],
        "publicationPolicy": f"{settings.SITE_BASE_URL}/open-data/",
        "releases": releases,
    }
