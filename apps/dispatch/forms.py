from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DatePickerInput, DateTimePickerInput, IdsChoiceField, MultipleFileField, MultipleFileInput
from apps.dispatch.models import DispatchCategory, Unit
from apps.regions.models import Region


class MultipleImageField(MultipleFileField):
    """Photos from a phone: the camera is offered first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)


class WorkOrderReportForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Community"))
    grid = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label=_("Grid"))
    category = forms.ModelChoiceField(queryset=DispatchCategory.objects.filter(active=True), label=_("Problem"))
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
        choices=[
            (5, _("5 · Very good")),
            (4, _("4 · Good")),
            (3, _("3 · Fair")),
            (2, _("2 · Poor")),
            (1, _("1 · Very poor")),
        ],
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
