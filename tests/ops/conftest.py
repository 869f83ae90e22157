"""The fault tests' fixtures (private PostgreSQL and Redis, a mail sink, the site's processes)
live in faults_support.py; listed here so any test under tests/ops may ask for them."""

from tests.ops.faults_support import (  # noqa: F401 - fixtures
    fault_database,
    fault_work,
    private_postgres,
    private_redis,
    smtp_sink,
)
