from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import RATING_CHOICES
from apps.core.models import Category
from apps.participation.models import COMMENT_MAX, DESCRIPTION_MAX, REASON_MAX, TITLE_MAX


class SuggestionForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), label=_("Category"), empty_label=_("Choose a category")
    )
    description = forms.CharField(
        label=_("What should be done, for whom, and why"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most %(n)s characters.") % {"n": DESCRIPTION_MAX},
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["category"].label_from_instance = lambda c: c.display_name


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown publicly)"),
        min_length=10,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=500)


class ResidentRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label=_("Your rating")
    )
    comment = forms.CharField(max_length=500, required=False, label=_("Comment (optional)"))
