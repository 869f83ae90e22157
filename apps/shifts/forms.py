from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DatePickerInput
from apps.shifts.codes import SHORT_LENGTH
from apps.workers.models import SocialWorker

TIME = {"widget": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
POSITION = {"required": False, "max_digits": 9, "decimal_places": 6, "widget": forms.HiddenInput}


class CheckInForm(forms.Form):
    """The code typed (six characters) or carried by the scanned QR code, and the phone's position
    when the worker lets the browser read it (static/js/shift-check.js)."""

    code = forms.CharField(
        label=_("Check-in code"),
        max_length=80,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "class": "code-input"}
        ),
        help_text=_("The six characters shown by the community's staff at the place."),
    )
    lat = forms.DecimalField(min_value=-90, max_value=90, **POSITION)
    long = forms.DecimalField(min_value=-180, max_value=180, **POSITION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The scanned QR code's link filled in a token, not six characters: shown whole, and said so
        # (static/js/shift-scan.js does the same when the page's own scanner reads it).
        code = self.data.get(self.add_prefix("code")) if self.is_bound else self.initial.get("code")
        if len(str(code or "").strip()) > SHORT_LENGTH:
            self.fields["code"].widget.attrs["class"] = "code-input scanned"
            self.fields["code"].help_text = _("Read from the scanned QR code: nothing to type.")


class CheckOutForm(CheckInForm):
    content = forms.CharField(label=_("Service content"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    beneficiaries_served = forms.IntegerField(label=_("Beneficiaries served"), min_value=0, max_value=100000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Check-out code")


class ShiftForm(forms.Form):
    """The organization's administrator opens one shift of a project."""

    date = forms.DateField(label=_("Date"), widget=DatePickerInput)
    start_time = forms.TimeField(label=_("Start"), **TIME)
    end_time = forms.TimeField(label=_("End"), **TIME)
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=2)
    min_worker_level = forms.ChoiceField(label=_("Minimum worker level"), choices=SocialWorker.Level.choices)
    content = forms.CharField(label=_("Service content"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
