"""Form fields shared by several apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.ids import parse_id

# The five-level scale every rating on the site uses (很好 … 很差), best first.
RATING_CHOICES = [
    (5, _("5 · Very good")),
    (4, _("4 · Good")),
    (3, _("3 · Fair")),
    (2, _("2 · Poor")),
    (1, _("1 · Very poor")),
]


class DatePickerInput(forms.DateInput):
    """The browser's date picker. ``<input type=date>`` takes only an ISO value (2026-12-04) in
    every language; Django's default is the locale's first input format, "2026/12/04" on zh, which
    the browser drops, so the field showed empty. The picker itself shows the date the user's way."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePickerInput(forms.DateTimeInput):
    """The browser's date-and-time picker; ``datetime-local`` takes only 2026-12-04T09:30."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; ``cleaned_data`` is a list (empty when none were chosen). The
    content check (type by magic bytes, size) is the service's, through apps/core/uploads.py."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id; a posted value that is no id of ours (``parse_id``) is an
    invalid choice, not a database overflow (an id past 64 bits reached the ``IN`` query)."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super().clean(value)
