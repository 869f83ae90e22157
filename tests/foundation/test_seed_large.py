"""``seed_demo --size large`` at a tiny scale: the same code path as the benchmark city."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Q

from apps.bidding.models import Need, NeedText
from apps.ledger.models import Transfer
from apps.projects.models import ServiceLog
from apps.search.documents import PUBLIC_NEED_STATUSES
from apps.search.models import SearchDocument
from apps.stats.models import DailyRollup

SCALE = 0.002

pytestmark = pytest.mark.slow


@pytest.fixture
def large_city(db):
    out = io.StringIO()
    call_command(
        "seed_demo", "--i-know-this-is-public", "--size", "large", "--scale", str(SCALE), "--seed", "11", stdout=out
    )
    return out.getvalue()


def test_large_seed_scales_covers_every_state_and_keeps_the_books(large_city, client):
    assert "(100%)" in large_city and "large demo" in large_city  # progress lines
    assert "vacuum and analyze" in large_city  # planner statistics (and, outside a test transaction, VACUUM)

    # Counts follow --scale (100,000 needs, 1,000,000 records, ≥200,000 transfers at scale 1).
    large_needs = Need.objects.all()  # the small city's few plus the large ones
    assert large_needs.count() >= 100_000 * SCALE
    large_logs = ServiceLog.objects.filter(worker__user__username__startswith="l_worker")
    assert large_logs.count() == 1_000_000 * SCALE
    assert Transfer.objects.filter(book__startswith="fund:").count() >= 200_000 * SCALE

    # Every status is represented.
    assert set(large_needs.values_list("status", flat=True)) == set(Need.Status.values)
    assert set(large_logs.values_list("status", flat=True)) == {"submitted", "approved", "confirmed"}
    assert Transfer.objects.filter(phase="pending", status="pending").exists()
    assert Transfer.objects.filter(phase="post").exists() and Transfer.objects.filter(phase="void").exists()
    awarded = large_needs.filter(status="awarded")
    assert awarded.filter(project__isnull=False).count() == awarded.count()

    # The ledger's chains and cached balances hold (ledger_verify exits 1 on any fault).
    out = io.StringIO()
    call_command("ledger_verify", stdout=out)
    assert out.getvalue().rstrip().endswith("ok")

    # No worker has two live records that overlap in time.
    by_worker = defaultdict(list)
    for worker_id, day, start, end in ServiceLog.objects.filter(status__in=ServiceLog.LIVE_STATUSES).values_list(
        "worker_id", "date", "start_time", "end_time"
    ):
        by_worker[worker_id].append((day, start, end))
    for spans in by_worker.values():
        spans.sort()
        for (d1, _s1, e1), (d2, s2, _e2) in zip(spans, spans[1:], strict=False):
            assert d1 != d2 or e1 <= s2

    # Dashboards and search see the data.
    assert DailyRollup.objects.filter(hours_confirmed__gt=0).count() > 100
    indexed = SearchDocument.objects.filter(doc_type="need").count()
    assert indexed == large_needs.filter(status__in=PUBLIC_NEED_STATUSES).count() > 100_000 * SCALE / 2

    response = client.get("/api/v1/needs/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= large_needs.exclude(status="draft").count() and len(body["results"]) > 0

    # The list's `q` finds the bulk-loaded needs (their gram rows are written by the seed).
    assert NeedText.objects.count() == large_needs.count()
    word = large_needs.exclude(status="draft").order_by("-pk").first().title[-4:]
    response = client.get("/api/v1/needs/", {"q": word})
    expected = large_needs.exclude(status="draft").filter(Q(title__icontains=word) | Q(description__icontains=word))
    assert response.json()["count"] == expected.count() > 0
