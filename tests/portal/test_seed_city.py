"""``seed_demo --size city`` (Chengdu at full size, PostgreSQL only) at a tiny scale: the same code
path as the ten-million-record city, checked for what an operator relies on."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.accounts.models import User
from apps.bidding.models import Need
from apps.funds.models import Donation
from apps.ledger.models import Transfer
from apps.projects.models import ServiceLog
from apps.regions.models import Region

SCALE = 0.001


@pytest.mark.postgres
@pytest.mark.slow
def test_city_seed_scales_every_district_has_communities_and_the_books_verify(db):
    out = io.StringIO()
    call_command(
        "seed_demo", "--i-know-this-is-public", "--size", "city", "--scale", str(SCALE), "--seed", "11", stdout=out
    )
    log = out.getvalue()
    assert "city demo" in log and "seeded in" in log

    # Chengdu's 23 districts, each with communities (the small city's 11 plus at least one more each).
    districts = Region.objects.filter(level="district")
    assert districts.count() == 23
    assert {"简阳市", "金堂县", "成都高新区", "四川天府新区成都直管区", "成都东部新区", "武侯区"} <= set(
        districts.values_list("name", flat=True)
    )
    for district in districts:
        assert Region.objects.filter(level="community", parent__parent=district).exists(), district.name
    assert Region.objects.filter(level="community").count() >= 23

    # Counts follow the city's table at this scale: 300,000 needs, 50,000 workers, 10,000,000
    # records and about 2,000,000 transfers at scale 1.
    assert 300_000 * SCALE <= Need.objects.count() <= 300_000 * SCALE + 40  # (the small city has a few)
    assert User.objects.filter(username__startswith="l_worker").count() == 50_000 * SCALE
    city_logs = ServiceLog.objects.filter(worker__user__username__startswith="l_worker")
    assert city_logs.count() == 10_000_000 * SCALE
    booked = int(re.search(r"city demo: [\d,]+ records, ([\d,]+) transfers", log).group(1).replace(",", ""))
    assert 0.98 * 2_000_000 * SCALE <= booked <= 1.02 * 2_000_000 * SCALE
    assert Transfer.objects.filter(book__startswith="fund:").count() >= booked
    assert Donation.objects.filter(stripe_session_id__startswith="cs_large_").count() > 0.8 * booked / 2

    # The records cover one year, every live state, and no worker has two that overlap in time.
    today = timezone.localdate()
    first, last = city_logs.order_by("date").values_list("date", flat=True)[0], city_logs.latest("date").date
    assert today - dt.timedelta(days=366) <= first and last < today
    assert set(city_logs.values_list("status", flat=True)) == {"submitted", "approved", "confirmed"}
    live = ServiceLog.objects.filter(status__in=ServiceLog.LIVE_STATUSES)
    overlapping = live.filter(
        worker=OuterRef("worker"),
        date=OuterRef("date"),
        start_time__lt=OuterRef("end_time"),
        end_time__gt=OuterRef("start_time"),
    ).exclude(pk=OuterRef("pk"))
    assert live.count() >= city_logs.count() and not live.filter(Exists(overlapping)).exists()

    # Grants were reserved, paid and released through the ledger, whose chains and balances hold.
    assert Transfer.objects.filter(phase="pending").exists() and Transfer.objects.filter(phase="post").exists()
    verify = io.StringIO()
    call_command("ledger_verify", stdout=verify)
    assert verify.getvalue().rstrip().endswith("ok")


def test_city_size_is_refused_on_sqlite_with_a_clear_message(db):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("seed_demo", "--i-know-this-is-public", "--size", "city", "--scale", "0.001")
    assert not Region.objects.exists()  # nothing was written
