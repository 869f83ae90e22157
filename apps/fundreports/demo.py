"""Demo: one published quarterly report per demo fund, for the quarter that holds the demo's
transfers (the demo books everything now), after the funds', projects' and expenses' books."""

from apps.core.demo import DemoContext, demo_step
from apps.fundreports.selectors import quarter_of
from apps.fundreports.services import fund_report_build
from apps.funds.models import Fund


@demo_step("fundreports", after=("funds", "projects", "expenses"))
def seed(ctx: DemoContext) -> None:
    year, quarter = quarter_of(ctx.now)
    for fund in Fund.objects.order_by("pk"):
        fund_report_build(fund=fund, year=year, quarter=quarter)
