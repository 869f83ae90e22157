from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DatePickerInput, MultipleFileField, MultipleFileInput
from apps.expenses.models import BudgetLine


class ExpenseClaimForm(forms.Form):
    budget_line = forms.ModelChoiceField(
        queryset=BudgetLine.objects.none(), label=_("Budget line"), empty_label=_("Choose a budget line")
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    spent_on = forms.DateField(label=_("Date of the expense"), widget=DatePickerInput)
    payee = forms.CharField(label=_("Paid to"), max_length=120)
    description = forms.CharField(
        label=_("What it was for"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    receipts = MultipleFileField(
        label=_("Receipts"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,image/*"}),
        help_text=_("At least one receipt: PDF or photos, at most 10 MB each."),
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is not None:
            self.fields["budget_line"].queryset = lines


class BudgetReviseForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=120)
    amount = forms.DecimalField(label=_("Budget (yuan)"), max_digits=12, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)
