"""Uploads checked by content (magic bytes), not by name or browser-sent type, and by size.

Private uploads (proposal attachments, reports, photos with personal data) are stored under
PRIVATE_MEDIA_ROOT, outside the public media path, or under the private prefix of the STORAGE_URL
bucket (``apps.core.storage_url``), and served only by views that check access first, streamed
(see ``private_file_response``). A storage that refuses a write (full or read-only disk, object
store down) is a 503 with nothing half-saved (``StorageFailureAs503``, ``StorageFailureMiddleware``).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import zipfile

import filetype
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

from apps.core.errors import ApplicationError

logger = logging.getLogger(__name__)

IMAGE_MIMES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"}
PDF_MIMES = {"application/pdf"}
OFFICE_MIMES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
KINDS = {"image": IMAGE_MIMES, "pdf": PDF_MIMES, "office": OFFICE_MIMES}
_OOXML_MARKERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff_mime(uploaded) -> str | None:
    """The MIME type the file's bytes say it is (None when unknown)."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ("application/zip", None) and head[:2] == b"PK":
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, ooxml in _OOXML_MARKERS.items():
                if any(n.startswith(prefix) for n in names):
                    return ooxml
    return mime


def validate_upload(uploaded, *, kinds=("pdf", "image", "office"), max_bytes: int | None = None) -> str:
    """Return the sniffed MIME type, or raise ValidationError naming what is wrong."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"size": round(uploaded.size / 1048576, 1), "limit": limit // 1048576},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    mime = sniff_mime(uploaded)
    allowed = set().union(*(KINDS[k] for k in kinds))
    if mime not in allowed:
        raise ValidationError(
            _("This type of file is not accepted. Upload a PDF, an image or an Office document."), code="type"
        )
    return mime


class StorageUnavailable(ApplicationError):
    """The storage for uploads refused a write or a read: a full or read-only disk, an object
    store that does not answer (HTTP 503, in the usual ``{"detail": …}`` shape)."""

    status_code = 503

    def __init__(self, *, reading: bool = False):
        super().__init__(
            _("The file cannot be read right now: the storage for uploads does not answer. Try again later.")
            if reading
            else _(
                "The file cannot be stored right now: the storage for uploads is full, read-only or does not "
                "answer. Nothing was saved; try again later."
            )
        )


# Files written inside a database transaction that has not committed yet, as (storage, name). When
# the transaction commits they are dropped from here; when it rolls back they point at no row, and
# ``StorageFailureMiddleware`` deletes them at the end of the request. One list per request (the
# middleware starts it), and per thread or task through the context variable.
_uncommitted_files: contextvars.ContextVar[list | None] = contextvars.ContextVar("uncommitted_files", default=None)
# True once a storage refused something during the request (the middleware answers 503).
storage_failed: contextvars.ContextVar[bool] = contextvars.ContextVar("storage_failed", default=False)

_STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def _remember_uncommitted(storage, name: str) -> None:
    pending = _uncommitted_files.get()
    if pending is None or not transaction.get_connection().in_atomic_block:
        return
    entry = (storage, name)
    pending.append(entry)
    transaction.on_commit(lambda: entry in pending and pending.remove(entry))


def uncommitted_files_forget() -> None:
    """Start a request's list of files written but not yet committed."""
    _uncommitted_files.set([])


def uncommitted_files_delete() -> None:
    """Delete the files written in transactions that rolled back (no row points at them)."""
    pending = _uncommitted_files.get() or []
    _uncommitted_files.set(None)
    for storage, name in pending:
        try:
            storage.delete(name)
        except _STORAGE_ERRORS:
            logger.warning("could not delete %s left by a rolled-back upload", name, exc_info=True)


class StorageFailureAs503:
    """Storage mixin: a write or read the disk or the object store refuses is a ``StorageUnavailable``
    (503) rather than an OSError or a botocore error (500); a file saved in a transaction that then
    fails is deleted (see ``_uncommitted_files``); a missing file stays ``FileNotFoundError``."""

    def save(self, name, content, max_length=None):
        try:
            name = super().save(name, content, max_length=max_length)
        except _STORAGE_ERRORS as exc:
            storage_failed.set(True)
            logger.error("upload storage refused a write: %s", exc, exc_info=True)
            uncommitted_files_delete()
            _uncommitted_files.set([])
            raise StorageUnavailable() from exc
        _remember_uncommitted(self, name)
        return name

    def open(self, name, mode="rb"):
        try:
            return super().open(name, mode)
        except FileNotFoundError:
            raise
        except _STORAGE_ERRORS as exc:
            storage_failed.set(True)
            logger.error("upload storage refused a read: %s", exc, exc_info=True)
            raise StorageUnavailable(reading=True) from exc


class PartialFileRemoved:
    """Filesystem storage mixin: a write that fails half-way (disk full) leaves no partial file."""

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            raise


class PublicFileSystemStorage(StorageFailureAs503, PartialFileRemoved, FileSystemStorage):
    """Public uploads in MEDIA_ROOT (the default storage without STORAGE_URL)."""


class PrivateFileSystemStorage(StorageFailureAs503, PartialFileRemoved, FileSystemStorage):
    """Private uploads in PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, with no public URL.

    Its folder follows ``PRIVATE_MEDIA_ROOT`` as the default storage's follows ``MEDIA_ROOT``
    (read on use, forgotten when the setting changes), so tests point both at a temporary folder
    by overriding the settings alone."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through an access-checked view")


class _S3Client:
    """An object store that does not answer fails the request within seconds (three tries, five
    seconds to connect each) rather than holding a web worker until gunicorn's timeout."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_config = self.client_config.merge(
            Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
        )


class PublicS3Storage(StorageFailureAs503, _S3Client, S3Storage):
    """Public uploads in an S3-compatible bucket, under its public prefix (STORAGE_URL)."""


class PrivateS3Storage(StorageFailureAs503, _S3Client, S3Storage):
    """Private uploads in an S3-compatible bucket, under a prefix (or in a bucket) no policy makes
    readable: they are streamed by the access-checked views, never linked."""

    def url(self, name, *args, **kwargs):
        raise ValueError("private files have no public URL; serve them through an access-checked view")


def _to_private_backend(method: str):
    def delegate(self, *args, **kwargs):
        return getattr(storages["private"], method)(*args, **kwargs)

    delegate.__name__ = method
    return delegate


@deconstructible
class PrivateStorage(Storage):
    """The storage of every private FileField: the ``private`` entry of ``STORAGES`` (the folder
    PRIVATE_MEDIA_ROOT, or the private prefix of the STORAGE_URL bucket), looked up on each use,
    so the migrations name this class whichever backend the site runs on."""

    save = _to_private_backend("save")
    open = _to_private_backend("open")
    delete = _to_private_backend("delete")
    exists = _to_private_backend("exists")
    listdir = _to_private_backend("listdir")
    size = _to_private_backend("size")
    url = _to_private_backend("url")
    path = _to_private_backend("path")
    get_valid_name = _to_private_backend("get_valid_name")
    get_alternative_name = _to_private_backend("get_alternative_name")
    get_available_name = _to_private_backend("get_available_name")
    generate_filename = _to_private_backend("generate_filename")
    get_accessed_time = _to_private_backend("get_accessed_time")
    get_created_time = _to_private_backend("get_created_time")
    get_modified_time = _to_private_backend("get_modified_time")


private_storage = PrivateStorage()


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a private file. Call only after the access selector allowed the object."""
    try:
        opened = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(opened, as_attachment=True, filename=download_name or field_file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class StorageFailureMiddleware:
    """Uploads the storage refused, answered in one place for every app.

    - A page that caught the refusal (``show_error``: the form is shown again with the message on
      top) is answered 503 instead of 200; a page that did not catch it gets
      ``storage_unavailable.html`` (503) instead of a 500. The API's exception handler already
      answers ``StorageUnavailable`` as ``{"detail": …}`` with 503. Each 503 says when to retry.
    - Files written in a transaction that rolled back are deleted when the request ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        uncommitted_files_forget()
        failed = storage_failed.set(False)
        try:
            response = self.get_response(request)
            if storage_failed.get() and not 300 <= response.status_code < 400:
                response.status_code = 503
                response["Retry-After"] = "60"
        finally:
            storage_failed.reset(failed)
            if not transaction.get_connection().in_atomic_block:
                uncommitted_files_delete()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnavailable):
            return render(
                request, "storage_unavailable.html", {"message": exception.message, "back": request.path}, status=503
            )
        return None
