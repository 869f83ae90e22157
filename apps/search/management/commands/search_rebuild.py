import sys
import time

from django.core.management.base import BaseCommand

from apps.search import documents
from apps.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the database."

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["sqlite", "whoosh", "postgres"], default=None)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, backend=None, quiet=False, **options):
        total = len(documents.indexable_keys())
        started = time.monotonic()

        def progress(done: int):
            if quiet:
                return
            width = 30
            filled = int(width * min(done, total) / total) if total else width
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:,.0f} docs/s", ending=""
            )
            sys.stdout.flush()

        n = search_rebuild(backend=backend, progress=progress)
        if not quiet:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {n} documents in {time.monotonic() - started:.1f} s"))
