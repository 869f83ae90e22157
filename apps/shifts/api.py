"""API of shifts, sign-up, check-in codes, check-in and check-out (issue #22)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound, PermissionDenied
from apps.projects.access import project_get_for_user
from apps.shifts import services
from apps.shifts.access import (
    attendance_get_for_worker,
    shift_attendance_visible,
    shift_get_for_user,
    user_sees_project_shifts,
)
from apps.shifts.filters import ShiftFilter
from apps.shifts.models import Attendance, Shift
from apps.shifts.selectors import code_payload, project_shift_list, shift_attendance, worker_attendance_list
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_for_user

COORDINATE = {"max_digits": 9, "decimal_places": 6, "required": False, "allow_null": True}


class ShiftSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title", read_only=True)
    taken = serializers.IntegerField(read_only=True, default=None, allow_null=True, help_text="Places taken (lists).")

    class Meta:
        model = Shift
        fields = [
            "id",
            "project",
            "project_title",
            "starts_at",
            "ends_at",
            "place",
            "lat",
            "long",
            "capacity",
            "taken",
            "min_worker_level",
            "content",
        ]


class _ShiftTermsSerializer(serializers.Serializer):
    """What one shift and a weekly pattern of shifts both set: the place, the places and the work."""

    place = serializers.CharField(max_length=200)
    lat = serializers.DecimalField(min_value=-90, max_value=90, **COORDINATE)
    long = serializers.DecimalField(min_value=-180, max_value=180, **COORDINATE)
    capacity = serializers.IntegerField(min_value=1, max_value=500)
    min_worker_level = serializers.ChoiceField(choices=SocialWorker.Level.choices)
    content = serializers.CharField(max_length=2000)


class ShiftInputSerializer(_ShiftTermsSerializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ShiftBulkSerializer(_ShiftTermsSerializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), min_length=1, max_length=7, help_text="0 = Monday"
    )
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()


class AttendanceSerializer(serializers.ModelSerializer):
    shift = ShiftSerializer(read_only=True)
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    late = serializers.BooleanField(read_only=True)
    service_log = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    hours = serializers.DecimalField(
        source="service_log.hours", max_digits=5, decimal_places=2, read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Attendance
        fields = [
            "id",
            "shift",
            "worker",
            "worker_name",
            "status",
            "signed_up_at",
            "cancelled_at",
            "checkin_at",
            "checkin_distance_m",
            "checkout_at",
            "checkout_distance_m",
            "position_verified",
            "refused_distance_m",
            "late",
            "closed_at",
            "service_log",
            "hours",
        ]


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The token the QR code carries (names the shift).")
    short_code = serializers.CharField(help_text="The same code as six characters to type.")
    expires_at = serializers.DateTimeField()
    day_code = serializers.CharField(help_text="The poster's code, valid all day.")
    day_short_code = serializers.CharField()
    day_expires_at = serializers.DateTimeField()
    rotates_every_seconds = serializers.IntegerField()
    witness_role = serializers.CharField()


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=80)
    lat = serializers.DecimalField(min_value=-90, max_value=90, **COORDINATE)
    long = serializers.DecimalField(min_value=-180, max_value=180, **COORDINATE)


class CheckOutSerializer(CheckInSerializer):
    content = serializers.CharField(max_length=2000)
    beneficiaries_served = serializers.IntegerField(min_value=0, max_value=100000)


def _request_worker(request) -> SocialWorker:
    worker = worker_for_user(request.user)
    if worker is None:
        raise PermissionDenied(_("Only social workers sign up for shifts."))
    return worker


class ProjectShiftListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        project = project_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if not user_sees_project_shifts(self.request.user, project):
            raise NotFound(_("Not found."))
        return project_shift_list(project=project)

    @extend_schema(
        request=ShiftInputSerializer,
        responses={201: ShiftSerializer},
        description="The project organization's org_admin. Refused with 400: outside the project period, "
        "longer than the policy's daily_hours_cap, over two days, capacity below 1.",
    )
    def post(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        serializer = ShiftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift = services.shift_create(actor=request.user, project=project, **serializer.validated_data)
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class ProjectShiftBulkView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ShiftBulkSerializer,
        responses={201: ShiftSerializer(many=True)},
        description="A weekly pattern: a shift on each of `weekdays` (0 = Monday) between the two dates; "
        "each is checked like a single shift and all or none are made.",
    )
    def post(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        serializer = ShiftBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shifts = services.shifts_create_weekly(actor=request.user, project=project, **serializer.validated_data)
        return Response(ShiftSerializer(shifts, many=True).data, status=status.HTTP_201_CREATED)


class MyShiftListView(generics.ListAPIView):
    """The worker's own shifts, every status, by start."""

    permission_classes = [IsAuthenticated]
    serializer_class = AttendanceSerializer
    filter_backends: list = []

    def get_queryset(self):
        return worker_attendance_list(worker=_request_worker(self.request))


class ShiftDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ShiftSerializer)
    def get(self, request, pk):
        return Response(ShiftSerializer(shift_get_for_user(user=request.user, pk=pk)).data)


class ShiftSignupView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: AttendanceSerializer},
        description="A worker on the project's team. 409: full, already started, already signed up; 400: "
        "below the shift's level, not qualified or registered on its date, another shift or a live service "
        "record at that time; 403: not on the team.",
    )
    def post(self, request, pk):
        shift = shift_get_for_user(user=request.user, pk=pk)
        attendance = services.shift_signup(actor=request.user, worker=_request_worker(request), shift=shift)
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=AttendanceSerializer,
        description="Cancels: `cancelled` up to the policy's shift_cancel_hours before the start, "
        "`late_cancelled` later (the organization is told); 409 once started.",
    )
    def delete(self, request, pk):
        shift = shift_get_for_user(user=request.user, pk=pk)
        attendance = attendance_get_for_worker(worker=_request_worker(request), shift=shift)
        attendance = services.shift_signup_cancel(actor=request.user, attendance=attendance)
        return Response(AttendanceSerializer(attendance).data)


class ShiftCodeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=CodeSerializer,
        description="The community's staff or grid workers of the project's community (403 for others): the "
        "rotating code (policy checkin_code_seconds) and the day's poster code, each as a token and as "
        "six characters.",
    )
    def get(self, request, pk):
        shift = shift_get_for_user(user=request.user, pk=pk)
        return Response(CodeSerializer(code_payload(user=request.user, shift=shift)).data)


class ShiftCheckInView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckInSerializer,
        responses=AttendanceSerializer,
        description="A signed-up worker, within the policy's checkin_window_minutes of the start. 400 on "
        "`code`: expired, another shift's, not valid; 400 on `lat`: farther than checkin_radius_m from the "
        "place (the distance is kept); 409: outside the window, already checked in. Without a position (or "
        "for a shift without one) the check-in is accepted with position_verified false.",
    )
    def post(self, request, pk):
        shift = shift_get_for_user(user=request.user, pk=pk)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.shift_check_in(
            actor=request.user, worker=_request_worker(request), shift=shift, **serializer.validated_data
        )
        return Response(AttendanceSerializer(attendance).data)


class ShiftCheckOutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckOutSerializer,
        responses=AttendanceSerializer,
        description="Makes the service log (evidence `checkin`, the witness whose code was scanned): hours "
        "rounded down to checkin_rounding_minutes; every service-log rule holds (400). 409: not checked in, "
        "already checked out, closed as incomplete.",
    )
    def post(self, request, pk):
        shift = shift_get_for_user(user=request.user, pk=pk)
        serializer = CheckOutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.shift_check_out(
            actor=request.user, worker=_request_worker(request), shift=shift, **serializer.validated_data
        )
        return Response(AttendanceSerializer(attendance).data)


class ShiftAttendanceView(generics.ListAPIView):
    """The shift's attendance: its organization, its community's staff and platform staff."""

    permission_classes = [IsAuthenticated]
    serializer_class = AttendanceSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        shift = shift_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if not shift_attendance_visible(self.request.user, shift):
            raise PermissionDenied(_("Only the organization and the community see a shift's attendance."))
        return shift_attendance(shift=shift).select_related("shift__project")
