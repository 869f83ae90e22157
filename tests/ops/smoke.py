"""The production profile's smoke journey over HTTP (run by deploy/ci_stack_smoke.sh against the
Procfile stack): sign in, publish a need, submit a bid, log hours, receive a signed Stripe event,
and see a Celery task run (the need's notification mailed by the worker). Standard library only.

    python tests/ops/smoke.py BASE_URL SEED_JSON MAIL_DIR
Environment: STRIPE_WEBHOOK_SECRET (the stack's). Exit 1 with the failing step on any error."""

from __future__ import annotations

import datetime as dt
import email
import gzip
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal
from email.header import decode_header, make_header
from pathlib import Path

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class StepFailed(Exception):
    pass


def call(base: str, method: str, path: str, *, body=None, token=None, headers=None, raw: bytes | None = None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310 - our own stack's URL
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def expect(status, headers, content, want: int, what: str):
    if status != want:
        raise StepFailed(f"{what}: HTTP {status} (wanted {want}): {content[:500]!r}")
    return (
        json.loads(content) if content and headers.get("Content-Type", "").startswith("application/json") else content
    )


def stripe_signature(payload: bytes, secret: str) -> str:
    ts = int(time.time())
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def journey(base: str, seed: dict, mail_dir: Path) -> dict:
    timings: dict[str, float] = {}
    run = uuid.uuid4().hex[:8]
    request_id = f"smoke-{run}"
    mark = time.monotonic()

    def step(name):
        nonlocal mark
        timings[name] = round(time.monotonic() - mark, 2)
        print(f"ok  {name} ({timings[name]} s)", flush=True)
        mark = time.monotonic()

    # 0. a public page and a compressed, hashed static file (whitenoise, manifest)
    status, headers, content = call(base, "GET", "/needs/", headers={"Accept": "text/html"})
    expect(status, headers, content, 200, "public needs page")
    css = next((p for p in content.decode().split('"') if p.startswith("/static/") and p.endswith(".css")), None)
    if not css:
        raise StepFailed(f"the needs page links no stylesheet under /static/: {content[:300]!r}")
    status, headers, content = call(base, "GET", css, headers={"Accept-Encoding": "gzip"})
    expect(status, headers, content, 200, f"static {css}")
    if headers.get("Content-Encoding") != "gzip" or "immutable" not in headers.get("Cache-Control", ""):
        raise StepFailed(f"static {css} not served compressed and cached for good: {headers}")
    gzip.decompress(content)
    step("public page and its compressed static file")

    # 1. sign in (API tokens)
    tokens = {}
    for who in ("staff", "org_admin", "worker"):
        status, headers, content = call(
            base, "POST", "/api/v1/auth/token/", body={"username": seed[who], "password": seed["password"]}
        )
        tokens[who] = expect(status, headers, content, 200, f"sign in as {seed[who]}")["token"]
    step("1 sign in")

    # 2. publish a need
    today = dt.datetime.now(SHANGHAI).date()  # the site's time zone decides what yesterday is
    title = f"烟测居家养老服务 {run}"
    need_body = {
        "community": seed["community"],
        "title": title,
        "description": "为辖区独居老人提供探访、助餐和健康监测服务。",
        "category": "elderly",
        "beneficiaries": 40,
        "beneficiary_group": "独居老人",
        "budget_min": "50000.00",
        "budget_max": "100000.00",
        "service_start": str(today + dt.timedelta(days=40)),
        "service_end": str(today + dt.timedelta(days=300)),
        "min_worker_level": "assistant",
        "workers_needed": 2,
        "bid_deadline": (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).isoformat(),
    }
    rid = {"X-Request-ID": request_id}
    status, headers, content = call(base, "POST", "/api/v1/needs/", body=need_body, token=tokens["staff"], headers=rid)
    need = expect(status, headers, content, 201, "create need")
    if headers.get("X-Request-ID") != request_id:
        raise StepFailed(f"X-Request-ID not echoed: {headers.get('X-Request-ID')!r}")
    status, headers, content = call(
        base, "POST", f"/api/v1/needs/{need['id']}/publish/", token=tokens["staff"], headers=rid
    )
    if expect(status, headers, content, 200, "publish need")["status"] != "published":
        raise StepFailed("need not published")
    step("2 publish a need")

    # 3. submit a bid
    bid = {
        "organization": seed["organization"],
        "title": "烟测服务方案",
        "summary": "三阶段服务",
        "approach": "入户探访、助餐、健康讲座。",
        "budget_lines": [{"item": "人员费用", "amount": "70000.00"}, {"item": "活动物料", "amount": "10000.00"}],
        "milestones": [
            {"title": "启动", "due_date": need_body["service_start"], "payment_percent": "30"},
            {"title": "结项", "due_date": need_body["service_end"], "payment_percent": "70"},
        ],
        "team": [{"worker": w, "role": "社工"} for w in seed["workers"]],
    }
    status, headers, content = call(
        base, "POST", f"/api/v1/needs/{need['id']}/proposals/", body=bid, token=tokens["org_admin"]
    )
    proposal = expect(status, headers, content, 201, "submit bid")
    if proposal["status"] != "submitted" or proposal["total_amount"] != "80000.00":
        raise StepFailed(f"bid: {proposal}")
    step("3 submit a bid")

    # 4. log hours
    log = {
        "project": seed["project"],
        "date": str(today - dt.timedelta(days=1)),
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "玉林东路社区活动中心",
        "content": "探访独居老人，协助助餐",
        "beneficiaries_served": 6,
    }
    status, headers, content = call(base, "POST", "/api/v1/service-logs/", body=log, token=tokens["worker"])
    record = expect(status, headers, content, 201, "log hours")
    if record["hours"] != "2.50" or record["status"] != "submitted":
        raise StepFailed(f"service log: {record}")
    step("4 log hours")

    # 5. a signed Stripe event: the pending donation is paid and booked into the fund
    status, headers, content = call(base, "GET", f"/api/v1/funds/{seed['fund']}/")
    balance_before = expect(status, headers, content, 200, "fund before")["balance"]
    session = {
        "id": seed["donation_session"],
        "object": "checkout.session",
        "currency": "cny",
        "payment_status": "paid",
        "amount_total": seed["donation_fen"],
        "payment_intent": f"pi_smoke_{run}",
        "metadata": {"donation_id": str(seed["donation"])},
    }
    event = {
        "id": f"evt_smoke_{run}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": session},
    }
    payload = json.dumps(event).encode()
    secret = os.environ["STRIPE_WEBHOOK_SECRET"]
    status, headers, content = call(
        base, "POST", "/stripe/webhook/", raw=payload, headers={"Stripe-Signature": "t=1,v1=00"}
    )
    expect(status, headers, content, 400, "Stripe event with a bad signature")
    status, headers, content = call(
        base, "POST", "/stripe/webhook/", raw=payload, headers={"Stripe-Signature": stripe_signature(payload, secret)}
    )
    expect(status, headers, content, 200, "signed Stripe event")
    status, headers, content = call(base, "GET", f"/api/v1/funds/{seed['fund']}/")
    balance_after = expect(status, headers, content, 200, "fund after")["balance"]
    if Decimal(balance_after) - Decimal(balance_before) != Decimal(seed["donation_fen"]) / 100:
        raise StepFailed(f"fund balance {balance_before} -> {balance_after}, wanted +{seed['donation_fen'] / 100}")
    step("5 signed Stripe event booked")

    # 6. a Celery task ran: the worker mailed the need's notification to the following organization
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mails = [p for p in mail_dir.glob("*.log") if title in _decoded(p)]
        if mails:
            break
        time.sleep(0.5)
    else:
        raise StepFailed(f"no mail about {title!r} in {mail_dir} after 60 s: the worker ran no notification task")
    if seed["org_admin_email"] not in _decoded(mails[0]):
        raise StepFailed("the notification mail is not addressed to the organization's administrator")
    step("6 Celery task ran (notification mailed by the worker)")
    timings["request_id"] = request_id
    return timings


def _decoded(path: Path) -> str:
    """A file-backend mail as text (a subject with Chinese is RFC 2047-encoded, the body base64)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", "replace")
    out = [text]
    for chunk in raw.split(b"-" * 79):
        if not chunk.strip():
            continue
        msg = email.message_from_bytes(chunk.strip())
        out.append(str(make_header(decode_header(msg.get("Subject", "")))))
        out.append(msg.get("To", ""))
        payload = msg.get_payload(decode=True)
        if payload:
            out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def main() -> int:
    base, seed_file, mail_dir = sys.argv[1].rstrip("/"), sys.argv[2], Path(sys.argv[3])
    seed = json.loads(Path(seed_file).read_text())
    started = time.monotonic()
    try:
        timings = journey(base, seed, mail_dir)
    except StepFailed as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"total_seconds": round(time.monotonic() - started, 2), **timings}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
