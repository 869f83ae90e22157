"""API v1 of needs, sealed proposals, panels, scores, award and objections (CONTRACT)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.selectors import is_platform_staff
from apps.bidding import services
from apps.bidding.access import (
    need_get_for_user,
    objection_get,
    panel_seat_recusal_reason,
    proposal_get_for_user,
    proposal_list_for_user,
    question_get_for_user,
)
from apps.bidding.filters import NeedFilter
from apps.bidding.models import Need, Objection, PanelReviewer, Proposal, Question
from apps.bidding.selectors import (
    NeedPaginator,
    need_is_followed,
    need_list,
    need_queryset,
    need_ranking_public,
    objection_list_public,
    question_list_public,
)
from apps.certification.badges import OrganizationCertifiedField
from apps.core.api import (
    IdField,
    IdOrCodeRelatedField,
    MoneyField,
    StandardPagination,
    TransitionView,
    reference_pair,
)
from apps.core.errors import NotFound
from apps.core.models import Category
from apps.core.uploads import private_file_response
from apps.funds.models import Fund
from apps.organizations.models import Organization
from apps.regions.models import Region
from apps.workers.models import SocialWorker


class NeedSerializer(serializers.ModelSerializer):
    community = IdOrCodeRelatedField(queryset=Region.objects.filter(level="community"), shows="code")
    community_id = reference_pair("community", shows="code")
    community_name = serializers.CharField(source="community.name", read_only=True)
    category = IdOrCodeRelatedField(queryset=Category.objects.all(), shows="code")
    category_id = reference_pair("category", shows="code")
    fund = IdOrCodeRelatedField(queryset=Fund.objects.all(), shows="code", required=False, allow_null=True)
    fund_id = reference_pair("fund", shows="code", allow_null=True)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=10000)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10_000_000)
    beneficiary_group = serializers.CharField(max_length=120, required=False, allow_blank=True)
    budget_min = MoneyField(max_digits=12)
    budget_max = MoneyField(max_digits=12)
    workers_needed = serializers.IntegerField(min_value=1, max_value=100)
    proposals_count = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Number of bids; null before the bid deadline for everyone but platform staff (sealed).",
    )
    ranking = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "community",
            "community_id",
            "community_name",
            *Need.EDITABLE_FIELDS,
            "category_id",
            "fund_id",
            "status",
            "published_at",
            "cancelled_reason",
            "stalled_reason",
            "proposals_count",
            "awarded_proposal",
            "awarded_at",
            "notice_ends_at",
            "ranking",
        ]
        read_only_fields = [
            "id",
            "status",
            "published_at",
            "cancelled_reason",
            "stalled_reason",
            "awarded_proposal",
            "awarded_at",
            "notice_ends_at",
        ]

    def get_ranking(self, need) -> list[dict]:
        return need_ranking_public(need=need)


class NeedUpdateSerializer(NeedSerializer):
    community = serializers.CharField(source="community.code", read_only=True)


def _need_response(request, need, code=status.HTTP_200_OK):
    need = need_get_for_user(user=request.user, pk=need.pk, queryset=need_queryset(user=request.user))
    return Response(NeedSerializer(need).data, status=code)


class NeedPagination(StandardPagination):
    django_paginator_class = NeedPaginator


class NeedListView(generics.ListCreateAPIView):
    """Needs: anyone sees published and later needs; drafts only their own community's staff.
    The filters (NeedFilter) are applied by the filter backend, so the schema documents them.
    `count` is exact below 1,000 matches; a larger count may be cached for up to 10 seconds per
    filter combination and reader's visibility, so it can be a few seconds stale."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    pagination_class = NeedPagination

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_queryset(self):
        return need_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        community = data.pop("community")
        need = services.need_create(actor=request.user, community=community, **data)
        return _need_response(request, need, status.HTTP_201_CREATED)


class NeedDetailView(APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "PATCH" else []

    @extend_schema(responses=NeedSerializer)
    def get(self, request, pk):
        return Response(
            NeedSerializer(need_get_for_user(user=request.user, pk=pk, queryset=need_queryset(user=request.user))).data
        )

    @extend_schema(request=NeedUpdateSerializer, responses=NeedSerializer)
    def patch(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        serializer = NeedUpdateSerializer(need, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        need = services.need_update(actor=request.user, need=need, **serializer.validated_data)
        return _need_response(request, need)


class _NeedTransitionView(TransitionView):
    """A transition of a need the user may see, answered with the need as the user may read it."""

    subject = "need"
    output_serializer = NeedSerializer

    def get_subject(self, request, pk):
        return need_get_for_user(user=request.user, pk=pk)

    def respond(self, request, need):
        return _need_response(request, need, self.success_status)


class NeedPublishView(_NeedTransitionView):
    service = services.need_publish


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NeedCancelView(_NeedTransitionView):
    service = services.need_cancel
    input_serializer = CancelSerializer


# Proposals ------------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=120)
    amount = MoneyField(max_digits=12)


class MilestoneSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    due_date = serializers.DateField()
    payment_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class TeamMemberSerializer(serializers.Serializer):
    worker = serializers.PrimaryKeyRelatedField(queryset=SocialWorker.objects.all())
    role = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("proposal-attachment", args=[attachment.proposal_id, attachment.pk])


class ProposalSerializer(serializers.ModelSerializer):
    organization = IdOrCodeRelatedField(queryset=Organization.objects.all(), code_field="credit_code")
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_certified = OrganizationCertifiedField()
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=2000)
    approach = serializers.CharField(max_length=20000)
    budget_lines = BudgetLineSerializer(many=True, max_length=200)
    milestones = MilestoneSerializer(many=True, max_length=50)
    team = TeamMemberSerializer(many=True, max_length=100)
    total_amount = MoneyField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    draft = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "need",
            "organization",
            "organization_code",
            "organization_name",
            "organization_certified",
            "title",
            "summary",
            "approach",
            "budget_lines",
            "milestones",
            "team",
            "total_amount",
            "status",
            "submitted_at",
            "attachments",
            "draft",
        ]
        read_only_fields = ["id", "need", "status", "submitted_at"]


class ProposalUpdateSerializer(ProposalSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta(ProposalSerializer.Meta):
        fields = [f for f in ProposalSerializer.Meta.fields if f != "draft"] + ["submit"]


def _proposal_response(request, proposal, code=status.HTTP_200_OK):
    proposal = proposal_get_for_user(user=request.user, pk=proposal.pk)
    return Response(ProposalSerializer(proposal).data, status=code)


class NeedProposalsView(generics.GenericAPIView):
    """Sealed bids: listed only as CONTRACT's visibility rule allows."""

    serializer_class = ProposalSerializer
    filter_backends: list = []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        page = self.paginate_queryset(proposal_list_for_user(user=request.user, need=need))
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    def post(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        serializer = ProposalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_submit(actor=request.user, need=need, **serializer.validated_data)
        return _proposal_response(request, proposal, status.HTTP_201_CREATED)


class ProposalDetailView(APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "PATCH" else []

    @extend_schema(responses=ProposalSerializer)
    def get(self, request, pk):
        return Response(ProposalSerializer(proposal_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(request=ProposalUpdateSerializer, responses=ProposalSerializer)
    def patch(self, request, pk):
        proposal = proposal_get_for_user(user=request.user, pk=pk)
        serializer = ProposalUpdateSerializer(proposal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_update(actor=request.user, proposal=proposal, **serializer.validated_data)
        return _proposal_response(request, proposal)


class ProposalWithdrawView(TransitionView):
    service = services.proposal_withdraw
    subject = "proposal"
    output_serializer = ProposalSerializer

    def get_subject(self, request, pk):
        return proposal_get_for_user(user=request.user, pk=pk)

    def respond(self, request, proposal):
        return _proposal_response(request, proposal)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ProposalAttachmentsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    def post(self, request, pk):
        proposal = proposal_get_for_user(user=request.user, pk=pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.proposal_attachment_add(
            actor=request.user, proposal=proposal, uploaded=serializer.validated_data["file"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class ProposalAttachmentDownloadView(APIView):
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, aid):
        proposal = proposal_get_for_user(user=request.user, pk=pk)
        attachment = proposal.attachments.filter(pk=aid).first()
        if attachment is None:
            raise NotFound("Not found.")
        return private_file_response(attachment.file, download_name=attachment.name)


# Panel, declarations, scores ------------------------------------------------------------------


class PanelSerializer(serializers.Serializer):
    reviewers = serializers.ListField(child=IdField(), max_length=50, allow_empty=False)


class PanelSeatSerializer(serializers.ModelSerializer):
    """A reviewer's seat on a need's panel. Before the bid deadline the recusal reason is neutral
    for everyone but platform staff."""

    username = serializers.CharField(source="reviewer.username", read_only=True)
    recused_reason = serializers.SerializerMethodField()

    class Meta:
        model = PanelReviewer
        fields = ["reviewer", "username", "declared_at", "declared_conflict", "recused", "recused_reason"]

    def get_recused_reason(self, seat) -> str:
        return panel_seat_recusal_reason(user=self.context["request"].user, seat=seat)


@extend_schema(responses=PanelSeatSerializer(many=True))
class NeedPanelView(_NeedTransitionView):
    service = services.need_panel_set
    input_serializer = PanelSerializer
    output_serializer = PanelSeatSerializer

    def perform(self, request, need, reviewers):
        ids = list(dict.fromkeys(reviewers))
        users = list(User.objects.filter(pk__in=ids))
        if len(users) != len(ids):
            raise serializers.ValidationError({"reviewers": [_("Unknown user.")]})
        return super().perform(request, need, reviewers=users)

    def respond(self, request, seats):
        return Response(PanelSeatSerializer(seats, many=True, context={"request": request}).data)


class DeclarationSerializer(serializers.Serializer):
    conflict = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class NeedDeclarationView(TransitionView):
    service = services.reviewer_declare
    subject = "need"
    input_serializer = DeclarationSerializer
    output_serializer = PanelSeatSerializer
    success_status = status.HTTP_201_CREATED

    def get_subject(self, request, pk):
        return need_get_for_user(user=request.user, pk=pk)


class ScoreSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.JSONField(), allow_empty=False)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ScoreResultSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(source="proposal_id")
    scores = serializers.DictField()
    comment = serializers.CharField()
    weighted_total = serializers.DecimalField(max_digits=5, decimal_places=2)


class ProposalScoresView(TransitionView):
    service = services.proposal_score
    subject = "proposal"
    input_serializer = ScoreSerializer
    output_serializer = ScoreResultSerializer
    success_status = status.HTTP_201_CREATED

    def get_subject(self, request, pk):
        return proposal_get_for_user(user=request.user, pk=pk)


# Award and objections -------------------------------------------------------------------------


class NeedAwardView(_NeedTransitionView):
    service = services.need_award


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection as the public reads it: grounds, status, and the written decision. Who objected
    (``objector``) is null for everyone but platform staff."""

    text = serializers.CharField(max_length=5000, help_text="The grounds (same as `grounds`).")
    grounds = serializers.CharField(source="text", read_only=True)
    submitted_at = serializers.DateTimeField(source="created_at", read_only=True)
    decided_at = serializers.DateTimeField(source="resolved_at", read_only=True, allow_null=True)
    objector = serializers.SerializerMethodField(help_text="Platform staff only; null for everyone else.")

    class Meta:
        model = Objection
        fields = [
            "id",
            "need",
            "submitted_at",
            "grounds",
            "status",
            "decision",
            "decided_at",
            "objector",
            "text",
            "created_at",
            "resolved_at",
        ]
        read_only_fields = ["id", "need", "status", "decision", "created_at", "resolved_at"]

    def get_objector(self, objection) -> dict | None:
        request = self.context.get("request")
        if request is None or not is_platform_staff(request.user):
            return None
        user = objection.filed_by
        return {"id": user.pk, "username": user.username, "name": str(user)}


class NeedObjectionsView(TransitionView):
    """`GET`: the need's objections, public (who objected: platform staff only). `POST`: a
    signed-in user objects during the award notice."""

    service = services.objection_file
    subject = "need"
    input_serializer = ObjectionSerializer
    output_serializer = ObjectionSerializer
    success_status = status.HTTP_201_CREATED
    pagination_class = StandardPagination

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_subject(self, request, pk):
        return need_get_for_user(user=request.user, pk=pk)

    @extend_schema(request=None, responses=ObjectionSerializer(many=True))
    def get(self, request, pk):
        need = self.get_subject(request, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(objection_list_public(need=need), request, view=self)
        return paginator.get_paginated_response(ObjectionSerializer(page, many=True, context={"request": request}).data)


class ResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    decision = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        help_text=f"The written reason, at least {Objection.DECISION_MIN_LENGTH} characters; public, sent to the objector.",
        error_messages={"required": _("Write the reason for the decision.")},
    )


@extend_schema(parameters=[OpenApiParameter("oid", int, OpenApiParameter.PATH)])
class ObjectionResolveView(TransitionView):
    service = services.objection_resolve
    subject = "objection"
    input_serializer = ResolveSerializer
    output_serializer = ObjectionSerializer

    def get_subject(self, request, pk, oid):
        return objection_get(need=need_get_for_user(user=request.user, pk=pk), pk=oid)


# Questions (Prozorro's enquiries) and follows -------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    """A question and its answer, public; never who asked."""

    text = serializers.CharField(max_length=Question.TEXT_MAX_LENGTH)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        write_only=True,
        required=False,
        help_text="The asking organization, when the user belongs to several (kept private).",
    )
    answer = serializers.CharField(read_only=True, allow_null=True)
    bid_deadline_extended_to = serializers.DateTimeField(source="deadline_extended_to", read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "need",
            "text",
            "answer",
            "asked_at",
            "answered_at",
            "changes_terms",
            "bid_deadline_extended_to",
            "organization",
        ]
        read_only_fields = ["id", "need", "asked_at", "answered_at", "changes_terms"]

    def to_representation(self, question):
        data = super().to_representation(question)
        data["answer"] = question.answer or None
        return data


class NeedQuestionsView(TransitionView):
    """`GET`: the need's questions and answers, public, never who asked. `POST` (a member of a
    verified organization): ask while bidding is open, until `question_deadline_days` (policy)
    before the bid deadline (409 after)."""

    service = services.question_ask
    subject = "need"
    input_serializer = QuestionSerializer
    output_serializer = QuestionSerializer
    success_status = status.HTTP_201_CREATED
    pagination_class = StandardPagination

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_subject(self, request, pk):
        return need_get_for_user(user=request.user, pk=pk)

    @extend_schema(request=None, responses=QuestionSerializer(many=True))
    def get(self, request, pk):
        need = self.get_subject(request, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(question_list_public(need=need), request, view=self)
        return paginator.get_paginated_response(QuestionSerializer(page, many=True).data)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
    changes_terms = serializers.BooleanField(
        required=False,
        default=False,
        help_text="修改了需求条件: the answer changes the need's terms; the bid deadline moves by "
        "`clarification_extension_days` (policy).",
    )


class QuestionAnswerView(TransitionView):
    """The need's community staff answer (403 for anyone else, another community's staff too)."""

    service = services.question_answer
    subject = "question"
    input_serializer = AnswerSerializer
    output_serializer = QuestionSerializer

    def get_subject(self, request, pk):
        return question_get_for_user(user=request.user, pk=pk)


class FollowSerializer(serializers.Serializer):
    need = serializers.IntegerField()
    following = serializers.BooleanField()


class NeedFollowView(APIView):
    """Follow a need (hear of its answers, deadline changes and award); `DELETE` unfollows."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: FollowSerializer})
    def post(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        services.need_follow(actor=request.user, need=need)
        return Response({"need": need.pk, "following": True}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        services.need_unfollow(actor=request.user, need=need)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=FollowSerializer)
    def get(self, request, pk):
        need = need_get_for_user(user=request.user, pk=pk)
        return Response({"need": need.pk, "following": need_is_followed(user=request.user, need=need)})
