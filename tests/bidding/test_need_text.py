"""The needs list's ``q`` through the gram index gives exactly what a substring scan gives."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q

from apps.bidding import text_index
from apps.bidding.models import Need, NeedText
from apps.bidding.services import need_update

pytestmark = pytest.mark.django_db

ALPHABET = list("老人助残浴餐社区服务养老长者") + list("aAbB12") + ["，", " ", "-", "_", "（", "）"]


def _scan(value):
    return set(
        Need.objects.filter(Q(title__icontains=value) | Q(description__icontains=value)).values_list("pk", flat=True)
    )


def _indexed(value):
    return set(text_index.filter_contains(Need.objects.all(), value).values_list("pk", flat=True))


def test_gram_index_agrees_with_a_substring_scan(make_need):
    rng = random.Random(20261128)

    def text(lo, hi):
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(lo, hi)))

    needs = [make_need(title=text(1, 10) or "老", description=text(0, 20)) for _ in range(50)]
    queries = {"老人", "助浴", "长者饭堂", "Ab", "aB", "b1", "_", "，", "老 人", "a-b", "残（", "x", "社区服务养老"}
    for need in needs[:20]:
        for field in (need.title, need.description):
            for _ in range(3):
                if field:
                    i = rng.randrange(len(field))
                    queries.add(field[i : i + rng.randint(1, 4)])
    queries |= {text(1, 4) for _ in range(60)}
    queries = {q.strip() for q in queries if q.strip()}
    mismatches = {q: (_indexed(q), _scan(q)) for q in sorted(queries) if _indexed(q) != _scan(q)}
    assert not mismatches
    # The test is not vacuous: most queries match something, and some match nothing.
    hits = [q for q in queries if _scan(q)]
    assert len(hits) > len(queries) / 2 and len(hits) < len(queries)


def test_edits_and_deletes_keep_the_index_true(world, make_need):
    need = make_need(status="draft", title="社区助浴服务", description="为失能老人上门助浴。")
    assert _indexed("助浴") == {need.pk}
    need_update(actor=world.staff, need=need, title="长者饭堂", description="为高龄老人提供午餐。")
    assert _indexed("助浴") == set()
    assert _indexed("饭堂") == {need.pk}
    # A save that names other fields leaves the grams alone; one that names the title rewrites them.
    need.title = "心理疏导"
    need.save(update_fields=["status"])
    assert _indexed("心理") == set()
    need.save(update_fields=["title"])
    assert _indexed("心理") == {need.pk}
    need.delete()
    assert _indexed("心理") == set()
    assert not NeedText.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # the FTS5 table follows its content table (triggers)
            cur.execute("INSERT INTO bidding_needtext_fts(bidding_needtext_fts) VALUES ('integrity-check')")


def test_scheduled_repair_indexes_needs_written_without_signals(make_need):
    need = make_need(title="四点半课堂", description="")
    NeedText.objects.all().delete()
    assert _indexed("课堂") == set()
    call_command("run_scheduled", "--only", "bidding_need_text_repair", stdout=io.StringIO())
    assert _indexed("课堂") == {need.pk}
    assert text_index.rebuild(only_missing=True) == 0  # nothing left to repair


def test_q_keeps_drafts_to_their_community_staff(api, world, make_need):
    draft = make_need(status="draft", title="老人助浴草稿")
    public = make_need(title="老人助浴服务")

    def ids(client):
        response = client.get("/api/v1/needs/?q=老人助浴")
        assert response.status_code == 200
        return {n["id"] for n in response.json()["results"]}

    assert ids(api) == {public.pk}
    assert ids(api.as_user(world.other_staff)) == {public.pk}
    assert ids(api.as_user(world.staff)) == {public.pk, draft.pk}
