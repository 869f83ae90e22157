from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import User
from apps.cooperatives.models import ShareHolder


class HolderForm(forms.Form):
    name = forms.CharField(label=_("Holder's name"), max_length=120)
    holder_type = forms.ChoiceField(label=_("Holder type"), choices=ShareHolder.HolderType.choices)
    shares = forms.IntegerField(
        label=_("Shares issued to the holder"), min_value=0, max_value=10**15, help_text=_("0 for none yet.")
    )
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40)
    username = forms.CharField(
        label=_("Platform account (optional)"),
        max_length=150,
        required=False,
        help_text=_("The resident's user name, so they see their holding and dividends."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("No account with this user name."))
        return user


class ShareTransferForm(forms.Form):
    from_holder = forms.ModelChoiceField(
        queryset=ShareHolder.objects.none(),
        label=pgettext_lazy("share transfer", "From"),
        empty_label=_("Choose the holder giving shares"),
    )
    to_holder = forms.ModelChoiceField(
        queryset=ShareHolder.objects.none(),
        label=pgettext_lazy("share transfer", "To"),
        empty_label=_("Choose the holder receiving shares"),
    )
    shares = forms.IntegerField(label=_("Shares"), min_value=1, max_value=10**15)

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        holders = cooperative.holders.order_by("certificate_no")
        for name in ("from_holder", "to_holder"):
            self.fields[name].queryset = holders
            self.fields[name].label_from_instance = lambda h: f"{h.name} ({h.certificate_no}, {h.shares})"


class ProfitForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1, max_value=9999)
    amount = forms.DecimalField(
        label=_("Profit of the year (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    statement = forms.FileField(
        label=_("Financial statement of the year"),
        help_text=_("PDF, image or Office file, at most 10 MB. Shown only to the cooperative's parties."),
    )
