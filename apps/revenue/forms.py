from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DatePickerInput, MultipleFileField


class RevenueReportForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DatePickerInput)
    period_end = forms.DateField(label=_("Period until"), widget=DatePickerInput)
    revenue = forms.DecimalField(label=_("Revenue in the period (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    attachments = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("Accounts, invoices or bank statements: PDF, images or Office documents, at most 10 MB each."),
    )
