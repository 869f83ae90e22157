from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.projects.models import Project


class ServiceLogForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("Project"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=200)
    content = forms.CharField(label=_("Service content"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    beneficiaries_served = forms.IntegerField(label=_("Beneficiaries served"), min_value=0, max_value=100000)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"].queryset = projects


class QueueFilterForm(forms.Form):
    project = forms.IntegerField(required=False, min_value=1, max_value=2**62, label=_("Project"))
    worker = forms.IntegerField(required=False, min_value=1, max_value=2**62, label=_("Worker"))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneReportForm(forms.Form):
    report = forms.CharField(
        label=_("Report"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was delivered."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or Office documents, at most 10 MB each."),
    )
