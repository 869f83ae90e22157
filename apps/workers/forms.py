"""The worker's form for recording continuing education (继续教育)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import DatePickerInput
from apps.workers.models import Training


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title of the training"), max_length=200)
    provider = forms.CharField(
        label=_("Provider"), max_length=200, help_text=_("The school, association or organizer.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Training.Kind.choices)
    hours = forms.DecimalField(
        label=pgettext_lazy("training", "Hours"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
    )
    completed_on = forms.DateField(label=_("Completed on"), widget=DatePickerInput)
    certificate = forms.FileField(
        label=_("Certificate of completion"),
        help_text=_("A PDF or a photo, at most 10 MB. Seen only by you, your employer and platform staff."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
