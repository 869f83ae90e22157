"""A fund's quarterly report (慈善法: a fund discloses each fundraising at least every three
months): built once per fund and quarter from the ledger and the projects, then published on the
fund's page and mailed to the quarter's donors. Addresses that unsubscribed are kept per fund."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundReport(models.Model):
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="quarterly_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    # Amounts in fen, hours as decimal strings, names as they were at the quarter's end
    # (selectors.report_figures describes the shape).
    figures = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "year", "quarter"], name="fundreport_fund_quarter"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="fundreport_quarter_1_4"),
        ]
        verbose_name = _("quarterly fund report")
        verbose_name_plural = _("quarterly fund reports")

    def __str__(self) -> str:
        return f"{self.fund_id} {self.year}-Q{self.quarter}"

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class ReportUnsubscribe(models.Model):
    """An address that asked for no more of this fund's quarterly reports."""

    fund = models.ForeignKey("funds.Fund", on_delete=models.CASCADE, related_name="report_unsubscribes")
    email = models.EmailField(_("email"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "email"], name="fundreport_unsubscribe_fund_email")]

    def __str__(self) -> str:
        return self.email
