"""Uploads checked by content (magic bytes), not by name or browser-sent type, and by size.

Private uploads (proposal attachments, reports, photos with personal data) are stored under
PRIVATE_MEDIA_ROOT, outside the public media path, and served only by views that check access
first (see ``private_file_response``).
"""

from __future__ import annotations

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Storage outside MEDIA_ROOT with no public URL.

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


private_storage = PrivateStorage()


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a private file. Call only after the access selector allowed the object."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name or field_file.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
