"""Fault: the storage for uploads is full, read-only or does not answer.

An upload then gets a clear 503 in the user's language (the API's ``{"detail": …}``; the upload
page shows the message above its form) and nothing is half-saved: no row pointing at a missing
file, no partial file, no earlier file of the same request left behind.

How each fault is made:
- a read-only disk: the private folder is a read-only tmpfs mount when the tests run as root (root
  writes through a chmod; root that may not mount skips), a folder without write permission otherwise;
- a full disk: a 64 KiB tmpfs mount as the private folder when the tests may mount (a real
  ENOSPC, in a space nobody else uses), and always a test storage class whose writes stop with
  ENOSPC after a given number of bytes, because filling a real shared disk is not safe on a shared
  machine;
- an object store that does not answer: moto's S3 server, stopped.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from apps.bidding.models import ProposalAttachment
from apps.core.uploads import PartialFileRemoved, StorageFailureAs503
from apps.expenses.models import Expense, ExpenseReceipt
from tests.factories.expenses import receipt_png
from tests.ops.storage_support import PDF, S3Server, bidder_fixture, pdf_upload, use_s3  # noqa: F401

pytestmark = pytest.mark.faults

ZH_MESSAGE = "文件暂时无法保存"
EN_MESSAGE = "The file cannot be stored right now"


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=False)  # noqa: S607
    return mounted.returncode == 0


@pytest.fixture
def private_folder(settings):
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def read_only_private_folder(private_folder):
    """PRIVATE_MEDIA_ROOT on a read-only file system (or, not as root, a folder it may not write)."""
    mounted = _mount_tmpfs(private_folder, "ro,size=1m")
    if not mounted:
        private_folder.chmod(0o555)
    probe = private_folder / "probe"
    try:
        probe.touch()
    except OSError:
        pass
    else:
        probe.unlink()
        private_folder.chmod(0o755)
        pytest.skip("root without permission to mount: no read-only folder can be made here")
    yield private_folder
    if mounted:
        subprocess.run(["umount", str(private_folder)], check=True)  # noqa: S607
    else:
        private_folder.chmod(0o755)


class _DiskWithRoom(FileSystemStorage):
    """A disk with ``room`` bytes left: a write stops there with ENOSPC, after writing what fit."""

    def __init__(self, *, room: int, **kwargs):
        self.room = room
        super().__init__(**kwargs)

    def _save(self, name, content):
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        with full_path.open("xb") as out:
            for chunk in content.chunks():
                out.write(chunk[: self.room])
                if len(chunk) > self.room:
                    self.room = 0
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(full_path))
                self.room -= len(chunk)
        return name


class FullDiskStorage(StorageFailureAs503, PartialFileRemoved, _DiskWithRoom):
    """The private storage's behaviour (503, partial files removed) over ``_DiskWithRoom``."""


@pytest.fixture(params=["test storage", "tmpfs"])
def full_private_folder(request, settings, private_folder):
    """Room for a small receipt, not for a 200 KB one; on the test storage, ``room`` is given back
    as an operator freeing space would (on the tmpfs, removing the partial file gives it back)."""
    if request.param == "test storage":
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": f"{__name__}.FullDiskStorage",
                "OPTIONS": {"location": str(private_folder), "room": 10_000},
            },
        }
        yield private_folder
        return
    if not _mount_tmpfs(private_folder, "size=64k"):
        pytest.skip("mounting a tmpfs needs root")
    yield private_folder
    subprocess.run(["umount", str(private_folder)], check=True)  # noqa: S607


def space_freed() -> None:
    private = storages["private"]
    if isinstance(private, FullDiskStorage):
        private.room = 10_000


def big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("合同.pdf", PDF + b"%" + b"x" * 200_000 + b"\n", content_type="application/pdf")


def test_a_read_only_disk_refuses_an_attachment_with_503_in_chinese_and_english(api, bidder, read_only_private_folder):
    client = api.as_user(bidder.admin)
    zh = client.post(bidder.attachments_url, {"file": pdf_upload()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 503
    assert ZH_MESSAGE in zh.json()["detail"] and "只读" in zh.json()["detail"]
    assert zh["Retry-After"] == "60"
    en = client.post(bidder.attachments_url, {"file": pdf_upload()}, HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 503
    assert en.json() == {"detail": en.json()["detail"]} and EN_MESSAGE in en.json()["detail"]
    assert not ProposalAttachment.objects.exists()
    assert files_under(read_only_private_folder) == []


def test_the_upload_page_shows_the_message_above_its_form(client, bidder, read_only_private_folder):
    client.force_login(bidder.admin)
    with translation.override("zh-hans"):
        page = reverse("bidding:proposal-detail", args=[bidder.proposal.pk])
    response = client.post(page, {"file": pdf_upload()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503
    html = response.content.decode()
    assert ZH_MESSAGE in html and 'type="file"' in html
    assert not ProposalAttachment.objects.exists()


def test_a_full_disk_keeps_no_claim_no_receipt_and_no_partial_file(api, bidder, full_private_folder):
    response = bidder.claim(api, receipts=[receipt_png(), big_pdf()])
    assert response.status_code == 503
    assert ZH_MESSAGE in response.json()["detail"]
    assert not Expense.objects.exists() and not ExpenseReceipt.objects.exists()
    # neither the first receipt (written) nor the part of the second that fit is left
    assert files_under(full_private_folder) == []
    # once there is room again, the same claim goes through
    space_freed()
    assert bidder.claim(api, receipts=[receipt_png()]).status_code == 201


def test_an_object_store_that_does_not_answer_is_a_503_and_saves_nothing(api, client, bidder, settings):
    server = S3Server().start()
    use_s3(settings, server)
    owner = api.as_user(bidder.admin)
    kept = owner.post(bidder.attachments_url, {"file": pdf_upload(marker=b"kept")})
    assert kept.status_code == 201
    server.stop()

    refused = owner.post(bidder.attachments_url, {"file": pdf_upload()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 503 and ZH_MESSAGE in refused.json()["detail"]
    assert ProposalAttachment.objects.count() == 1
    # reading the kept file: the API's 503, and the page's own 503 page instead of a 500
    assert owner.get(kept.json()["url"], HTTP_ACCEPT_LANGUAGE="en").status_code == 503
    client.force_login(bidder.admin)
    with translation.override("zh-hans"):
        download = reverse("bidding:proposal-attachment", args=[bidder.proposal.pk, kept.json()["id"]])
    page = client.get(download, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 503
    assert "文件暂时无法读取" in page.content.decode()
