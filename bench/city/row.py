"""One Markdown table row from one benchmark's output, for bench/city/run.sh.

    python bench/city/row.py KIND LABEL LOGFILE RC "LOAD BEFORE" "LOAD AFTER"
    python bench/city/row.py --header

KIND is one of needs, hours, summary, stats, search, ledger. The row says what the benchmark's
own README targets; when its output cannot be read (the bench failed, timed out or printed
something else), the row says so with the exit status and the log's last line instead of a figure.
Standard library only: it must work whatever state the project is in.
"""

from __future__ import annotations

import re
import sys

HEADER = (
    "| label | what | result | baseline in the same run | target | met? | load average before → after |\n"
    "|---|---|---|---|---|---|---|"
)


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def ms(text: str) -> float:
    return float(text.replace("ms", "").replace(",", "").strip())


def table(log: str) -> dict[str, list[str]]:
    """The large-city harness's table: label → remaining cells (median, p95, ratios, queries)."""
    out = {}
    for line in log.splitlines():
        if line.startswith("| ") and not line.startswith("| URL") and not line.startswith("| backend"):
            c = cells(line)
            out[c[0].strip("`")] = c[1:]
    return out


FLOOR = "floor (trivial DRF APIView)"
LIST_FLOOR = "list floor (minimal DRF ListAPIView, 20 needs)"


def needs(log: str):
    t = table(log)
    count = re.search(r"^([\d,]+) needs$", log, re.M).group(1)
    api = {u: r for u, r in t.items() if u.startswith("/api/")}
    pages = {u: r for u, r in t.items() if u.startswith("/needs/")}
    api_p95 = [ms(r[1]) for r in api.values()]
    page_p95 = [ms(r[1]) for r in pages.values()]
    list_ratios = [float(r[3].rstrip("×")) for r in [*api.values(), *pages.values()]]
    const_ratios = [float(r[2].rstrip("×")) for r in [*api.values(), *pages.values()]]
    worst = max(list_ratios)
    result = (
        f"{count} needs: API p95 {min(api_p95):.1f}–{max(api_p95):.1f} ms; "
        f"`/needs/` pages p95 {min(page_p95):.1f}–{max(page_p95):.1f} ms"
    )
    baseline = f"minimal DRF list p95 {t[LIST_FLOOR][1]}; constant DRF APIView p95 {t[FLOOR][1]}"
    met = (
        f"{'**yes**' if worst <= 3 else '**no**'}: {min(list_ratios):.1f}–{worst:.1f}× the minimal list "
        f"({min(const_ratios):.0f}–{max(const_ratios):.0f}× the constant APIView)"
    )
    return result, baseline, met


def hours(log: str):
    def median(name):
        return float(re.search(rf"^{re.escape(name)}\s+n=\s*(\d+)\s+median=\s*([\d.]+) ms", log, re.M).group(2))

    n = re.search(r"^service_log_create \(all checks\)\s+n=\s*(\d+)", log, re.M).group(1)
    rows = re.search(r"service_log rows: (\d+)", log).group(1)
    plain, checked = median("plain insert (baseline)"), median("service_log_create (all checks)")
    ratio = checked / plain
    return (
        f"median {checked:.2f} ms over {n} records ({int(rows):,} rows in the table)",
        f"plain insert interleaved, median {plain:.2f} ms",
        f"{'**yes**' if ratio <= 5 else '**no**'}: {ratio:.1f}×",
    )


def summary(log: str):
    head = re.search(r"^([\d,]+) records; worker (\d+) has ([\d,]+)", log, re.M)
    sel = [float(x) for x in re.findall(r"^worker_hours_summary\(year=\d+\).* p95 ([\d.]+) ms", log, re.M)]
    t = table(log)
    endpoint = [ms(r[1]) for u, r in t.items() if "hours-summary" in u]
    worst = max(endpoint)
    return (
        f"{head.group(1)} records, worker with {head.group(3)}: endpoint p95 "
        + " / ".join(f"{x:.1f}" for x in endpoint)
        + " ms (this year / last); selector p95 "
        + " / ".join(f"{x:.1f}" for x in sel)
        + " ms",
        f"signed-in constant DRF APIView p95 {t[FLOOR][1]}",
        f"{'**yes**' if worst < 50 else '**no**'}: worst {worst:.1f} ms",
    )


def stats(log: str):
    head = re.search(r"\(\d+\); ([\d,]+) daily rollup rows", log)
    t = table(log)
    api = [ms(r[1]) for u, r in t.items() if u.startswith("/api/v1/stats/")]
    page = [ms(r[1]) for u, r in t.items() if u.startswith("/oversight/")]
    worst = max(api + page)
    return (
        f"API p95 {' / '.join(f'{x:.1f}' for x in api)} ms, `/oversight/` p95 "
        f"{' / '.join(f'{x:.1f}' for x in page)} ms (this year / 2 years; {head.group(1)} daily rollups)",
        f"signed-in constant DRF APIView p95 {t[FLOOR][1]}",
        f"{'**yes**' if worst < 200 else '**no**'}: worst {worst:.1f} ms",
    )


def search(log: str):
    docs = re.search(r"^corpus: ([\d,]+) documents", log, re.M).group(1)
    rows = {}
    for line in log.splitlines():
        if line.startswith("| ") and not line.startswith("| backend") and not line.startswith("| segmenter"):
            c = cells(line)
            rows[c[0]] = c
    pg, like = rows["postgres"], rows["LIKE '%…%' scan"]
    p95 = float(pg[3])
    return (
        f"{docs} documents: p95 {p95:.1f} ms, p50 {float(pg[2]):.1f} ms (index {pg[1]}, {pg[5]})",
        f"LIKE scan p95 {float(like[3]):.1f} ms, p50 {float(like[2]):.1f} ms",
        f"{'**yes**' if p95 <= 30 else '**no**'}: {p95:.1f} ms ({float(like[3]) / p95:.0f}× faster than LIKE)",
    )


def ledger(log: str):
    line = re.search(
        r"^clients=4: pgbench (\d+) tps; ledger (\d+) transfers/s \(50 funds\) = ([\d.]+)x, (\d+) \(book per writer\) = "
        r"([\d.]+)x, (\d+) \(one shared book\) = ([\d.]+)x",
        log,
        re.M,
    )
    pgb, funds, r_funds, own, r_own, shared, r_shared = line.groups()
    after = re.search(r"^after: ledger_verify ok=(\w+) over (\d+) transfers.*trial balance (-?\d+) fen", log, re.M)
    clean = after is not None and after.group(1) == "True" and after.group(3) == "0"
    verify = (
        f"`ledger_verify` ok over {int(after.group(2)):,} transfers, trial balance 0 fen"
        if clean
        else f"`ledger_verify` NOT clean: {after.group(0) if after else 'no verify line'}"
    )
    ok = float(r_funds) >= 0.5 and clean
    return (
        f"50 fund books {funds}/s; book per writer {own}/s ({r_own}×); one shared book {shared}/s ({r_shared}×); {verify}",
        f"pgbench tpcb-like, 4 clients, {pgb} tps",
        f"{'**yes**' if ok else '**no**'}: {r_funds}×",
    )


TARGET = {
    "needs": "p95 ≤ 3× the framework's floor (read as DRF's minimal list, bench/bidding/README.md)",
    "hours": "≤ 5× the plain insert",
    "summary": "p95 < 50 ms",
    "stats": "p95 < 200 ms",
    "search": "p95 ≤ 30 ms",
    "ledger": "≥ 0.5× pgbench at 4 clients",
}
KINDS = {"needs": needs, "hours": hours, "summary": summary, "stats": stats, "search": search, "ledger": ledger}
WHAT = {
    "needs": "needs list API and page (`bench/bidding/bench_large.py`)",
    "hours": "service-hour record with all checks (`bench/projects/bench_hours.py`)",
    "summary": "worker's yearly hours summary (`bench/projects/bench_summary.py`)",
    "stats": "district dashboard (`bench/stats/bench_stats.py`)",
    "search": "search p95, PostgreSQL backend (`bench/search/run.py --source`)",
    "ledger": "ledger transfers/s, 4 writers (`bench/ledger/bench.py`)",
}


def main(argv: list[str]) -> None:
    if argv[1:] == ["--header"]:
        print(HEADER)
        return
    kind, label, logfile, rc, before, after = argv[1:7]
    with open(logfile, encoding="utf-8", errors="replace") as f:
        log = f.read()
    load = f"{before} → {after}"
    try:
        result, baseline, met = KINDS[kind](log)
        if rc != "0":
            met += f" (the bench exited {rc})"
    except Exception:  # noqa: BLE001 - any unreadable output becomes a row saying why
        last = [line for line in log.splitlines() if line.strip()][-1:] or ["(no output)"]
        reason = "timed out" if rc == "124" else f"exited {rc}"
        result, baseline = f"not measured: the bench {reason}", "—"
        met = f"**failed**: {last[0].strip()[:200].replace('|', '/')} (full output: {logfile})"
    print(f"| {label} | {WHAT[kind]} | {result} | {baseline} | {TARGET[kind]} | {met} | {load} |")


if __name__ == "__main__":
    main(sys.argv)
