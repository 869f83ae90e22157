from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import (
    RATING_CHOICES,
    DatePickerInput,
    DateTimePickerInput,
    IdsChoiceField,
    MultipleFileField,
    MultipleFileInput,
)
from apps.dispatch.models import DispatchCategory, Unit
from apps.regions.models import Region


class MultipleImageField(MultipleFileField):
    """Photos from a phone: the camera is offered first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)


class WorkOrderReportForm(forms.Form):
    community = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Community"), empty_label=_("Choose the community")
    )
    grid = forms.ModelChoiceField(
        queryset=Region.objects.none(), required=False, label=_("Grid"), empty_label=_("Choose the grid")
    )
    category = forms.ModelChoiceField(
        queryset=DispatchCategory.objects.filter(active=True), label=_("Problem"), empty_label=_("Choose a kind")
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, label=_("What is wrong"))
    address = forms.CharField(max_length=200, required=False, label=_("Where"))
    lat = forms.DecimalField(
        label=_("latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    lon = forms.DecimalField(
        label=_("longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    photos = MultipleImageField(required=False, label=_("Photos"))
    confirm_not_duplicate = forms.BooleanField(required=False, label=_("This is a different problem: report it anyway"))

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Region.objects.filter(pk__in=[c.pk for c in communities])
        self.fields["grid"].queryset = Region.objects.filter(level="grid", parent__in=[c.pk for c in communities])
        if len(communities) == 1:
            self.fields["community"].initial = communities[0]
        self.fields["category"].label_from_instance = lambda c: c.display_name  # English names on English pages
        self.fields["lat"].widget = forms.HiddenInput()
        self.fields["lon"].widget = forms.HiddenInput()


class DispatchForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Lead unit"), empty_label=_("Choose the lead unit")
    )
    co_units = IdsChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Co-handlers"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ReplyForm(forms.Form):
    accepted_at = forms.DateTimeField(required=False, label=_("Accepted at"), widget=DateTimePickerInput)
    contacted = forms.CharField(max_length=200, required=False, label=_("Who was contacted"))
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("What was done"))
    completion_by = forms.DateField(required=False, label=_("Completed by"), widget=DatePickerInput)


class CoReplyForm(forms.Form):
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("What was done"))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        label=_("Rating (1–5)"),
    )
    resolved = forms.TypedChoiceField(
        choices=[("yes", _("Resolved")), ("no", _("Not resolved"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label=_("Is the problem resolved?"),
    )
    comment = forms.CharField(max_length=500, required=False, label=_("Comment"))


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}"


class ResidentReportForm(forms.Form):
    """Anyone reports a problem: what, where (map pin or grid), photos, and how to follow it."""

    category = forms.ModelChoiceField(
        queryset=DispatchCategory.objects.filter(active=True),
        label=_("What kind of problem"),
        empty_label=_("Choose a kind"),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, label=_("What is wrong"))
    grid = GridChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label=_("Where (grid)"),
        empty_label=_("Choose the grid"),
        help_text=_("Without a map pin, the problem is placed at the centre of this grid."),
    )
    lat = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    lon = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    photos = MultipleImageField(
        required=False, label=_("Photos (up to 3)"), help_text=_("JPEG, PNG or WebP; the place in them stays private.")
    )
    email = forms.EmailField(
        required=False,
        label=_("E-mail (optional)"),
        help_text=_("To get a mail when it is taken up, handled and closed. Never shown."),
    )
    name = forms.CharField(max_length=60, required=False, label=_("Your name (optional)"), help_text=_("Never shown."))
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: c.display_name
        self.fields["grid"].queryset = (
            Region.objects.filter(level="grid", lat__isnull=False).select_related("parent").order_by("code")
        )
        self.fields["lat"].widget = forms.HiddenInput()
        self.fields["lon"].widget = forms.HiddenInput()

    def position(self):
        """(lat, lon): the map pin, else the chosen grid's centre, else (None, None)."""
        data = self.cleaned_data
        if data.get("lat") is not None and data.get("lon") is not None:
            return data["lat"], data["lon"]
        grid = data.get("grid")
        if grid is not None:
            return grid.lat, grid.lon
        return None, None


class ReportJoinForm(forms.Form):
    email = forms.EmailField(
        required=False, label=_("E-mail (optional)"), help_text=_("To follow it by mail. Never shown.")
    )


class ReportRejectForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Reason (public)"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportRateForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    rating = forms.TypedChoiceField(
        choices=[
            (5, _("5 · Very good")),
            (4, _("4 · Good")),
            (3, _("3 · Fair")),
            (2, _("2 · Poor: not resolved")),
            (1, _("1 · Very poor: not resolved")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How was it handled?"),
    )
    comment = forms.CharField(max_length=500, required=False, label=_("Comment"))
