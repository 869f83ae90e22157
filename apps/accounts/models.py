from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Platform account. Permissions never come from the user itself, only from memberships."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    PLATFORM_STAFF = "platform_staff", _("platform staff")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    GRID_WORKER = "grid_worker", _("grid worker")
    ORG_ADMIN = "org_admin", _("organization administrator")
    ORG_MEMBER = "org_member", _("organization member")
    SOCIAL_WORKER = "social_worker", _("social worker")
    REVIEWER = "reviewer", _("reviewer")
    FUND_MANAGER = "fund_manager", _("fund manager")
    STREET_OFFICER = "street_officer", _("street officer")
    DISTRICT_OFFICER = "district_officer", _("district officer")
    UNIT_STAFF = "unit_staff", _("handling unit staff")
    RESIDENT = "resident", _("resident")


# Which scope a membership of each role must name.
ROLE_SCOPE = {
    Role.PLATFORM_STAFF: None,
    Role.REVIEWER: None,
    Role.COMMUNITY_STAFF: "community",
    Role.GRID_WORKER: "community",
    Role.ORG_ADMIN: "organization",
    Role.ORG_MEMBER: "organization",
    Role.SOCIAL_WORKER: None,  # optional organization: the employer
    Role.FUND_MANAGER: "fund",
    Role.STREET_OFFICER: "region",
    Role.DISTRICT_OFFICER: "region",
    Role.UNIT_STAFF: "unit",
    Role.RESIDENT: "community",
}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """Binds a user to a role, scoped to a community, organization, fund, region or unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    community = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="community_memberships"
    )
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="officer_memberships"
    )
    unit = models.ForeignKey(
        "dispatch.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        indexes = [models.Index(fields=["user", "role", "ended_at"])]

    def __str__(self) -> str:
        scope = self.community or self.organization or self.fund or self.region or self.unit or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


class LoginFailure(models.Model):
    """Failed API sign-ins, for lockout (the web sign-in uses allauth's rate limits).

    Counted per account when the identifier names one (username and e-mail share ``user``), else
    per identifier, so an unknown name is locked out the same way and reveals nothing."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class ApiToken(models.Model):
    """An API token (``Authorization: Bearer``). Only the SHA-256 of its key is stored: the key is
    shown once, when issued. It stops working at ``expires_at`` or when its owner revokes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sanshe_api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.pk}"
