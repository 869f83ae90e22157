from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.bidding.models import Need, Objection
from apps.bidding.selectors import need_range_errors
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
        self.fields["fund"].empty_label = _("Choose a community fund")
        self.fields["category"].empty_label = _("Choose a category")
        levels = self.fields["min_worker_level"]
        levels.choices = [("", _("Choose a worker level")), *(c for c in levels.choices if c[0] != "")]
        self.fields["category"].label_from_instance = lambda c: c.display_name  # English names on English pages

    def clean(self):
        # On the field it concerns, before the model's constraints would report it on top.
        data = super().clean()
        fields = ("budget_min", "budget_max", "service_start", "service_end")
        for field, messages in need_range_errors(**{name: data.get(name) for name in fields}).items():
            for message in messages:
                self.add_error(field, message)
        return data


class ProposalForm(forms.Form):
    title = forms.CharField(label=capfirst(_("title")), max_length=120)
    summary = forms.CharField(label=capfirst(_("summary")), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    approach = forms.CharField(
        label=capfirst(_("approach")), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    team = IdsChoiceField(
        label=capfirst(_("team")), queryset=SocialWorker.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = workers if workers is not None else SocialWorker.objects.none()


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("item"), max_length=120)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=120)
    due_date = forms.DateField(label=_("due date"), widget=DatePickerInput)
    payment_percent = forms.DecimalField(
        label=_("payment share (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
    )


class RowsFormSet(forms.BaseFormSet):
    """Rows of a bid (budget lines, milestones). A blank row is left out and a row ticked for
    deletion is dropped, so the page can offer a few empty rows to a browser without JavaScript."""

    def rows(self) -> list[dict]:
        # A blank extra row is valid with nothing in cleaned_data; a draft's saved row keeps its own.
        return [
            {name: form.cleaned_data[name] for name in form.base_fields}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def sum_of(self, name: str) -> Decimal | None:
        """The sum of one column over the rows that read, for the running total (None: no row)."""
        values = []
        for form in self.forms:
            if self.can_delete and form["DELETE"].data:
                continue
            try:
                values.append(Decimal(str(form[name].value()).replace(",", "")))
            except InvalidOperation:
                continue
        finite = [v for v in values if v.is_finite()]
        return sum(finite, Decimal("0")) if finite else None


def _rows_formset(form_class):
    return forms.formset_factory(
        form_class, formset=RowsFormSet, extra=3, can_delete=True, max_num=50, validate_max=True
    )


BudgetLineFormSet = _rows_formset(BudgetLineForm)
MilestoneFormSet = _rows_formset(MilestoneForm)


class BidForm:
    """The bid page: the proposal's fields, its budget rows and its milestone rows, as one form.

    It only collects: ``proposal_submit`` and ``proposal_update`` judge the bid. Their refusals
    come back through ``add_error`` (``apps.core.pages.show_error``), the ones about
    ``budget_lines`` or ``milestones`` above those rows."""

    ROWS = {"budget_lines": "budget", "milestones": "milestones"}

    def __init__(self, data=None, *, workers, proposal=None):
        initial = {}
        budget_rows = milestone_rows = None
        if proposal is not None and data is None:
            initial = {
                "title": proposal.title,
                "summary": proposal.summary,
                "approach": proposal.approach,
                "team": [m.worker_id for m in proposal.team.all()],
            }
            budget_rows = [{"item": b.item, "amount": b.amount} for b in proposal.budget_lines.all()]
            milestone_rows = [
                {"title": m.title, "due_date": m.due_date, "payment_percent": m.payment_percent}
                for m in proposal.milestones.all()
            ]
        self.proposal = ProposalForm(data, workers=workers, initial=initial)
        self.budget_lines = BudgetLineFormSet(data, prefix="budget", initial=budget_rows)
        self.milestones = MilestoneFormSet(data, prefix="milestones", initial=milestone_rows)
        self.fields = {**self.proposal.fields, **dict.fromkeys(self.ROWS)}

    def is_valid(self) -> bool:
        return all([self.proposal.is_valid(), self.budget_lines.is_valid(), self.milestones.is_valid()])

    def add_error(self, field: str | None, message: str) -> None:
        if field in self.ROWS:
            getattr(self, field).non_form_errors().append(message)
        else:
            self.proposal.add_error(field, message)

    def cleaned(self) -> dict:
        data = self.proposal.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "approach": data["approach"],
            "budget_lines": self.budget_lines.rows(),
            "milestones": self.milestones.rows(),
        }

    @property
    def budget_total(self) -> Decimal | None:
        return self.budget_lines.sum_of("amount")

    @property
    def percent_total(self) -> Decimal | None:
        return self.milestones.sum_of("payment_percent")


class DeclarationForm(forms.Form):
    conflict = forms.BooleanField(label=_("I have a conflict of interest"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))


class QuestionForm(forms.Form):
    """A clarification question; the organization is asked for only when the user has several."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Questions and answers are public; who asked is never shown."),
    )
    organization = forms.ModelChoiceField(
        label=_("Ask for"), queryset=None, required=False, empty_label=_("Choose an organization")
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() < 2:
            self.fields["organization"].widget = forms.HiddenInput()


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    changes_terms = forms.BooleanField(label=_("The answer changes the need's terms"), required=False)

    def __init__(self, *args, extension_days: int, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["changes_terms"].help_text = _("The bid deadline is then extended by %(n)s days.") % {
            "n": extension_days
        }
        if question is not None:
            self.auto_id = f"id_q{question.pk}_%s"


class ObjectionResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=pgettext_lazy("objection", "Decision"),
        choices=[("0", pgettext_lazy("objection", "Dismissed")), ("1", _("Upheld: withdraw the award"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("Reason for the decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, objection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.objection = objection
        self.fields["decision"].help_text = _("At least %(n)s characters. Public, and sent to the objector.") % {
            "n": Objection.DECISION_MIN_LENGTH
        }
        if objection is not None:
            self.auto_id = f"id_o{objection.pk}_%s"
