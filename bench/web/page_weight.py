"""Page weight and timing of public pages, measured in headless Chromium.

    .venv/bin/python bench/web/page_weight.py --base http://127.0.0.1:8000 [--runs 5] [PATH ...]

For each path and each viewport (360 px and 1280 px) prints: requests, transferred bytes
(bodies + headers as received), HTML bytes, server time (median time to first byte of the
document over --runs cold loads), DOMContentLoaded, and the number of requests to hosts other
than the one under test (must be 0).

A path may name the first need or fund the site lists: ``{need}`` and ``{fund}`` are replaced by
the first /needs/<id>/ link on /needs/ and the first /funds/<id>/ link on /funds/.

Exit 1 if any page calls an external host or misses a target (< 300 KB, < 20 requests).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DEFAULT_PATHS = ["/", "/needs/", "/needs/{need}/", "/funds/{fund}/", "/en/", "/news/", "/cases/five-lines/", "/help/"]
MAX_BYTES = 300 * 1024
MAX_REQUESTS = 20
VIEWPORTS = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 900}}


def measure(browser, url: str, viewport: dict, host: str) -> dict:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    responses = []
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: responses.append(r))
    nav = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    transferred = 0
    for r in responses:
        try:
            body = len(r.body())
        except Exception:
            body = 0
        headers = sum(len(k) + len(v) + 4 for k, v in r.headers.items())
        transferred += body + headers
    timing = page.evaluate(
        "(() => { const t = performance.getEntriesByType('navigation')[0];"
        " return {ttfb: t.responseStart - t.requestStart, dcl: t.domContentLoadedEventEnd - t.startTime}; })()"
    )
    external = sorted(
        {
            urlsplit(u).hostname
            for u in requests
            if urlsplit(u).scheme in ("http", "https") and urlsplit(u).hostname != host
        }
    )
    html = len(nav.body()) if nav else 0
    context.close()
    return {
        "requests": len(requests),
        "bytes": transferred,
        "html": html,
        "ttfb": timing["ttfb"],
        "dcl": timing["dcl"],
        "external": external,
    }


def first_link(browser, base: str, listing: str, pattern: str) -> str:
    """The id in the first link on ``listing`` whose path matches ``pattern`` (e.g. /needs/(\\d+)/)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + listing)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    context.close()
    for href in hrefs:
        m = re.search(pattern, urlsplit(href).path)
        if m:
            return m.group(1)
    raise SystemExit(f"no link matching {pattern} on {listing}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:8000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = ap.parse_args()
    host = urlsplit(args.base).hostname
    bad = False
    print(f"{'path':24} {'vp':>4} {'req':>4} {'bytes':>8} {'html':>7} {'ttfb ms':>8} {'dcl ms':>7} ext")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        ids = {}
        if any("{need}" in x for x in args.paths):
            ids["need"] = first_link(browser, args.base, "/needs/", r"^/(?:en/)?needs/(\d+)/$")
        if any("{fund}" in x for x in args.paths):
            ids["fund"] = first_link(browser, args.base, "/funds/", r"^/(?:en/)?funds/(\d+)/$")
        for path in (x.format(**ids) for x in args.paths):
            for name, vp in VIEWPORTS.items():
                runs = [measure(browser, args.base + path, vp, host) for _ in range(args.runs)]
                r = runs[-1]
                ttfb = statistics.median(x["ttfb"] for x in runs)
                dcl = statistics.median(x["dcl"] for x in runs)
                ext = sorted({h for x in runs for h in x["external"]})
                over = r["bytes"] >= MAX_BYTES or r["requests"] >= MAX_REQUESTS
                bad |= bool(ext) or over
                print(
                    f"{path:24} {name:>4} {r['requests']:>4} {r['bytes']:>8} {r['html']:>7} {ttfb:>8.1f} {dcl:>7.1f} {len(ext)}{' ' + ','.join(ext) if ext else ''}{'  OVER TARGET' if over else ''}"
                )
        browser.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
