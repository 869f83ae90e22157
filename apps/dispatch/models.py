from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from apps.core.models import localized_name
from apps.core.uploads import private_storage


class Unit(models.Model):
    """A handling unit for dispatched work orders."""

    class Kind(models.TextChoices):
        STREET_OFFICE = "street_office", _("street office section")
        DISTRICT_DEPARTMENT = "district_department", _("district department")
        ORGANIZATION = "organization", _("service organization")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["code"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")

    def __str__(self) -> str:
        return self.name


class DispatchCategory(models.Model):
    """A kind of reported problem with its response and resolution deadlines (staff-editable)."""

    class Severity(models.TextChoices):
        ROUTINE = "routine", _("routine")
        MAJOR = "major", _("major")
        URGENT = "urgent", _("urgent")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.ROUTINE)
    respond_hours = models.PositiveSmallIntegerField(_("hours to respond"), validators=[MinValueValidator(1)])
    resolve_hours = models.PositiveSmallIntegerField(_("hours to resolve"), validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("dispatch category")
        verbose_name_plural = _("dispatch categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolve_hours__gte=models.F("respond_hours")),
                violation_error_message=_("The time to resolve must not be shorter than the time to respond."),
                name="dispatch_category_resolve_after_respond",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_en)


class WorkOrderQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=WorkOrder.Status.CLOSED)

    def overdue(self, now=None):
        """Past respond_by without acceptance, or past resolve_by without a reply (strictly after)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=WorkOrder.Status.DISPATCHED, respond_by__lt=now)
            | models.Q(status__in=[WorkOrder.Status.DISPATCHED, WorkOrder.Status.ACCEPTED], resolve_by__lt=now)
        )


class WorkOrder(models.Model):
    """A problem found in a community, taken up by the street and dispatched to handling units."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        CALLED = "called", _("called")
        DISPATCHED = "dispatched", _("dispatched")
        ACCEPTED = "accepted", _("accepted")
        HANDLED = "handled", _("handled")
        CLOSED = "closed", _("closed")

    class Source(models.TextChoices):
        WEB = "web", _("web or app")
        OPEN311 = "open311", _("Open311")
        RESIDENT = "resident", _("resident report")

    class Escalation(models.IntegerChoices):
        NONE = 0, _("none")
        STREET = 1, _("street head")
        DISTRICT = 2, _("district")

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="work_orders", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_work_orders",
        verbose_name=_("grid"),
    )
    category = models.ForeignKey(
        DispatchCategory, on_delete=models.PROTECT, related_name="work_orders", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lon = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_work_orders"
    )
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_work_orders")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_work_orders")
    dispatch_note = models.CharField(_("dispatch note"), max_length=500, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    contacted = models.CharField(_("who was contacted"), max_length=200, blank=True)
    action = models.TextField(_("what was done"), max_length=2000, blank=True)
    completion_by = models.DateField(_("completed by"), null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=Escalation.choices, default=Escalation.NONE
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [models.Index(fields=["grid", "category", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("Choose a rating from 1 to 5."),
                name="work_order_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(escalation_level__gte=0, escalation_level__lte=2),
                violation_error_message=_("The escalation level must be 0, 1 or 2."),
                name="work_order_escalation_0_to_2",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["reported", "called"]) | models.Q(lead_unit__isnull=False),
                violation_error_message=_("A dispatched work order needs a lead unit."),
                name="work_order_dispatched_has_lead_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} · {self.community}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:work-order-detail", args=[self.pk])

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status == self.Status.DISPATCHED and self.respond_by and now > self.respond_by:
            return True
        return self.status in (self.Status.DISPATCHED, self.Status.ACCEPTED) and bool(
            self.resolve_by and now > self.resolve_by
        )


class WorkOrderPhoto(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to="dispatch/photos/%Y/%m/", max_length=200)
    mime = models.CharField(max_length=60)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class WorkOrderEvent(models.Model):
    """The order's timeline: one row per transition, reply, escalation."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("reported")
        CALLED = "called", _("called the street")
        DISPATCHED = "dispatched", _("dispatched")
        ACCEPTED = "accepted", _("accepted")
        HANDLED = "handled", _("replied")
        CO_REPLIED = "co_replied", _("co-handler replied")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        ESCALATED = "escalated", _("escalated")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]


class WorkOrderCoReply(models.Model):
    """What a co-handling unit did about the order."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="co_replies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="co_replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(_("what was done"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


TRACKING_CHARS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L to misread


def _tracking_no() -> str:
    """R, then nine characters with a digit in the middle, so a number is never read as a word."""
    return (
        "R"
        + get_random_string(4, allowed_chars=TRACKING_CHARS)
        + get_random_string(1, allowed_chars="23456789")
        + get_random_string(4, allowed_chars=TRACKING_CHARS)
    )


class ResidentReport(models.Model):
    """A problem reported by anyone, signed in or not (社区发现 by residents). The community's grid
    workers and staff triage it: accepted, it becomes a ``resident`` work order and follows it;
    rejected, it closes with a public reason. Followed on ``/r/<tracking_no>/``.

    Private: ``name``, ``email``, the exact ``lat``/``lon``, ``client_address`` and the
    reporter's account; the public form is ``selectors.report_public``."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        REJECTED = "rejected", _("not taken up")
        ACCEPTED = "accepted", _("taken up")
        DISPATCHED = "dispatched", _("being handled")
        HANDLED = "handled", _("handled, waiting for rating")
        CLOSED = "closed", _("closed")

    OPEN_STATUSES = ("submitted", "accepted", "dispatched", "handled")

    tracking_no = models.CharField(_("tracking number"), max_length=12, unique=True, default=_tracking_no)
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="resident_reports", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_resident_reports",
        verbose_name=_("grid"),
    )
    category = models.ForeignKey(
        DispatchCategory, on_delete=models.PROTECT, related_name="resident_reports", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=2000)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_reports",
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=10, default="web")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    work_order = models.OneToOneField(
        WorkOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="resident_report"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resident report")
        verbose_name_plural = _("resident reports")
        indexes = [models.Index(fields=["category", "status"]), models.Index(fields=["client_address", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("Choose a rating from 1 to 5."),
                name="resident_report_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    def get_absolute_url(self) -> str:
        return reverse("dispatch:report-track", args=[self.tracking_no])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ResidentReportPhoto(models.Model):
    report = models.ForeignKey(ResidentReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to="dispatch/reports/%Y/%m/", max_length=200)
    mime = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class ReportFollower(models.Model):
    """Someone who follows a report by e-mail: its reporter, or a resident who met the same problem
    ("我也遇到", ``joined``). A joiner may leave no e-mail: they still count."""

    report = models.ForeignKey(ResidentReport, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    joined = models.BooleanField(default=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "email"],
                condition=~models.Q(email=""),
                name="report_follower_one_per_email",
                violation_error_message=_("This e-mail already follows the report."),
            )
        ]
