"""Relevance on every backend: the gold file over a deterministic ≥2,000-document corpus."""

import json
import time
from pathlib import Path

from apps.search.backends import get_backend
from apps.search.services import search_rebuild, search_run

from .corpus import build_corpus

GOLD = json.loads((Path(__file__).parent / "gold.json").read_text())["queries"]


def test_gold_file_is_big_enough():
    assert len(GOLD) >= 60
    kinds = {g["kind"] for g in GOLD}
    assert {"exact", "compound", "synonym", "abbreviation", "short", "pinyin", "mixed", "natural"} <= kinds


def test_gold_relevance(backend, capsys):
    keys = build_corpus()
    started = time.monotonic()
    indexed = search_rebuild()
    assert indexed >= 2000
    assert get_backend().count() == indexed
    build_s = time.monotonic() - started
    recalls, rrs, zero, failures = [], [], 0, []
    for g in GOLD:
        result, _ = search_run(text=g["q"], types=[g["type"]] if g.get("type") else [], limit=10, facets=False)
        top = [(h.type, h.id) for h in result.hits]
        full, _ = search_run(text=g["q"], limit=5000, facets=False)
        everything = {(h.type, h.id) for h in full.hits}
        for name in g["must_not"]:
            if keys[name] in everything:
                failures.append(f"{g['q']!r} returned must-not {name}")
        if not g["expected"]:
            continue
        expected = [keys[n] for n in g["expected"]]
        found = [k for k in expected if k in top]
        recalls.append(len(found) / min(len(expected), 10))
        ranks = [top.index(k) + 1 for k in expected if k in top]
        rrs.append(1 / min(ranks) if ranks else 0.0)
        if not top:
            zero += 1
        if len(found) < len(expected):
            missing = [n for n in g["expected"] if keys[n] not in top]
            failures.append(f"{g['q']!r} missed {missing}")
    recall = sum(recalls) / len(recalls)
    mrr = sum(rrs) / len(rrs)
    with capsys.disabled():
        print(
            f"\n[{backend}] docs={indexed} rebuild={build_s:.1f}s recall@10={recall:.3f} MRR={mrr:.3f} "
            f"zero-result={zero}/{len(recalls)}"
        )
        for f in failures:
            print("   ", f)
    assert not [f for f in failures if "must-not" in f]
    assert recall >= 0.9, failures
    assert zero == 0
