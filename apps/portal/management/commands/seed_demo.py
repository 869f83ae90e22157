import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings

from apps.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from apps.core.demo import SIZES, DemoContext, demo_plan
from apps.regions.models import Region
from marketplace.celery import app as celery_app


class Command(BaseCommand):
    help = "Build the deterministic demo city and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=SIZES,
            default="small",
            help="small: the demo city; large: the benchmark city; city: Chengdu at full size (PostgreSQL only)",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="multiply the large and city sizes' counts (e.g. 0.01 for a quick try)",
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo city exists")
        parser.add_argument(
            "--i-know-this-is-public",
            action="store_true",
            help="create the demo accounts with debug off (their password and TOTP secret are published)",
        )

    def handle(self, *args, **opts):
        if opts["size"] == "city" and connection.vendor != "postgresql":
            raise CommandError(
                "--size city builds 10,000,000 service records and 2,000,000 ledger transfers: it runs on "
                "PostgreSQL only (set DATABASE_URL=postgres://…). SQLite is not supported at that size; "
                "use --size large for a big SQLite city."
            )
        if Region.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("The database already has data; demo city not loaded.")
                return
            raise CommandError("The database already has regions. Use an empty database for the demo city.")
        if not settings.DEBUG and not opts["i_know_this_is_public"]:
            raise CommandError(
                "The demo accounts' password and TOTP secret are public (README), so anyone could sign in "
                "as platform staff. With DJANGO_DEBUG off they are only created when you pass "
                "--i-know-this-is-public (as `make run` does for the embedded demo)."
            )
        if opts["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        ctx = DemoContext(seed=opts["seed"], size=opts["size"], rng=random.Random(opts["seed"]))  # noqa: S311 - demo data, not secrets
        ctx.scale = opts["scale"]
        ctx.log = self.stdout.write
        if ctx.city:
            _seed_session_fast()
        started = time.monotonic()
        with _demo_mail_kept() as kept:
            self._seed(ctx)
        if ctx.large:
            self.stdout.write(f"seeded in {time.monotonic() - started:.0f} s")
            step = time.monotonic()
            _vacuum_analyze()
            self.stdout.write(f"  vacuum and analyze: {time.monotonic() - step:.1f} s")
        self.stdout.write(f"{len(kept)} notification emails of the demo's events were kept, not sent.")
        self.stdout.write(self.style.SUCCESS(f"Demo city ready. Accounts (password: {DEMO_PASSWORD}):"))
        for username, role, scope in ctx.accounts:
            self.stdout.write(f"  {username:<18} {role:<18} {scope}")
        self.stdout.write(
            "Platform staff, reviewers and fund managers sign in with a one-time code (TOTP). "
            f"Demo secret for an authenticator app: {DEMO_TOTP_SECRET}"
        )

    def _seed(self, ctx: DemoContext) -> None:
        """Every app's demo steps (``apps/<app>/demo.py``), each in its own transaction."""
        for demo_step in demo_plan(ctx.size):
            self.stdout.write(f"seeding {demo_step.name} …")
            step = time.monotonic()
            if demo_step.atomic:
                with transaction.atomic():
                    demo_step.func(ctx)
            else:
                demo_step.func(ctx)
            if ctx.large:
                self.stdout.write(f"  {demo_step.name}: {time.monotonic() - step:.1f} s")
            if ctx.city and demo_step.size == "large":
                # Planner statistics of what the step loaded, before the next step queries it
                # (autovacuum's come minutes late: a join planned for an empty table scans millions).
                step = time.monotonic()
                with connection.cursor() as cur:
                    cur.execute("ANALYZE")
                self.stdout.write(f"  analyze: {time.monotonic() - step:.1f} s")


@contextmanager
def _demo_mail_kept():
    """The demo's events notify its made-up accounts, in the app and by email. The emails go to a
    list in memory instead of the configured backend: the console backend printed 84 of them
    (about 1,000 lines) over the accounts in `make run`'s output, and SMTP would send them. Tasks
    run in this process meanwhile, so a configured broker's worker cannot send them either."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    kept: list = []
    sent_before = len(getattr(mail, "outbox", []))
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield kept
            kept.extend(getattr(mail, "outbox", [])[sent_before:])
    finally:
        celery_app.conf.task_always_eager = eager


def _seed_session_fast() -> None:
    """The city's seed session commits without waiting for the WAL flush (a crash loses only the
    last commits of a seed that starts from an empty database anyway) and sorts and builds in more
    memory. Session settings only: the server and other sessions are untouched."""
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET work_mem = '256MB'")
        cur.execute("SET maintenance_work_mem = '512MB'")


def _vacuum_analyze() -> None:
    """Leave a large city ready to serve, after every step has committed (VACUUM cannot run in a
    transaction): planner statistics for every table and, on PostgreSQL, the visibility map that
    index-only scans need. Autovacuum takes minutes to reach tables of millions of rows; until it
    does, the needs list's count reads the heap (90–150 ms instead of 12–17 ms) and so does every
    posting a search reads (PostgreSQL search p95 257 ms right after the seed, 17 ms vacuumed)."""
    with connection.cursor() as cur:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (a test's transaction)
        cur.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
