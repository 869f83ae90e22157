"""How a page shows the one application error (the API's counterpart is
``apps.core.api.exception_handler``).

- An access function's ``NotFound`` is the page's 404 (``object_or_404``); a page never says
  whether the object exists.
- A link that outlives the request (a notification, a search result, a printed QR code) is kept
  without the language prefix (``language_neutral_url``), so each reader sees their own language.
- Any other refusal is shown where the person will read it (``show_error``): each field error next
  to its field and the message on top of the form, what was typed kept because the same bound form
  is rendered again; a page that redirects instead (a button, no form to re-render) shows it as a
  message on the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.urls import translate_url

from apps.core.errors import ApplicationError, NotFound

T = TypeVar("T")


def object_or_404(getter: Callable[..., T], /, **kwargs: Any) -> T:
    """Call an access function or selector; the ``NotFound`` it raises becomes ``Http404``."""
    try:
        return getter(**kwargs)
    except NotFound:
        raise Http404 from None


def show_error(request, exc: ApplicationError, form: forms.BaseForm | None = None) -> None:
    """Show a refusal on the page being rendered (``form``) or on the next one (no form).

    ``NotFound`` raises ``Http404``. With a form, field errors go next to their fields (a field
    the form does not have goes on top) and the message goes on top unless it repeats a field's.
    Without one, the message and the field errors are one error message."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    field_messages = [m for msgs in exc.field_errors.values() for m in msgs]
    if form is None:
        text = " ".join(dict.fromkeys([exc.message, *field_messages])).strip()
        messages.error(request, text)
        return
    for field, msgs in exc.field_errors.items():
        for message in msgs:
            form.add_error(field if field in form.fields else None, message)
    if exc.message and exc.message not in field_messages:
        form.add_error(None, exc.message)


def language_neutral_url(url: str) -> str:
    """``url`` (a path reversed in the active language) in the default language, i.e. without the
    ``/en/`` prefix; a path that is not one of ours is returned as it is."""
    return translate_url(url, settings.LANGUAGE_CODE) if url else url
