from apps.core.jobs import scheduled_job
from apps.fundreports.services import fund_reports_publish_due


@scheduled_job("fundreports_quarterly")
def quarterly_reports() -> int:
    """Each fund's report for the quarter that ended, built once and mailed to its donors once."""
    return fund_reports_publish_due()
