from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DatePickerInput, MultipleFileField
from apps.projects.models import Project
from apps.workers.models import SocialWorker


class ServiceLogForm(forms.Form):
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), label=_("Project"), empty_label=_("Choose a project")
    )
    date = forms.DateField(label=_("Date"), widget=DatePickerInput, initial=timezone.localdate)
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
    """A review queue's filter: the projects and workers offered are those of the queue's records
    (``selectors.service_log_queue_choices``); a value outside them is an invalid choice."""

    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, label=_("Project"), empty_label=_("All projects")
    )
    worker = forms.ModelChoiceField(
        queryset=SocialWorker.objects.none(), required=False, label=_("Worker"), empty_label=_("All workers")
    )
    date_from = forms.DateField(required=False, label=_("From"), widget=DatePickerInput)
    date_to = forms.DateField(required=False, label=_("Until"), widget=DatePickerInput)

    def __init__(self, *args, projects, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["worker"].queryset = workers


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
