import random
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core.demo import DEMO_ORDER, DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext


class Command(BaseCommand):
    help = "Build the deterministic demo city and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo city exists")

    def handle(self, *args, **opts):
        from apps.regions.models import Region

        if Region.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("The database already has data; demo city not loaded.")
                return
            raise CommandError("The database already has regions. Use an empty database for the demo city.")
        ctx = DemoContext(seed=opts["seed"], size=opts["size"], rng=random.Random(opts["seed"]))  # noqa: S311 - demo data, not secrets
        for module_name in DEMO_ORDER:
            try:
                module = import_module(f"{module_name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{module_name}.demo":
                    continue
                raise
            self.stdout.write(f"seeding {module_name} …")
            with transaction.atomic():
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo city ready. Accounts (password: {DEMO_PASSWORD}):"))
        for username, role, scope in ctx.accounts:
            self.stdout.write(f"  {username:<18} {role:<18} {scope}")
        self.stdout.write(
            "Platform staff, reviewers and fund managers sign in with a one-time code (TOTP). "
            f"Demo secret for an authenticator app: {DEMO_TOTP_SECRET}"
        )
