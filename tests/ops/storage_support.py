"""Plumbing for the upload storage tests (``test_storage_s3.py``, ``test_upload_faults.py``): an S3
server on 127.0.0.1 (moto's server mode, a real HTTP endpoint that boto3 talks to as to any
S3-compatible store), the site's storages pointed at it through ``STORAGE_URL``, and a bidding
organization with a draft proposal to attach files to."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from apps.core.storage_url import storages_from_url
from apps.expenses.models import BudgetLine
from apps.expenses.services import budget_lines_ensure
from tests.factories.bidding import NeedFactory, ProposalFactory
from tests.factories.core import OrganizationFactory
from tests.factories.expenses import budgeted_project

BUCKET = "sanshe-uploads"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pdf_upload(name: str = "方案.pdf", *, marker: bytes = b"") -> SimpleUploadedFile:
    """A PDF (checked by its bytes) whose content differs by ``marker``."""
    return SimpleUploadedFile(name, PDF + b"%" + marker + b"\n", content_type="application/pdf")


class S3Server:
    """moto's S3 server on a free port of 127.0.0.1, with one bucket whose policy lets anyone read
    the public prefix (``media/``) and nothing else, as deploy/README.md tells an operator to set."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> S3Server:
        self._server.start()
        client = self.client()
        client.create_bucket(Bucket=BUCKET)
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def storage_url(self) -> str:
        return f"s3://sanshe:secret@{BUCKET}?endpoint_url={self.endpoint}&region=us-east-1"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="sanshe",
            aws_secret_access_key="secret",  # noqa: S106 (moto's, any key is accepted)
        )

    def object_keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def object_bytes(self, key: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def anonymous_get(self, key: str) -> int:
        """The status of a plain, unsigned GET of the object's address, as anyone on the Internet."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{BUCKET}/{quote(key)}", timeout=5) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code


def use_s3(settings, server: S3Server) -> None:
    """Point the public and private storages at ``server`` as STORAGE_URL would."""
    settings.STORAGES = {**settings.STORAGES, **storages_from_url(server.storage_url)}


# Fixtures are declared with name=…, so a test module imports them under another name and its
# tests ask for them by the short one (no shadowed import).
@pytest.fixture(scope="module", name="s3_server")
def s3_server_fixture():
    server = S3Server().start()
    yield server
    server.stop()


@dataclass
class Bidder:
    admin: object
    outsider: object
    proposal: object
    staff: object
    project: object

    @property
    def attachments_url(self) -> str:
        return f"/api/v1/proposals/{self.proposal.pk}/attachments/"

    def claim(self, api, *, receipts, language: str = "zh-hans"):
        """An expense claim on the project's first budget line, through the API."""
        budget_lines_ensure(project=self.project)
        return api.as_user(self.admin).post(
            f"/api/v1/projects/{self.project.pk}/expenses/",
            {
                "budget_line": BudgetLine.objects.get(project=self.project, position=0).pk,
                "amount": "20.00",
                "spent_on": self.project.start_date.isoformat(),
                "payee": "成都玉林文具店",
                "receipts": receipts,
            },
            format="multipart",
            HTTP_ACCEPT_LANGUAGE=language,
        )


@pytest.fixture(name="bidder")
def bidder_fixture(city, organization, make_user, settings) -> Bidder:
    """An organization with a draft proposal on an open need and an active project with a budget,
    another organization's admin, and the project's community staff."""
    settings.SANSHE_ENFORCE_MFA = False
    return Bidder(
        admin=make_user("org_admin", organization=organization),
        outsider=make_user("org_admin", organization=OrganizationFactory(region=city.district)),
        proposal=ProposalFactory(need=NeedFactory(community=city.community), organization=organization),
        staff=make_user("community_staff", community=city.community),
        project=budgeted_project(
            community=city.community,
            organization=organization,
            fund=city.fund,
            lines=[("活动物资", Decimal("1500.00"))],
        ),
    )
