"""Uploads on S3-compatible storage (``STORAGE_URL``), against moto's S3 server on 127.0.0.1.

What a user notices: a proposal attachment or an expense receipt sent through the API lands in the
bucket under the private prefix; its plain S3 address is refused to anyone; a user who may not see
it gets 404 from the site; one who may gets the same bytes back. A second file of the same name and
a deleted file behave as on disk: the same tests run on the folders and on the bucket."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.bidding.models import ProposalAttachment
from apps.core.storage_url import storages_from_url
from apps.core.uploads import private_storage
from apps.expenses.models import ExpenseReceipt
from tests.factories.expenses import receipt_png
from tests.ops.storage_support import BUCKET, bidder_fixture, pdf_upload, s3_server_fixture, use_s3  # noqa: F401

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(params=["disk", "s3"])
def uploads_on(request, settings):
    """The same behaviour on the folders (no STORAGE_URL) and on the bucket."""
    if request.param == "s3":
        use_s3(settings, request.getfixturevalue("s3_server"))
    return request.param


def test_storage_url_names_a_bucket_with_a_public_and_a_private_prefix():
    entries = storages_from_url(
        "s3://KEY:se%2Fcret@uploads?endpoint_url=https://s3.example.org&region=cn-north-1&private_bucket=sealed"
    )
    public, private = entries["default"]["OPTIONS"], entries["private"]["OPTIONS"]
    assert (public["bucket_name"], public["location"], public["querystring_auth"]) == ("uploads", "media", False)
    assert (private["bucket_name"], private["location"]) == ("sealed", "private")
    assert private["secret_key"] == "se/cret" and private["endpoint_url"] == "https://s3.example.org"
    assert private["file_overwrite"] is False and public["file_overwrite"] is False
    assert storages_from_url("")["private"]["BACKEND"] == "apps.core.uploads.PrivateFileSystemStorage"
    for wrong in ("https://uploads", "s3://uploads/sub", "s3://uploads?regoin=x", "s3://uploads?addressing_style=odd"):
        with pytest.raises(ImproperlyConfigured):
            storages_from_url(wrong)


def test_attachment_lands_under_the_private_prefix_and_only_the_bidder_reads_it(api, bidder, s3_server, settings):
    use_s3(settings, s3_server)
    upload = api.as_user(bidder.admin).post(bidder.attachments_url, {"file": pdf_upload(marker=b"a1")}, **ZH)
    assert upload.status_code == 201, upload.json()
    attachment = ProposalAttachment.objects.get(pk=upload.json()["id"])
    key = f"private/{attachment.file.name}"
    assert key in s3_server.object_keys()
    assert key.startswith(f"private/bidding/proposals/{bidder.proposal.pk}/")
    assert s3_server.object_bytes(key) == pdf_upload(marker=b"a1").read()
    # the object's own address is refused to anyone; the site has no public link for it
    assert s3_server.anonymous_get(key) == 403
    with pytest.raises(ValueError, match="no public URL"):
        private_storage.url(attachment.file.name)
    # sealed: another organization and the public get nothing from the site
    assert api.as_user(bidder.outsider).get(upload.json()["url"]).status_code == 404
    assert api.get(upload.json()["url"]).status_code == 404
    download = api.as_user(bidder.admin).get(upload.json()["url"])
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == pdf_upload(marker=b"a1").read()


def test_receipt_lands_under_the_private_prefix_and_the_claims_parties_read_it(api, bidder, s3_server, settings):
    use_s3(settings, s3_server)
    claim = bidder.claim(api, receipts=[receipt_png()])
    assert claim.status_code == 201, claim.json()
    receipt = ExpenseReceipt.objects.get(expense_id=claim.json()["id"])
    key = f"private/{receipt.file.name}"
    assert key in s3_server.object_keys() and key.startswith("private/expenses/")
    assert s3_server.anonymous_get(key) == 403
    url = claim.json()["receipts"][0]["url"]
    assert api.as_user(bidder.outsider).get(url).status_code == 404
    download = api.as_user(bidder.staff).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == receipt_png().read()


def test_public_uploads_go_under_the_public_prefix_that_anyone_reads(s3_server, settings):
    use_s3(settings, s3_server)
    name = default_storage.save("images/海报.txt", ContentFile(b"poster"))
    assert f"media/{name}" in s3_server.object_keys()
    assert s3_server.anonymous_get(f"media/{name}") == 200
    assert default_storage.url(name).startswith(f"{s3_server.endpoint}/{BUCKET}/media/images/")


@pytest.mark.usefixtures("uploads_on")
def test_a_second_file_of_the_same_name_keeps_the_first(api, bidder):
    client = api.as_user(bidder.admin)
    first = client.post(bidder.attachments_url, {"file": pdf_upload("plan.pdf", marker=b"first")})
    second = client.post(bidder.attachments_url, {"file": pdf_upload("plan.pdf", marker=b"second")})
    assert first.status_code == second.status_code == 201
    names = {a.file.name for a in ProposalAttachment.objects.filter(proposal=bidder.proposal)}
    assert len(names) == 2
    assert b"".join(client.get(first.json()["url"]).streaming_content).endswith(b"%first\n")
    assert b"".join(client.get(second.json()["url"]).streaming_content).endswith(b"%second\n")


@pytest.mark.usefixtures("uploads_on")
def test_a_deleted_file_is_a_404_not_an_error(api, bidder):
    client = api.as_user(bidder.admin)
    upload = client.post(bidder.attachments_url, {"file": pdf_upload()})
    name = ProposalAttachment.objects.get(pk=upload.json()["id"]).file.name
    assert private_storage.exists(name)
    private_storage.delete(name)
    assert not private_storage.exists(name)
    assert client.get(upload.json()["url"]).status_code == 404
