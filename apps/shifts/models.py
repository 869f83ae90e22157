"""Shifts of a project's service that workers sign up for, and each worker's attendance: signed
up, checked in and out at the place with a community member's code, or not."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.workers.models import SocialWorker


class Shift(models.Model):
    """A time at a place when the project's workers serve; ``capacity`` workers may sign up."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    min_worker_level = models.CharField(_("minimum worker level"), max_length=12, choices=SocialWorker.Level.choices)
    content = models.TextField(_("service content"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["project", "starts_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("The end must be after the start."),
                name="shift_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                violation_error_message=_("A shift has at least one place."),
                name="shift_capacity_positive",
            ),
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.project} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("shifts:attendance", args=[self.pk])

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.long is not None


class Attendance(models.Model):
    """One worker on one shift, from sign-up to check-out (the check-out makes the service log)."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        CANCELLED = "cancelled", _("cancelled")
        LATE_CANCELLED = "late_cancelled", _("cancelled late")
        CHECKED_IN = "checked_in", _("checked in")
        CHECKED_OUT = "checked_out", _("checked out")
        INCOMPLETE = "incomplete", _("incomplete (no check-out)")
        ABSENT = "absent", _("absent")

    # The statuses that hold one of the shift's places.
    HOLDING = ("signed_up", "checked_in", "checked_out", "incomplete", "absent")

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="attendances")
    worker = models.ForeignKey("workers.SocialWorker", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SIGNED_UP)
    signed_up_at = models.DateTimeField(_("signed up at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checkin_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField(_("distance at check-in (m)"), null=True, blank=True)
    checkin_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checkin_code = models.CharField(max_length=40, blank=True)
    checkout_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checkout_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    checkout_long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    checkout_distance_m = models.PositiveIntegerField(_("distance at check-out (m)"), null=True, blank=True)
    checkout_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checkout_code = models.CharField(max_length=40, blank=True)
    # False when the worker sent no position or the shift has none: "位置未核验".
    position_verified = models.BooleanField(_("position verified"), default=False)
    # The last position refused as too far from the place, kept for the organization to see.
    refused_distance_m = models.PositiveIntegerField(_("refused at a distance of (m)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    service_log = models.OneToOneField(
        "projects.ServiceLog", null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )

    class Meta:
        ordering = ["shift_id", "signed_up_at", "id"]
        indexes = [models.Index(fields=["worker", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "worker"],
                violation_error_message=_("You are already signed up for this shift."),
                name="attendance_once_per_shift",
            ),
            models.CheckConstraint(
                condition=Q(checkout_at__isnull=True) | Q(checkin_at__isnull=False, checkout_at__gt=F("checkin_at")),
                violation_error_message=_("A check-out comes after the check-in."),
                name="attendance_checkout_after_checkin",
            ),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.shift}"

    @property
    def late(self) -> bool:
        """Checked in after the shift's start."""
        return self.checkin_at is not None and self.checkin_at > self.shift.starts_at
