"""Periodic jobs of certification (run by manage.py run_scheduled and Celery beat)."""

from apps.certification import services
from apps.core.jobs import scheduled_job


@scheduled_job("certification_notices_end")
def certification_notices_end():
    return [c.certificate_no for c in services.notices_end()]


@scheduled_job("certification_annual_reports")
def certification_annual_reports():
    return services.annual_reports_enforce()


@scheduled_job("certification_renewal_windows")
def certification_renewal_windows():
    return services.renewal_windows_open()


@scheduled_job("certification_expire")
def certification_expire():
    return services.certificates_expire()
