from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import StandardPagination
from apps.notifications import selectors, services
from apps.notifications.access import notification_get_for_user
from apps.notifications.kinds import kind_label
from apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read", "read_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None

    def get_kind_label(self, obj) -> str:
        return kind_label(obj.kind)


class NotificationListView(ListAPIView):
    """The signed-in user's notifications, newest first. ``?unread=true`` for unread only."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = StandardPagination
    queryset = Notification.objects.none()  # the schema's model; get_queryset reads the caller's

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="only unread notifications")],
        tags=["notifications"],
    )
    def get(self, request, *args, **kwargs):
        raw = request.query_params.get("unread")
        if raw is not None and raw.lower() not in ("true", "false", "1", "0"):
            raise serializers.ValidationError({"unread": [_("true or false.")]})
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = (self.request.query_params.get("unread") or "").lower() in ("true", "1")
        return selectors.notifications_for_user(self.request.user, unread_only=unread)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer, tags=["notifications"])
    def post(self, request, pk):
        n = notification_get_for_user(user=request.user, notification_id=pk)
        services.notification_mark_read(notification=n)
        return Response(NotificationSerializer(n).data)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReadAllSerializer, tags=["notifications"])
    def post(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=60)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()
    digest = serializers.BooleanField()


class NotificationPreferencesView(APIView):
    """Per-kind delivery: in the notification centre, by e-mail, and/or in the daily digest."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True), tags=["notifications"])
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preference_table(request.user), many=True).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer, tags=["notifications"])
    def put(self, request):
        s = PreferenceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        p = services.notification_preference_set(
            user=request.user, kind=d["kind"], in_app=d["in_app"], email=d["email"], digest=d["digest"]
        )
        return Response(
            {"kind": p.kind, "label": kind_label(p.kind), "in_app": p.in_app, "email": p.email, "digest": p.digest}
        )
