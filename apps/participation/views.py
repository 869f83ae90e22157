"""Pages of residents' suggestions: the list, a suggestion with its support button and
discussion, the new-suggestion form, the staff's answers, and the residents' service rating."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.forms import ResidentSignupForm
from apps.accounts.models import Role
from apps.accounts.selectors import user_community_ids, user_officer_regions
from apps.accounts.services import membership_add
from apps.bidding.forms import NeedForm
from apps.core.errors import ApplicationError, NotFound
from apps.core.pages import object_or_404, show_error
from apps.participation import services
from apps.participation.access import (
    comment_get_for_user,
    suggestion_get_for_user,
    user_answers_suggestions_of,
    user_is_party_of,
    user_is_resident_of,
    user_resident_communities,
    user_resident_community_ids,
)
from apps.participation.filters import SuggestionFilter
from apps.participation.forms import CommentForm, DeclineForm, HideForm, ResidentRatingForm, SuggestionForm
from apps.participation.models import Suggestion
from apps.participation.selectors import (
    needs_followed_by,
    suggestion_comments,
    suggestion_list,
    suggestions_annotated,
    suggestions_awaiting_answer,
    suggestions_escalated_in,
    suggestions_of_author,
    suggestions_supported_by,
)
from apps.projects.access import project_get_for_user
from apps.regions.models import Region


def suggestion_list_view(request):
    filters = request.GET.copy()
    mine = user_resident_communities(request.user)
    if "community" not in filters and len(mine) == 1:
        filters["community"] = mine[0].code
    filterset = SuggestionFilter(filters, queryset=Suggestion.objects.none())
    rows = suggestion_list(filters=filters, user=request.user) if filterset.is_valid() else Suggestion.objects.none()
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    communities = Region.objects.filter(level=Region.Level.COMMUNITY, suggestions__isnull=False).distinct()
    communities = Region.objects.filter(pk__in=[*communities.values_list("pk", flat=True), *[c.pk for c in mine]])
    return render(
        request,
        "participation/suggestion_list.html",
        {
            "page": page,
            "communities": communities.order_by("code"),
            "community": filters.get("community", ""),
            "statuses": Suggestion.Status.choices,
            "status": filters.get("status", ""),
            "is_resident": bool(mine),
            "extra_query": "&".join(
                f"{key}={quote(value)}" for key, value in filters.items() if key in ("community", "status") and value
            ),
        },
    )


@login_required
def suggestion_new_view(request):
    communities = Region.objects.filter(pk__in=user_resident_community_ids(request.user)).order_by("code")
    if not communities:
        raise DjangoPermissionDenied
    form = SuggestionForm(request.POST or None, communities=communities, initial={"community": communities.first()})
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Your suggestion is published. Invite your neighbours to support it."))
            return redirect(suggestion)
    return render(request, "participation/suggestion_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request, suggestion, *, comment_form=None, decline_form=None, status=200):
    user = request.user
    party = user_is_party_of(user, suggestion)
    row = suggestion_list(user=user).get(pk=suggestion.pk)
    staff = user_answers_suggestions_of(user, suggestion.community_id)
    return render(
        request,
        "participation/suggestion_detail.html",
        {
            "suggestion": row,
            "party": party,
            "comments": suggestion_comments(suggestion=suggestion) if party else [],
            "comment_form": comment_form or CommentForm(),
            "can_support": user_is_resident_of(user, suggestion.community_id) and suggestion.is_answerable,
            "is_staff": staff,
            "can_answer": staff and suggestion.is_answerable,
            "decline_form": decline_form or DeclineForm(),
            "hide_form": HideForm(),
        },
        status=status,
    )


def _suggestion_or_404(request, pk) -> Suggestion:
    return object_or_404(suggestion_get_for_user, user=request.user, pk=pk)


def suggestion_detail_view(request, pk):
    return _detail(request, _suggestion_or_404(request, pk))


@login_required
@require_POST
def suggestion_support_view(request, pk, action):
    suggestion = _suggestion_or_404(request, pk)
    try:
        if action == "support":
            services.suggestion_support(actor=request.user, suggestion=suggestion)
            messages.success(request, _("Thank you for your support."))
        else:
            services.suggestion_unsupport(actor=request.user, suggestion=suggestion)
            messages.success(request, _("Your support is withdrawn."))
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect(suggestion)


@login_required
@require_POST
def suggestion_comment_view(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        try:
            if form.cleaned_data.get("parent"):
                try:
                    parent = comment_get_for_user(
                        user=request.user, suggestion=suggestion, pk=form.cleaned_data["parent"]
                    )
                except NotFound:
                    raise services.ValidationFailed(
                        field_errors={"parent": [_("Reply to a comment of this suggestion.")]}
                    ) from None
            services.comment_create(
                actor=request.user, suggestion=suggestion, text=form.cleaned_data["text"], parent=parent
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(suggestion.get_absolute_url() + "#comments")
    return _detail(request, suggestion, comment_form=form, status=400)


@login_required
@require_POST
def comment_hide_view(request, pk, cid):
    suggestion = _suggestion_or_404(request, pk)
    comment = object_or_404(comment_get_for_user, user=request.user, suggestion=suggestion, pk=cid)
    try:
        services.comment_hide(actor=request.user, comment=comment, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The comment is hidden."))
    return redirect(suggestion.get_absolute_url() + "#comments")


@login_required
@require_POST
def suggestion_decline_view(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_decline(actor=request.user, suggestion=suggestion, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The suggestion is declined; the residents see your reason."))
            return redirect(suggestion)
    return _detail(request, suggestion, decline_form=form, status=400)


@login_required
def suggestion_adopt_view(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    if not user_answers_suggestions_of(request.user, suggestion.community_id):
        raise DjangoPermissionDenied
    initial = {"title": suggestion.title[:120], "description": suggestion.description, "category": suggestion.category}
    form = NeedForm(request.POST or None, initial=initial, community=suggestion.community)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_adopt(
                actor=request.user, suggestion=suggestion, **{name: form.cleaned_data[name] for name in form.fields}
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Adopted: a draft need is made from the suggestion. Check it and publish it."))
            return redirect(suggestion.need)
    return render(
        request,
        "participation/suggestion_adopt.html",
        {"form": form, "suggestion": suggestion},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resident_rating_view(request, pk, mid):
    project = object_or_404(project_get_for_user, user=request.user, pk=pk)
    milestone = project.milestones.filter(pk=mid).first()
    form = ResidentRatingForm(request.POST)
    try:
        if milestone is None:
            raise NotFound(_("Not found."))
        if not form.is_valid():
            raise services.ValidationFailed(field_errors={"rating": [_("Choose a rating from 1 to 5.")]})
        services.resident_rating_record(
            actor=request.user,
            milestone=milestone,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Thank you for rating the service."))
    return redirect(project)


@login_required
def suggestions_mine_view(request):
    """A resident's own: what they suggested, what they support, and the needs that came of them."""
    return render(
        request,
        "participation/suggestions_mine.html",
        {
            "authored": suggestions_of_author(user=request.user)[:50],
            "supported": suggestions_supported_by(user=request.user)[:50],
            "needs": needs_followed_by(user=request.user)[:50],
        },
    )


@login_required
def suggestions_to_answer_view(request):
    """The community's staff: suggestions at the support threshold still unanswered; a street
    officer: the suggestions of their area that went to the street."""
    staff_ids = user_community_ids(request.user)
    regions = user_officer_regions(request.user)
    if not staff_ids and not regions:
        raise DjangoPermissionDenied
    awaiting = suggestions_annotated(suggestions_awaiting_answer(community_ids=staff_ids), user=request.user)
    escalated = suggestions_annotated(suggestions_escalated_in(regions=regions), user=request.user)
    return render(
        request,
        "participation/suggestions_to_answer.html",
        {"awaiting": awaiting.order_by("threshold_reached_at")[:100], "escalated": escalated[:100]},
    )


@login_required
def resident_join_view(request):
    """A signed-in person who lives in one of the communities (an account made before, or one that
    skipped the choice at sign-up) becomes its resident, with the sign-up's pickers."""
    form = ResidentSignupForm(request.POST or None)
    form.fields["community"].required = True
    form.fields["community"].help_text = ""
    if request.method == "POST" and form.is_valid():
        community = form.cleaned_data["community_region"]
        membership_add(user=request.user, role=Role.RESIDENT, community=community)
        messages.success(request, _("You are now a resident of %(community)s.") % {"community": community.name})
        return redirect(f"{reverse('participation:suggestion-list')}?community={community.code}")
    return render(request, "participation/resident_join.html", {"form": form}, status=400 if form.errors else 200)
