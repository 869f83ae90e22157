from django import forms
from django.utils.translation import gettext_lazy as _


class RejectionForm(forms.Form):
    """The reason a verifier gives when refusing a registration or a qualification."""

    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees this reason. Say what is wrong and what to send again."),
        error_messages={"required": _("Give the reason for rejecting.")},
    )
