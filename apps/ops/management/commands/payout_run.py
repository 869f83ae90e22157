from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.ops.payout_run import KINDS, payout_run


class Command(BaseCommand):
    help = (
        "Book every payout due (approved dividends, approved expense claims, accepted milestones not paid in the "
        "books) through the ledger's batched path, as the given user, exactly once; rerun after an interruption "
        "to book the rest. Exit 1 when a payout was refused (listed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="the user who pays (checked per payout)")
        parser.add_argument("--batch", type=int, default=2000, help="payouts per database transaction")
        parser.add_argument("--workers", type=int, default=1, help="batches booked at once")
        parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))

    def handle(self, *args, username, batch, workers, kinds, **options):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username}")

        def progress(report):
            if options["verbosity"] > 1:
                self.stdout.write(f"batch {report.batches}: {report.booked} booked", ending="\n")
                self.stdout.flush()

        report = payout_run(actor=actor, batch_size=batch, workers=workers, kinds=tuple(kinds), progress=progress)
        rate = report.booked / report.seconds if report.seconds else 0
        self.stdout.write(
            f"{report.booked} booked, {report.already} already booked, {len(report.refused)} refused, "
            f"{report.batches} batches in {report.seconds:.1f} s ({rate:.0f} transfers/s)"
        )
        for key, why in sorted(report.refused.items()):
            self.stderr.write(f"refused {key}: {why}")
        if report.refused:
            raise SystemExit(1)
