"""Residents' suggestions (居民提议): supports, comments, the staff's answer, and the rating of the
service by the residents who supported it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
DESCRIPTION_MAX = 4000
COMMENT_MAX = 1000
REASON_MAX = 1000
# What a hidden comment shows instead of its text (with the reason staff gave).
HIDDEN_LABEL = _("Hidden")


class Suggestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ADOPTED = "adopted", _("adopted")
        DECLINED = "declined", _("declined")
        ESCALATED = "escalated", _("escalated to the street")

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("community")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestions")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    category = models.ForeignKey(
        "core.Category", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=REASON_MAX, blank=True)
    # The need a community's staff drafted from it; ``need.suggestion`` reads it from the need.
    need = models.OneToOneField(
        "bidding.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="suggestion"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("support threshold reached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:suggestion-detail", args=[self.pk])

    @property
    def is_answerable(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ESCALATED)


class SuggestionSupport(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "user"],
                name="suggestion_support_once",
                violation_error_message=_("You already support this suggestion."),
            )
        ]


class SuggestionComment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # One level of replies: a reply's parent is a top-level comment (the service checks it).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "created_at"])]


class SupporterNotice(models.Model):
    """Which step of the need a suggestion became its supporters have heard of, so each step is
    told once however often its row is saved."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "event"], name="supporter_notice_once")]


class ResidentRating(models.Model):
    """A supporter's rating (1–5) of the service after an accepted milestone of the project that
    the suggestion became. One per resident and milestone; feeds the scorecard's ``residents``."""

    milestone = models.ForeignKey("projects.Milestone", on_delete=models.PROTECT, related_name="resident_ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resident_ratings")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "user"],
                name="resident_rating_once",
                violation_error_message=_("You have already rated this milestone."),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                violation_error_message=_("Choose a rating from 1 to 5."),
                name="resident_rating_1_to_5",
            ),
        ]
