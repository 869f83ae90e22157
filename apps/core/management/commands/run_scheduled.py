from django.core.management.base import BaseCommand

from apps.core.jobs import discover, run_due_jobs


class Command(BaseCommand):
    help = "Run every periodic job that is due now (Celery beat runs the same jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="run only these jobs")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args, **options):
        if options["list"]:
            for name in sorted(discover()):
                self.stdout.write(name)
            return
        for name, result in run_due_jobs(only=options["only"]).items():
            self.stdout.write(f"{name}: {result}")
