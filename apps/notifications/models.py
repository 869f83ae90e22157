from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notification. Text is final when created: never include sealed content."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # False when the user turned off in-app delivery for this kind (kept only to carry the e-mail).
    shown = models.BooleanField(default=True)
    # Waiting for the daily digest (the user chose the digest, or too many mails went out today).
    digest_pending = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user wants one kind of notification delivered. No row means the defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=60)
    in_app = models.BooleanField(_("in the notification centre"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)
    digest = models.BooleanField(_("e-mail in the daily digest instead"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_user_kind")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"


class DigestRun(models.Model):
    """One row per local day on which the daily digest went out (keeps the job idempotent)."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    mails_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]


class OutboxMessage(models.Model):
    """One e-mail to leave the platform, written in the caller's transaction and sent by a Celery
    task after commit. The key makes it unique (a second call with the same key adds nothing), the
    status transition makes two workers never both send it, and a failed send is retried with a
    growing pause until ``OUTBOX_MAX_ATTEMPTS``, then stays failed for platform staff to see."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the relay job may (re)send it: due for queued and failed rows; for a row being sent,
    # the end of the sender's lease (a worker that died mid-send leaves it to the relay after that).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class OutboxAttachment(models.Model):
    """A file sent with an outgoing e-mail, its bytes kept until the mail has left."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
