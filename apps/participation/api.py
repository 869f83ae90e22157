"""API v1 of residents' suggestions (issue #21): suggestions, supports, comments, answers, and
the residents' ratings of the service."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdField, IdOrCodeRelatedField, MoneyField, TransitionView, reference_pair
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.models import Category
from apps.funds.models import Fund
from apps.participation import services
from apps.participation.access import comment_get_for_user, suggestion_get_for_user, user_is_party_of
from apps.participation.filters import SuggestionFilter
from apps.participation.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    HIDDEN_LABEL,
    REASON_MAX,
    TITLE_MAX,
    ResidentRating,
    Suggestion,
    SuggestionComment,
)
from apps.participation.selectors import resident_rating_summary, suggestion_comments, suggestion_list
from apps.projects.access import project_get_for_user
from apps.regions.models import Region
from apps.workers.models import SocialWorker


class SuggestionSerializer(serializers.ModelSerializer):
    community = IdOrCodeRelatedField(queryset=Region.objects.filter(level="community"), shows="code")
    community_id = reference_pair("community", shows="code")
    community_name = serializers.CharField(source="community.name", read_only=True)
    category = IdOrCodeRelatedField(queryset=Category.objects.all(), shows="code")
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    supports_count = serializers.IntegerField(read_only=True, default=0)
    comments_count = serializers.IntegerField(read_only=True, default=0)
    supported = serializers.BooleanField(
        read_only=True, default=False, help_text="Whether the signed-in reader supports it."
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "community",
            "community_id",
            "community_name",
            "title",
            "description",
            "category",
            "status",
            "status_display",
            "decline_reason",
            "need",
            "supports_count",
            "comments_count",
            "supported",
            "threshold_reached_at",
            "answered_at",
            "escalated_at",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "decline_reason",
            "need",
            "threshold_reached_at",
            "answered_at",
            "escalated_at",
            "created_at",
        ]


def _suggestion_response(request, suggestion, code=status.HTTP_200_OK) -> Response:
    row = suggestion_list(user=request.user).get(pk=suggestion.pk)
    return Response(SuggestionSerializer(row).data, status=code)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "community", str, description="community id or code (or a street or district code: suggestions within)"
        ),
        OpenApiParameter("status", enum=Suggestion.Status.values),
        OpenApiParameter("category", str, description="category code"),
    ]
)
class SuggestionListView(generics.ListCreateAPIView):
    """Residents' suggestions (居民提议): public, newest first, with their supports and comments
    counts. A resident of the community submits one."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_queryset(self):
        return suggestion_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        suggestion = services.suggestion_create(
            actor=request.user,
            community=data["community"],
            title=data["title"],
            description=data["description"],
            category=data["category"],
        )
        return _suggestion_response(request, suggestion, status.HTTP_201_CREATED)


class SuggestionDetailView(APIView):
    @extend_schema(responses=SuggestionSerializer)
    def get(self, request, pk):
        return _suggestion_response(request, suggestion_get_for_user(user=request.user, pk=pk))


class SupportView(APIView):
    """Support a suggestion (a resident of its community, once) or withdraw the support."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: SuggestionSerializer})
    def post(self, request, pk):
        suggestion = suggestion_get_for_user(user=request.user, pk=pk)
        services.suggestion_support(actor=request.user, suggestion=suggestion)
        return _suggestion_response(request, suggestion, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SuggestionSerializer})
    def delete(self, request, pk):
        suggestion = suggestion_get_for_user(user=request.user, pk=pk)
        services.suggestion_unsupport(actor=request.user, suggestion=suggestion)
        return _suggestion_response(request, suggestion)


class CommentSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=COMMENT_MAX)
    parent = IdField(
        source="parent_id", required=False, allow_null=True, help_text="The comment this replies to (one level deep)."
    )
    author_name = serializers.SerializerMethodField()
    hidden_reason = serializers.CharField(read_only=True)

    class Meta:
        model = SuggestionComment
        fields = ["id", "parent", "author_name", "text", "hidden", "hidden_reason", "created_at"]
        read_only_fields = ["id", "hidden", "created_at"]

    def get_author_name(self, comment) -> str:
        return str(comment.author)

    def to_representation(self, comment):
        data = super().to_representation(comment)
        if comment.hidden:
            data["text"] = str(HIDDEN_LABEL)
        return data


class CommentListView(APIView):
    """The discussion of a suggestion, oldest first, replies after their comment: for the
    residents and staff of its community (others get 403). Comments are rate-limited per person."""

    permission_classes = [IsAuthenticated]

    def _suggestion(self, request, pk):
        suggestion = suggestion_get_for_user(user=request.user, pk=pk)
        if not user_is_party_of(request.user, suggestion):
            raise PermissionDenied(
                _("Only residents and staff of %(community)s may read and join this discussion.")
                % {"community": suggestion.community.name}
            )
        return suggestion

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, pk):
        suggestion = self._suggestion(request, pk)
        rows = []
        for comment in suggestion_comments(suggestion=suggestion):
            rows.append(comment)
            rows.extend(comment.reply_list)
        return Response(CommentSerializer(rows, many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, pk):
        suggestion = self._suggestion(request, pk)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = None
        if serializer.validated_data.get("parent_id"):
            try:
                parent = comment_get_for_user(
                    user=request.user, suggestion=suggestion, pk=serializer.validated_data["parent_id"]
                )
            except NotFound:
                raise ValidationFailed(field_errors={"parent": [_("Reply to a comment of this suggestion.")]}) from None
        comment = services.comment_create(
            actor=request.user, suggestion=suggestion, text=serializer.validated_data["text"], parent=parent
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class HideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


@extend_schema(parameters=[OpenApiParameter("cid", int, OpenApiParameter.PATH)])
class CommentHideView(TransitionView):
    """The community's staff hide a comment with a reason; it then shows 已隐藏 and the reason."""

    service = services.comment_hide
    subject = "comment"
    input_serializer = HideSerializer
    output_serializer = CommentSerializer

    def get_subject(self, request, pk, cid):
        suggestion = suggestion_get_for_user(user=request.user, pk=pk)
        return comment_get_for_user(user=request.user, suggestion=suggestion, pk=cid)


class AdoptSerializer(serializers.Serializer):
    """The draft need's terms; title, description and category default to the suggestion's."""

    title = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=10000, required=False)
    category = IdOrCodeRelatedField(queryset=Category.objects.all(), shows="code", required=False)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10_000_000)
    beneficiary_group = serializers.CharField(max_length=120, required=False, allow_blank=True)
    budget_min = MoneyField(max_digits=12)
    budget_max = MoneyField(max_digits=12)
    service_start = serializers.DateField()
    service_end = serializers.DateField()
    min_worker_level = serializers.ChoiceField(choices=SocialWorker.Level.choices)
    workers_needed = serializers.IntegerField(min_value=1, max_value=100)
    bid_deadline = serializers.DateTimeField()
    fund = IdOrCodeRelatedField(queryset=Fund.objects.all(), shows="code", required=False, allow_null=True)


class _SuggestionTransition(TransitionView):
    subject = "suggestion"
    output_serializer = SuggestionSerializer

    def get_subject(self, request, pk):
        return suggestion_get_for_user(user=request.user, pk=pk)

    def respond(self, request, suggestion):
        return _suggestion_response(request, suggestion, self.success_status)


class AdoptView(_SuggestionTransition):
    """The community's staff adopt the suggestion: a draft need is made from it (``need``), and
    its author and supporters hear when the need is published, awarded and delivered."""

    service = services.suggestion_adopt
    input_serializer = AdoptSerializer
    success_status = status.HTTP_201_CREATED


class DeclineView(_SuggestionTransition):
    """The community's staff decline the suggestion with a public reason (at least 10 characters)."""

    service = services.suggestion_decline
    input_serializer = DeclineSerializer


class ResidentRatingSerializer(serializers.ModelSerializer):
    milestone = IdField(source="milestone_id", help_text="An accepted milestone of the project.")
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="1 很差 … 5 很好")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)

    class Meta:
        model = ResidentRating
        fields = ["id", "milestone", "rating", "comment", "created_at"]
        read_only_fields = ["id", "created_at"]


class ResidentRatingsView(APIView):
    """The residents' ratings of a project's service: their mean and count (public); a resident
    who supported the suggestion behind the project's need rates each accepted milestone once."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    @extend_schema(
        responses=inline_serializer(
            "ResidentRatingSummary",
            {
                "mean": serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True),
                "count": serializers.IntegerField(),
            },
        )
    )
    def get(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        summary = resident_rating_summary(project=project)
        return Response({"mean": None if summary["mean"] is None else str(summary["mean"]), "count": summary["count"]})

    @extend_schema(request=ResidentRatingSerializer, responses={201: ResidentRatingSerializer})
    def post(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        serializer = ResidentRatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = project.milestones.filter(pk=serializer.validated_data["milestone_id"]).first()
        if milestone is None:
            raise ValidationFailed(field_errors={"milestone": [_("Choose a milestone of this project.")]})
        rating = services.resident_rating_record(
            actor=request.user,
            milestone=milestone,
            rating=serializer.validated_data["rating"],
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(ResidentRatingSerializer(rating).data, status=status.HTTP_201_CREATED)
