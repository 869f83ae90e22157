"""The sign-up form's extra fields (allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``): a person who lives
in one of the platform's communities chooses its street, then the community, and becomes a
resident of it (role ``resident``: suggest, support, discuss and rate there)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.services import membership_add
from apps.regions.models import Region


class ResidentSignupForm(forms.Form):
    street = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label=_("Your street"),
        empty_label=_("Choose your street"),
        widget=forms.Select(attrs={"data-street-picker": "community"}),
    )
    community = forms.TypedChoiceField(
        choices=(),
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Your community"),
        help_text=_(
            "Residents of a community suggest what it needs, support and discuss suggestions, and rate "
            "the services. Leave it empty if you do not live in one of these communities."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        streets = list(Region.objects.filter(level=Region.Level.STREET).order_by("code"))
        self.fields["street"].queryset = Region.objects.filter(level=Region.Level.STREET).order_by("code")
        communities: dict[int, list] = {}
        for community in (
            Region.objects.filter(level=Region.Level.COMMUNITY).order_by("code").only("pk", "name", "parent_id")
        ):
            communities.setdefault(community.parent_id, []).append((community.pk, community.name))
        self.fields["community"].choices = [
            ("", _("Choose your community")),
            *[(street.name, communities[street.pk]) for street in streets if street.pk in communities],
        ]

    def clean(self):
        data = super().clean()
        community_id, street = data.get("community"), data.get("street")
        if community_id is None:
            return data
        community = Region.objects.filter(pk=community_id, level=Region.Level.COMMUNITY).first()
        if community is None:
            self.add_error("community", _("Choose a community from the list."))
        elif street is not None and community.parent_id != street.pk:
            self.add_error("community", _("This community is not in the street you chose."))
        else:
            data["community_region"] = community
        return data

    def signup(self, request, user):
        community = self.cleaned_data.get("community_region")
        if community is not None:
            membership_add(user=user, role=Role.RESIDENT, community=community)
