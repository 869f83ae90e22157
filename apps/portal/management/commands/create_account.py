from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Role, User
from apps.accounts.services import account_create, membership_add, token_for
from apps.core.errors import ApplicationError
from apps.dispatch.models import Unit
from apps.funds.models import Fund
from apps.organizations.models import Organization
from apps.regions.models import Region


class Command(BaseCommand):
    """Here, not in accounts: a membership's scope is an organization, fund or unit, which are
    domain apps above accounts."""

    help = "Create a user with one membership; run again for the same user to add memberships."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--community", help="12-digit code of the community")
        parser.add_argument("--organization", help="unified social credit code")
        parser.add_argument("--fund", help="fund code")
        parser.add_argument("--region", help="code of the street or district (officers)")
        parser.add_argument("--unit", help="handling unit code")
        parser.add_argument("--email", default="")
        parser.add_argument("--print-token", action="store_true")

    def _lookup(self, model, field, value, label):
        if not value:
            return None
        try:
            return model.objects.get(**{field: value})
        except model.DoesNotExist:
            raise CommandError(f"No {label} with code {value}.") from None

    def handle(self, *args, **opts):
        scope = {
            "community": self._lookup(Region, "code", opts["community"], "community"),
            "organization": self._lookup(Organization, "credit_code", opts["organization"], "organization"),
            "fund": self._lookup(Fund, "code", opts["fund"], "fund"),
            "region": self._lookup(Region, "code", opts["region"], "region"),
            "unit": self._lookup(Unit, "code", opts["unit"], "unit"),
        }
        try:
            user = User.objects.filter(username=opts["username"]).first()
            if user is None:
                user = account_create(
                    username=opts["username"], password=opts["password"], email=opts["email"], check_password=False
                )
                self.stdout.write(f"created user {user.username}")
            membership = membership_add(user=user, role=opts["role"], **scope)
        except ApplicationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items()) or exc.message
            ) from None
        self.stdout.write(f"membership: {membership}")
        if opts["print_token"]:
            self.stdout.write(token_for(user=user))
