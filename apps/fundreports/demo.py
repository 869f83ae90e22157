"""Demo: one published quarterly report per demo fund, for the last ended quarter (the one the
``fundreports_quarterly`` job would build today), after the funds', projects' and expenses' books.

The ledger is append-only and dated when a transfer is booked, so the demo's money (all booked
while seeding) is in the current quarter: the ended quarter's report shows its milestones, hours
and chain digest as of its end, and the money moved in it, which in a freshly seeded demo is none.
The monthly donor's gifts are dated in the months they were paid on their donations and receipts,
not in the ledger."""

from apps.core.demo import DemoContext, demo_step
from apps.fundreports.selectors import last_ended_quarter
from apps.fundreports.services import fund_report_build
from apps.funds.models import Fund


@demo_step("fundreports", after=("funds", "projects", "expenses"))
def seed(ctx: DemoContext) -> None:
    year, quarter = last_ended_quarter(ctx.now)
    for fund in Fund.objects.order_by("pk"):
        fund_report_build(fund=fund, year=year, quarter=quarter)
