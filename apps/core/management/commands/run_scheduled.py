from django.core.management.base import BaseCommand, CommandError

from apps.core.jobs import JobFailed, discover, run_due_jobs


class Command(BaseCommand):
    help = (
        "Run every periodic job that is due now (Celery beat runs the same jobs). A failing job is "
        "logged and does not stop the others; the command then exits non-zero and names it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="run only these jobs")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args, **options):
        registered = discover()
        if options["list"]:
            for name in sorted(registered):
                self.stdout.write(name)
            return
        unknown = sorted(set(options["only"] or ()) - set(registered))
        if unknown:
            raise CommandError(f"no such job: {', '.join(unknown)}")
        failed = []
        for name, result in run_due_jobs(only=options["only"]).items():
            self.stdout.write(f"{name}: {result}")
            if isinstance(result, JobFailed):
                failed.append(name)
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
