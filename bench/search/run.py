"""Search benchmark: synthetic Chinese documents through each backend and a LIKE scan.

DATABASE_URL=sqlite:////tmp/bench_search.sqlite3 .venv/bin/python manage.py migrate -v0
DATABASE_URL=sqlite:////tmp/bench_search.sqlite3 .venv/bin/python bench/search/run.py --docs 100000 --backends sqlite,like,whoosh
DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanshe_search .venv/bin/python bench/search/run.py --docs 100000 --backends postgres,like
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from apps.search import segmentation  # noqa: E402
from apps.search.backends import get_backend  # noqa: E402
from apps.search.documents import Doc  # noqa: E402
from apps.search.models import SearchDocument  # noqa: E402
from apps.search.services import search_run  # noqa: E402

TOPICS = [
    "养老服务",
    "长者饭堂",
    "助残康复",
    "四点半课堂",
    "心理疏导",
    "矛盾调解",
    "垃圾分类",
    "社区营造",
    "时间银行",
    "适老化改造",
    "就业培训",
    "健康义诊",
    "亲子阅读",
    "社工站运营",
    "困境儿童",
    "居家养老",
    "消防安全",
    "法律援助",
]
PLACES = ["玉林东路社区", "望江楼社区", "和平社区", "崇德里社区", "望平社区", "香香巷社区", "九眼桥社区", "大慈寺社区"]
ACTS = ["入户走访", "主题讲座", "互动游戏", "知识竞赛", "个案辅导", "小组活动", "志愿巡查", "成果展示", "骨干培育"]
QUERIES = [
    "养老",
    "养老服务",
    "长者饭堂",
    "助残",
    "心理",
    "调解",
    "社工站",
    "垃圾分类",
    "儿童",
    "居家养老",
    "就业",
    "健康 讲座",
    "社区营造",
    "时间银行",
    "消防",
]


def docs(n: int, seed: int = 1):
    rng = random.Random(seed)
    for i in range(n):
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        a = rng.sample(ACTS, 3)
        yield Doc(
            type="need",
            id=str(i + 1),
            title=f"{place}{topic}项目{i}",
            body=f"{place}计划开展{topic}，服务居民{rng.randint(50, 2000)}人次，包括{a[0]}、{a[1]}和{a[2]}。",
            url=f"/needs/{i + 1}/",
            category="elderly",
            region_path="510100000000/510107000000/",
            status="published",
        )


MEMORY_PROBE = """
import re, sys, time
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
before = rss()
t = time.perf_counter()
{body}
print(f"{{rss() - before:.0f}} {{time.perf_counter() - t:.2f}}")
"""
SEGMENTERS = {
    "rjieba": "import rjieba; rjieba.cut_for_search('社区养老服务中心')",
    "rjieba + pypinyin + domain words (apps.search.segmentation)": (
        "sys.path.insert(0, '.'); from apps.search import segmentation; segmentation.index_text('社区养老服务中心')"
    ),
    "jieba (for comparison)": "import jieba; jieba.setLogLevel(60); jieba.lcut_for_search('社区养老服务中心')",
}


def segmenter_memory() -> list[tuple[str, str, str]]:
    """RSS growth and load time of each segmenter, each in a fresh Python process."""
    out = []
    for name, body in SEGMENTERS.items():
        res = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE.format(body=body)],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            check=False,
        )
        mb, secs = (res.stdout.split() + ["?", "?"])[:2]
        out.append((name, mb, secs))
    return out


def source_docs(url: str) -> list[Doc]:
    """Every document of another database's search table (e.g. the large demo city's)."""
    cols = "doc_type, obj_id, title, body, url, category, region_path, status"
    con = sqlite3.connect(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:") else psycopg.connect(url)
    rows = con.execute(f"SELECT {cols} FROM search_searchdocument ORDER BY id").fetchall()  # noqa: S608
    con.close()
    return [
        Doc(type=r[0], id=r[1], title=r[2], body=r[3], url=r[4], category=r[5], region_path=r[6], status=r[7])
        for r in rows
    ]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


PER_QUERY: dict[str, dict[str, list[float]]] = {}


def timed_queries(fn, rounds: int, label: str = ""):
    times = []
    per_query = PER_QUERY.setdefault(label, {q: [] for q in QUERIES})
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
            per_query[q].append(times[-1])
    return statistics.median(times), pct(times, 0.95)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,like,whoosh")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also measure each segmenter in a fresh process")
    parser.add_argument(
        "--reuse", action="store_true", help="skip the rebuild when the index already holds --docs documents"
    )
    parser.add_argument(
        "--source",
        default="",
        help="database URL whose search documents are the corpus (the large demo city) instead of synthetic ones",
    )
    parser.add_argument("--queries", default="", help="comma-separated queries instead of the built-in 15")
    parser.add_argument("--per-query", action="store_true", help="also print each query's time in each round")
    parser.add_argument("--whoosh-dir", default="", help="Whoosh index directory (default: a new temporary one)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    global QUERIES
    if args.queries:
        QUERIES = args.queries.split(",")
    corpus = None
    if args.source:
        corpus = source_docs(args.source)
        args.docs = len(corpus)
        print(f"corpus: {args.docs:,} documents of {args.source}")

    def make_docs():
        return iter(corpus) if corpus is not None else docs(args.docs)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    segmentation.index_text("社区养老服务中心")
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"segmenter loaded: max RSS {rss0:.0f} MB → {rss1:.0f} MB")
    rows = []
    capped = {}
    for name in args.backends.split(","):
        if name == "like":
            if not SearchDocument.objects.exists():
                print("like: needs a SQL backend indexed first")
                continue

            def like(q):
                qs = SearchDocument.objects.all()
                for w in q.split():
                    qs = qs.filter(title__contains=w) | qs.filter(body__contains=w)
                list(qs[:20])
                qs.count()

            p50, p95 = timed_queries(like, args.rounds, "LIKE")
            rows.append(("LIKE '%…%' scan", "–", p50, p95, "–", "–"))
            continue
        if name == "whoosh":
            os.environ["SEARCH_INDEX_DIR"] = args.whoosh_dir or tempfile.mkdtemp(prefix="bench-whoosh-")
            settings.SEARCH_INDEX_DIR = os.environ["SEARCH_INDEX_DIR"]
        engine = get_backend(name)
        if args.reuse and engine.count() == args.docs:
            rate = "reused"
        else:
            t = time.perf_counter()
            n = engine.rebuild(make_docs())
            rate = f"{n / (time.perf_counter() - t):,.0f}"
        p50, p95 = timed_queries(
            lambda q, b=name: search_run(text=q, limit=20, facets=False, backend=b), args.rounds, name
        )
        capped[name] = sum(not search_run(text=q, limit=20, facets=False, backend=name)[0].exact for q in QUERIES)
        ups = []
        for i in range(20):
            if corpus is not None:
                d = corpus[(i * 7919) % len(corpus)]
            else:
                d = next(docs(1, seed=100 + i))
                d.id = str(1 + i * 37)
            t = time.perf_counter()
            engine.index([d])
            ups.append((time.perf_counter() - t) * 1000)
        if name == "whoosh":
            size = sum(f.stat().st_size for f in Path(settings.SEARCH_INDEX_DIR).iterdir()) / 1e6
        elif connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'")
                size = (cur.fetchone()[0] or 0) / 1e6
        else:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_total_relation_size('search_searchdocument') + "
                    "COALESCE(pg_total_relation_size(to_regclass('search_terms')), 0) + "
                    "COALESCE(pg_total_relation_size(to_regclass('search_postings')), 0) + "
                    "COALESCE(pg_total_relation_size(to_regclass('search_title_postings')), 0) + "
                    "COALESCE(pg_total_relation_size(to_regclass('search_bits')), 0)"
                )
                size = cur.fetchone()[0] / 1e6
        rows.append((name, rate, p50, p95, f"{statistics.median(ups):.1f}", f"{size:.0f} MB"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{args.docs:,} docs; max RSS of this process at the end {rss:.0f} MB\n")
    print("| backend | index docs/s | query p50 ms | query p95 ms | 1-doc update ms | index size |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} | {r[4]} | {r[5]} |")
    print(f"\nqueries whose count hit the cap (shown as 'N+'), of {len(QUERIES)}: {capped}")
    if args.per_query:
        print("\nper query, ms in each round (the first is the query's first run in this process):")
        for label, by_query in PER_QUERY.items():
            print(f"- {label}: " + "; ".join(f"{q} {'/'.join(f'{t:.0f}' for t in ts)}" for q, ts in by_query.items()))
    if args.memory:
        print("\n| segmenter | RSS growth after load (MB) | load time (s) |\n|---|---|---|")
        for name, mb, secs in segmenter_memory():
            print(f"| {name} | {mb} | {secs} |")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
