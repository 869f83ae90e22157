"""Pages of the bidding journey. Thin: parse, call an access selector, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_community_ids, user_organization_ids, users_with_role
from apps.bidding import services
from apps.bidding.access import (
    need_get_for_user,
    objection_get,
    panel_seat_recusal_reason,
    proposal_get_for_user,
    proposal_list_for_user,
    question_get_for_user,
    reviewer_seat,
)
from apps.bidding.filters import NeedFilter
from apps.bidding.forms import (
    AnswerForm,
    AttachmentForm,
    BidForm,
    DeclarationForm,
    NeedForm,
    ObjectionResolveForm,
    QuestionForm,
)
from apps.bidding.models import Need, Proposal
from apps.bidding.selectors import (
    NeedPaginator,
    need_is_followed,
    need_list,
    need_list_of_community_staff,
    need_queryset,
    need_ranking_public,
    objection_list_public,
    organizations_free_to_bid,
    panel_seats_of_reviewer,
    proposal_draft_of_organization,
    proposal_list_of_user_organizations,
    question_deadline,
    question_list_public,
    questions_open,
    questions_waiting_for_staff,
)
from apps.certification.selectors import certified_organization_ids
from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.exports import ID_COLUMN, YES_NO, Column, choice_label, csv_response, export_codes, export_table
from apps.core.ids import parse_id
from apps.core.models import Category
from apps.core.pages import object_or_404, show_error
from apps.core.rubric import rubric_items
from apps.core.selectors import policy_current
from apps.core.uploads import private_file_response
from apps.organizations.models import Organization
from apps.regions.models import Region
from apps.workers.models import SocialWorker


def _posted_id(request, name: str) -> int | None:
    return parse_id(request.POST.get(name))


def need_list_view(request):
    filterset = NeedFilter(request.GET, queryset=Need.objects.none())
    needs = need_list(user=request.user, filters=request.GET) if filterset.is_valid() else Need.objects.none()
    page = NeedPaginator(needs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "bidding/need_list.html",
        {
            "page": page,
            "filter": filterset,
            "statuses": Need.Status.choices,
            "regions": Region.objects.exclude(level="grid").order_by("path").values_list("code", "name"),
            "categories": [(c.code, c.display_name) for c in Category.objects.order_by("sort_order", "code")],
        },
    )


def need_detail_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk, queryset=need_queryset(user=request.user))
    return _render_need(request, need)


def _verified_orgs(user):
    return Organization.objects.filter(pk__in=user_organization_ids(user), status="verified").order_by("pk")


def _render_need(request, need, *, question_form=None, answer_form=None, resolve_form=None, status=200):
    """The need's page; a refused form comes back bound, with what was typed and its errors."""
    user = request.user
    is_staff_of_need = need.community_id in user_community_ids(user)
    staff = is_platform_staff(user)
    verified_orgs = _verified_orgs(user)
    questions = list(question_list_public(need=need))
    extension_days = policy_current().clarification_extension_days
    if is_staff_of_need:
        for q in questions:
            if q.answered_at is None:
                bound = answer_form is not None and answer_form.question.pk == q.pk
                q.answer_form = answer_form if bound else AnswerForm(extension_days=extension_days, question=q)
    objections = list(objection_list_public(need=need))
    if staff:
        for o in objections:
            if o.status == "open":
                bound = resolve_form is not None and resolve_form.objection.pk == o.pk
                o.resolve_form = resolve_form if bound else ObjectionResolveForm(objection=o)
    may_ask = bool(verified_orgs) and questions_open(need=need)
    context = {
        "need": need,
        "is_staff_of_need": is_staff_of_need,
        "bidder_orgs": verified_orgs,
        # The user's organizations that may still bid: one live proposal per organization.
        "free_bidder_orgs": organizations_free_to_bid(user=user, need=need),
        "own_proposals": Proposal.objects.filter(need=need, organization_id__in=user_organization_ids(user)),
        "seat": reviewer_seat(user=user, need=need),
        "ranking": need_ranking_public(need=need),
        "is_platform_staff": staff,
        "questions": questions,
        "question_deadline": question_deadline(need=need),
        "questions_open": questions_open(need=need),
        # A refused question comes back with what was typed, even once questions have closed.
        "question_form": question_form or (QuestionForm(organizations=verified_orgs) if may_ask else None),
        "objections": objections,
        "following": need_is_followed(user=user, need=need),
        "extension_days": extension_days,
    }
    return render(request, "bidding/need_detail.html", context, status=status)


@login_required
@require_POST
def question_ask_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk, queryset=need_queryset(user=request.user))
    form = QuestionForm(request.POST, organizations=_verified_orgs(request.user))
    if form.is_valid():
        try:
            services.question_ask(
                actor=request.user,
                need=need,
                text=form.cleaned_data["text"],
                organization=form.cleaned_data.get("organization"),
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Your question was sent. The answer will be published here."))
            return redirect(need.get_absolute_url() + "#questions")
    return _render_need(request, need, question_form=form, status=400)


@login_required
@require_POST
def question_answer_view(request, pk):
    question = object_or_404(question_get_for_user, user=request.user, pk=pk)
    need = need_queryset(user=request.user).get(pk=question.need_id)
    form = AnswerForm(request.POST, extension_days=policy_current().clarification_extension_days, question=question)
    if form.is_valid():
        try:
            services.question_answer(actor=request.user, question=question, **form.cleaned_data)
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise DjangoPermissionDenied(exc.message) from None
            show_error(request, exc, form)
        else:
            messages.success(request, _("The answer is published."))
            return redirect(need.get_absolute_url() + "#questions")
    return _render_need(request, need, answer_form=form, status=400)


@login_required
@require_POST
def need_follow_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    try:
        if request.POST.get("action") == "unfollow":
            services.need_unfollow(actor=request.user, need=need)
            messages.success(request, _("You no longer follow this need."))
        else:
            services.need_follow(actor=request.user, need=need)
            messages.success(request, _("You follow this need: answers, deadline changes and the award reach you."))
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect(need.get_absolute_url())


@login_required
@require_POST
def objection_resolve_view(request, pk, oid):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk, queryset=need_queryset(user=request.user))
    objection = object_or_404(objection_get, need=need, pk=oid)
    if not is_platform_staff(request.user):
        raise DjangoPermissionDenied(_("Only platform staff resolve objections."))
    form = ObjectionResolveForm(request.POST, objection=objection)
    if form.is_valid():
        try:
            services.objection_resolve(actor=request.user, objection=objection, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The decision is published and sent to the objector."))
            return redirect(need.get_absolute_url() + "#objections")
    return _render_need(request, need, resolve_form=form, status=400)


@login_required
def questions_waiting_view(request):
    """Community staff: unanswered questions on their needs, those past the bid deadline first."""
    communities = user_community_ids(request.user)
    if not communities:
        raise Http404
    return render(
        request,
        "bidding/questions_waiting.html",
        {"questions": questions_waiting_for_staff(community_ids=communities)},
    )


@login_required
def need_form_view(request, pk=None):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk) if pk else None
    communities = Region.objects.filter(pk__in=user_community_ids(request.user))
    if need is None and not communities:
        raise Http404
    community = (
        need.community
        if need
        else communities.filter(pk=_posted_id(request, "community")).first() or (communities.first())
    )
    form = NeedForm(request.POST or None, instance=need, community=community)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if need is None:
                need = services.need_create(actor=request.user, community=community, **data)
            else:
                need = services.need_update(actor=request.user, need=need, **data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Saved as a draft."))
            return redirect("bidding:need-detail", pk=need.pk)
    return render(
        request,
        "bidding/need_form.html",
        {"form": form, "need": need, "communities": communities, "community": community},
    )


def _confirmed_action(request, pk, action, template, service):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    if request.method == "POST":
        try:
            kwargs = {"reason": request.POST.get("reason", "")} if action == "cancel" else {}
            service(actor=request.user, need=need, **kwargs)
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Done."))
        return redirect("bidding:need-detail", pk=need.pk)
    return render(request, template, {"need": need, "action": action})


@login_required
def need_publish_view(request, pk):
    return _confirmed_action(request, pk, "publish", "bidding/need_confirm.html", services.need_publish)


@login_required
def need_award_view(request, pk):
    return _confirmed_action(request, pk, "award", "bidding/need_confirm.html", services.need_award)


@login_required
def need_cancel_view(request, pk):
    return _confirmed_action(request, pk, "cancel", "bidding/need_confirm.html", services.need_cancel)


@login_required
def needs_mine_view(request):
    return render(request, "bidding/needs_mine.html", {"needs": need_list_of_community_staff(user=request.user)})


@login_required
def bid_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    orgs = Organization.objects.filter(pk__in=user_organization_ids(request.user), status="verified")
    chosen = _posted_id(request, "organization") or parse_id(request.GET.get("organization"))
    # Without a choice, an organization that may still bid (one live proposal each).
    org = orgs.filter(pk=chosen).first() if chosen else None
    org = org or organizations_free_to_bid(user=request.user, need=need).first() or orgs.first()
    if org is None:
        raise Http404
    workers = SocialWorker.objects.filter(verified=True, user__in=users_with_role(Role.SOCIAL_WORKER, organization=org))
    draft = proposal_draft_of_organization(user=request.user, need=need, organization=org)
    form = BidForm(request.POST or None, workers=workers, proposal=draft)
    submit = request.POST.get("action") == "submit"
    if request.method == "POST" and form.is_valid():
        team = [{"worker": w, "role": _("social worker")} for w in form.proposal.cleaned_data["team"]]
        try:
            if draft is None:
                proposal = services.proposal_submit(
                    actor=request.user, need=need, organization=org, team=team, draft=not submit, **form.cleaned()
                )
            else:
                proposal = services.proposal_update(
                    actor=request.user, proposal=draft, team=team, submit=submit, **form.cleaned()
                )
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Your sealed bid was submitted.") if submit else _("Saved as a draft."))
            return redirect("bidding:proposal-detail", pk=proposal.pk)
    return render(
        request, "bidding/bid_form.html", {"need": need, "form": form, "orgs": orgs, "org": org, "draft": draft}
    )


@login_required
def my_bids_view(request):
    return render(
        request, "bidding/my_bids.html", {"proposals": proposal_list_of_user_organizations(user=request.user)}
    )


def proposal_detail_view(request, pk):
    proposal = object_or_404(proposal_get_for_user, user=request.user, pk=pk)
    own = proposal.organization_id in user_organization_ids(request.user)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and own and form.is_valid():
        try:
            services.proposal_attachment_add(actor=request.user, proposal=proposal, uploaded=form.cleaned_data["file"])
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            return redirect("bidding:proposal-detail", pk=proposal.pk)
    return render(request, "bidding/proposal_detail.html", {"proposal": proposal, "own": own, "form": form})


@login_required
@require_POST
def proposal_withdraw_view(request, pk):
    proposal = object_or_404(proposal_get_for_user, user=request.user, pk=pk)
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal)
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect("bidding:proposal-detail", pk=proposal.pk)


def proposal_attachment_view(request, pk, aid):
    proposal = object_or_404(proposal_get_for_user, user=request.user, pk=pk)
    attachment = proposal.attachments.filter(pk=aid).first()
    if attachment is None:
        raise Http404
    return private_file_response(attachment.file, download_name=attachment.name)


PROPOSAL_COLUMNS = [
    ID_COLUMN,
    Column("organization", gettext_lazy("organization")),
    Column("organization_certified", gettext_lazy("certified social enterprise"), choice_label(YES_NO)),
    Column("title", gettext_lazy("title")),
    Column("status", gettext_lazy("status"), choice_label(Proposal.Status)),
    Column("total_amount", gettext_lazy("total amount (yuan)")),
    Column("submitted_at", gettext_lazy("submitted at")),
    Column("summary", gettext_lazy("summary")),
]


def proposals_csv_view(request, pk):
    """Only the proposals the user may see; an empty export reveals nothing."""
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    rows = proposal_list_for_user(user=request.user, need=need)
    if not request.user.is_authenticated:
        raise Http404
    certified = certified_organization_ids()
    lines = (
        [
            p.pk,
            p.organization.name,
            "yes" if p.organization_id in certified else "no",
            p.title,
            p.status,
            p.total_amount,
            p.submitted_at,
            p.summary,
        ]
        for p in rows
    )
    table = export_table(PROPOSAL_COLUMNS, lines, codes=export_codes(request))
    return csv_response(*table, filename=f"need-{need.pk}-proposals.csv")


@login_required
def reviews_view(request):
    return render(request, "bidding/reviews.html", {"seats": panel_seats_of_reviewer(user=request.user)})


def _score_fields(proposal, mine, refused) -> list[dict]:
    """The rubric's inputs for one proposal, filled with what was typed when it was refused, else
    with the reviewer's saved score."""
    posted = refused["posted"] if refused and refused["proposal"] == proposal.pk else None
    saved = mine.scores if mine else {}
    return [
        {**item, "value": posted.get(item["code"], "") if posted is not None else saved.get(item["code"], "")}
        for item in rubric_items()
    ]


@login_required
def review_sheet_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    seat = reviewer_seat(user=request.user, need=need)
    if seat is None:
        raise Http404
    declaration = DeclarationForm(request.POST or None) if seat.declared_at is None else None
    if declaration is not None and request.method == "POST" and declaration.is_valid():
        try:
            services.reviewer_declare(actor=request.user, need=need, **declaration.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc)
        return redirect("bidding:review-sheet", pk=need.pk)
    # A refused score sheet is shown again with what was typed and the errors above it.
    refused = None
    if request.method == "POST" and seat.may_review:
        proposal = object_or_404(proposal_get_for_user, user=request.user, pk=request.POST.get("proposal"))
        scores = {}
        for item in rubric_items():
            raw = request.POST.get(item["code"], "")
            scores[item["code"]] = int(raw) if raw.strip().isdigit() else raw
        try:
            services.proposal_score(
                actor=request.user, proposal=proposal, scores=scores, comment=request.POST.get("comment", "")
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            errors = [m for msgs in exc.field_errors.values() for m in msgs] or [exc.message]
            refused = {"proposal": proposal.pk, "posted": request.POST, "errors": errors}
        else:
            messages.success(request, _("Score saved."))
            return redirect("bidding:review-sheet", pk=need.pk)
    proposals = (
        proposal_list_for_user(user=request.user, need=need).prefetch_related("scores") if seat.may_review else []
    )
    my_scores = {}
    for p in proposals:
        for s in p.scores.all():
            if s.reviewer_id == request.user.pk:
                my_scores[p.pk] = s
    return render(
        request,
        "bidding/review_sheet.html",
        {
            "need": need,
            "seat": seat,
            "declaration": declaration,
            "rows": [(p, my_scores.get(p.pk), _score_fields(p, my_scores.get(p.pk), refused)) for p in proposals],
            "refused": refused,
            "recused_reason": panel_seat_recusal_reason(user=request.user, seat=seat),
            # Scores are given from the deadline on, by the clock (proposal_score closes bidding
            # when the job has not yet).
            "scoring_open": need.status in (Need.Status.PUBLISHED, Need.Status.EVALUATING)
            and timezone.now() >= need.bid_deadline,
        },
    )


def ranking_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    return render(
        request,
        "bidding/ranking.html",
        {
            "need": need,
            "ranking": need_ranking_public(need=need),
            "objections": objection_list_public(need=need),
            "is_platform_staff": is_platform_staff(request.user),
        },
    )


@login_required
@require_POST
def objection_view(request, pk):
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    try:
        services.objection_file(actor=request.user, need=need, text=request.POST.get("text", ""))
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Your objection was filed."))
    return redirect("bidding:need-detail", pk=need.pk)
