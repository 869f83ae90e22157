from django.core.management.base import BaseCommand

from apps.ops.services import ledger_verify_record
from apps.search import documents
from apps.search.backends import get_backend
from apps.search.services import search_rebuild


class Command(BaseCommand):
    help = (
        "After a restore: verify the whole ledger (recorded for /metrics), rebuild the search index and check "
        "it holds one document per indexable object. Exit 1 on any fault."
    )

    def handle(self, *args, **options):
        run = ledger_verify_record()
        self.stdout.write(f"ledger: {run.transfers} transfers verified in {run.seconds:.1f} s")
        if not run.ok:
            self.stderr.write(f"ledger FAULT: {run.first_fault}")
            raise SystemExit(1)
        expected = documents.indexable_keys()
        indexed = search_rebuild()
        present = get_backend().indexed_keys()
        self.stdout.write(f"search: {indexed} documents rebuilt, {len(present)} in the index, {len(expected)} expected")
        if present != expected:
            self.stderr.write("search FAULT: the rebuilt index does not hold every indexable object")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("restore check ok"))
