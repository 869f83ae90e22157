from django import forms
from django.utils.translation import gettext_lazy as _

from apps.certification.models import Application, Objection
from apps.core.forms import IdsChoiceField


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = Application.FACT_FIELDS
        widgets = {
            "mission_statement": forms.Textarea(attrs={"rows": 4}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
        }


class NewApplicationForm(ApplicationForm):
    organization = forms.ModelChoiceField(
        queryset=None, label=_("Organization"), empty_label=_("Choose an organization")
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.order_fields(["organization"])


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    file = forms.FileField(label=_("File"))


class PreliminaryForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("pass", _("Complete: to expert review")), ("return", _("Return to the applicant"))],
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PanelForm(forms.Form):
    reviewers = IdsChoiceField(queryset=None, label=_("Reviewers"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers


class DeclarationForm(forms.Form):
    conflict = forms.BooleanField(label=_("I have a conflict of interest with this applicant"), required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=_("Comment"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Outcome"), choices=[("1", _("Upheld")), ("0", _("Dismissed"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class AnnualReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the year"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    revenue_total = forms.DecimalField(
        label=_("Total revenue"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    revenue_commercial = forms.DecimalField(
        label=_("Commercial revenue"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    profit_distributed = forms.DecimalField(
        label=_("Profit distributed"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
