from django.core.management.base import BaseCommand

from apps.ledger.selectors import ledger_verify


class Command(BaseCommand):
    help = "Recompute every balance and hash chain of the ledger; exit 1 on any fault."

    def handle(self, *args, **options):
        report = ledger_verify()
        self.stdout.write(f"transfers: {report['transfers']}  accounts: {report['accounts']}")
        for book, head in sorted(report["heads"].items()):
            self.stdout.write(f"book {book}: sequence {head['sequence']} head {head['hash']}")
        if report["ok"]:
            self.stdout.write(self.style.SUCCESS("ok"))
            return
        bad = report["first_bad"]
        self.stderr.write(f"FAULT: first broken transfer {bad['transfer']} (id {bad['id']}): {bad['problem']}")
        for fault in report["faults"][1:20]:
            self.stderr.write(f"  also: {fault['transfer']} (id {fault['id']}): {fault['problem']}")
        raise SystemExit(1)
