from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.bidding.models import Need
from apps.core.forms import DatePickerInput, DateTimePickerInput, IdsChoiceField
from apps.funds.models import Fund
from apps.workers.models import SocialWorker


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = Need.EDITABLE_FIELDS
        widgets = {
            "service_start": DatePickerInput,
            "service_end": DatePickerInput,
            "bid_deadline": DateTimePickerInput,
        }

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Fund.objects.filter(community=community)
        self.fields["fund"].required = False
        self.fields["category"].label_from_instance = lambda c: c.display_name  # English names on English pages

    def clean(self):
        # On the field it concerns, before the model's constraints would report it on top.
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The maximum budget must not be below the minimum budget."))
        start, end = data.get("service_start"), data.get("service_end")
        if start and end and start > end:
            self.add_error("service_end", _("The service must not end before it starts."))
        return data


def _split_lines(text: str, parts: int) -> list[list[str]]:
    rows = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split("|")]
        if len(cells) != parts:
            raise forms.ValidationError(_("Each line needs %(n)s parts separated by |.") % {"n": parts})
        rows.append(cells)
    return rows


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=120)
    summary = forms.CharField(label=_("summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    approach = forms.CharField(label=_("approach"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    budget_lines = forms.CharField(
        label=_("budget lines"),
        help_text=_("One line each: item | amount"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    milestones = forms.CharField(
        label=_("milestones"),
        help_text=_("One line each: title | due date (YYYY-MM-DD) | payment share (%)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )
    team = IdsChoiceField(label=_("team"), queryset=SocialWorker.objects.none(), widget=forms.CheckboxSelectMultiple)
    draft = forms.BooleanField(label=_("save as draft (not submitted)"), required=False)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = workers if workers is not None else SocialWorker.objects.none()

    def clean_budget_lines(self):
        lines = []
        for item, amount in _split_lines(self.cleaned_data["budget_lines"], 2):
            try:
                value = Decimal(amount.replace(",", ""))
            except InvalidOperation:
                raise forms.ValidationError(_("%(a)s is not an amount.") % {"a": amount[:20]}) from None
            if value < 0 or value != value.quantize(Decimal("0.01")):
                raise forms.ValidationError(_("%(a)s is not an amount.") % {"a": amount[:20]})
            lines.append({"item": item[:120], "amount": value})
        return lines

    def clean_milestones(self):
        rows = []
        for title, due, percent in _split_lines(self.cleaned_data["milestones"], 3):
            try:
                rows.append(
                    {
                        "title": title[:120],
                        "due_date": dt.date.fromisoformat(due),
                        "payment_percent": Decimal(percent.rstrip("%")),
                    }
                )
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(_("Check the date and the share of: %(t)s") % {"t": title[:40]}) from None
        return rows


class DeclarationForm(forms.Form):
    conflict = forms.BooleanField(label=_("I have a conflict of interest"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))
