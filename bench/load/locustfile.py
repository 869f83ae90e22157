"""Sanshe's mixed load (issue #24): one user class whose tasks are weighted like real use, so every
step, even of 5 users, carries the whole mix.

Per 100 task runs: 60 public browsing (needs page and detail, the needs API, funds, search, the
home page), 15 organization reading and bidding (API, by token), 12 social workers logging hours,
4 organization admins approving and 4 community staff confirming those records (in the order they
were logged, through in-process queues, so no two users act on one record), 5 Stripe webhooks
(checkout.session.completed, signed with STRIPE_WEBHOOK_SECRET; one in five is delivered twice, as
Stripe's retries do). Think time 1–3 s.

Environment (bench/load/run.sh sets it): LOAD_SEED (bench/load/seed_load.py's JSON),
STRIPE_WEBHOOK_SECRET, LOAD_SLOT_BASE / LOAD_BID_BASE / LOAD_DONATION_BASE (where the previous step
stopped: each hours slot, bid pair and donation is used once), LOAD_SENT_FILE (the Stripe sessions
sent are appended there when the step ends, for the duplicate-booking check)."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import time

from locust import HttpUser, between, events

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())  # noqa: SIM115 - read once at import
SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SLOTS_PER_DAY, LOG_DAYS = 4, 6  # 4 × 1.5 h a day (under the daily cap), 6 days back (inside the window)
SEARCH_TERMS = ["养老", "助餐", "儿童", "社区", "探访", "心理", "残疾人", "志愿"]

slot_counter = itertools.count(int(os.environ.get("LOAD_SLOT_BASE", "0")))
bid_counter = itertools.count(int(os.environ.get("LOAD_BID_BASE", "0")))
donation_counter = itertools.count(int(os.environ.get("LOAD_DONATION_BASE", "0")))
to_approve: collections.deque[int] = collections.deque()
to_confirm: collections.deque[int] = collections.deque()
sessions_sent: set[str] = set()


def stripe_signature(payload: bytes) -> str:
    ts = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


class Sanshe(HttpUser):
    wait_time = between(1, 3)

    # -- the public (60) ------------------------------------------------------------------------
    def needs_page(self):
        self.client.get("/needs/", name="page /needs/")

    def need_detail_page(self):
        self.client.get(f"/needs/{random.choice(SEED['public_needs'])}/", name="page /needs/[id]/")

    def needs_api(self):
        self.client.get(
            "/api/v1/needs/?status=published", name="api GET /needs/", headers={"Accept": "application/json"}
        )

    def funds_page(self):
        self.client.get("/funds/", name="page /funds/")

    def fund_detail_page(self):
        self.client.get(f"/funds/{random.choice(SEED['funds'])}/", name="page /funds/[id]/")

    def search_page(self):
        self.client.get(f"/search/?q={random.choice(SEARCH_TERMS)}", name="page /search/?q=")

    def home_page(self):
        self.client.get("/", name="page /")

    # -- organizations read and bid (15) ----------------------------------------------------------
    def org_reads_needs(self):
        org = random.choice(SEED["orgs"])
        self.client.get("/api/v1/needs/?status=published", name="org GET /needs/", headers=bearer(org["token"]))

    def org_reads_a_need(self):
        org = random.choice(SEED["orgs"])
        need = random.choice(SEED["open_needs"])
        self.client.get(f"/api/v1/needs/{need}/", name="org GET /needs/[id]/", headers=bearer(org["token"]))

    def org_bids(self):
        n = next(bid_counter)
        orgs, needs = SEED["orgs"], SEED["open_needs"]
        if n >= len(orgs) * len(needs):
            return  # every pair has bid
        org, need = orgs[n % len(orgs)], needs[n // len(orgs)]
        today = dt.datetime.now(SHANGHAI).date()
        body = {
            "organization": org["id"],
            "title": f"负载方案{n}",
            "summary": "三阶段服务",
            "approach": "入户探访、助餐、健康讲座。",
            "budget_lines": [{"item": "人员费用", "amount": "60000.00"}],
            "milestones": [
                {"title": "启动", "due_date": str(today + dt.timedelta(days=40)), "payment_percent": "30"},
                {"title": "结项", "due_date": str(today + dt.timedelta(days=280)), "payment_percent": "70"},
            ],
            "team": [{"worker": w, "role": "社工"} for w in org["team"]],
        }
        self.client.post(
            f"/api/v1/needs/{need}/proposals/", json=body, name="org POST bid", headers=bearer(org["token"])
        )

    # -- social workers log hours (12) ------------------------------------------------------------
    def worker_logs_hours(self):
        n = next(slot_counter)
        workers = SEED["workers"]
        per_worker = n // len(workers)
        if per_worker >= SLOTS_PER_DAY * LOG_DAYS:
            return  # every slot is used
        day = dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1 + per_worker // SLOTS_PER_DAY)
        start = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=90 * (per_worker % SLOTS_PER_DAY))
        body = {
            "project": SEED["project"],
            "date": str(day),
            "start_time": start.strftime("%H:%M"),
            "end_time": (start + dt.timedelta(minutes=90)).strftime("%H:%M"),
            "place": f"负载测试点{n}",
            "content": "探访独居老人，协助助餐",
            "beneficiaries_served": 3,
        }
        with self.client.post(
            "/api/v1/service-logs/",
            json=body,
            name="worker POST hours",
            headers=bearer(workers[n % len(workers)]),
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                to_approve.append(response.json()["id"])

    def worker_reads_records(self):
        token = random.choice(SEED["workers"])
        self.client.get("/api/v1/service-logs/", name="worker GET hours", headers=bearer(token))

    # -- organization admins approve, community staff confirm (4 + 4) -----------------------------
    def admin_approves(self):
        if not to_approve:
            self.client.get(
                "/api/v1/service-logs/?status=submitted",
                name="admin GET hours",
                headers=bearer(SEED["project_admin_token"]),
            )
            return
        log = to_approve.popleft()
        with self.client.post(
            f"/api/v1/service-logs/{log}/approve/",
            name="admin POST approve",
            headers=bearer(SEED["project_admin_token"]),
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                to_confirm.append(log)

    def staff_confirms(self):
        if not to_confirm:
            self.client.get(
                "/api/v1/service-logs/?status=approved", name="staff GET hours", headers=bearer(SEED["staff_token"])
            )
            return
        log = to_confirm.popleft()
        self.client.post(
            f"/api/v1/service-logs/{log}/confirm/", name="staff POST confirm", headers=bearer(SEED["staff_token"])
        )

    # -- Stripe (5) ------------------------------------------------------------------------------
    def stripe_webhook(self):
        n = next(donation_counter)
        if n >= len(SEED["donations"]):
            return
        session_id, donation_id = SEED["donations"][n]
        amount = 100 + n % 900
        event = {
            "id": f"evt_load_{session_id}",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "currency": "cny",
                    "payment_status": "paid",
                    "amount_total": amount,
                    "payment_intent": f"pi_load_{n}",
                    "metadata": {"donation_id": str(donation_id)},
                }
            },
        }
        payload = json.dumps(event).encode()
        deliveries = 2 if n % 5 == 0 else 1  # Stripe delivers again when it saw no answer in time
        for _ in range(deliveries):
            self.client.post(
                "/stripe/webhook/",
                data=payload,
                name="stripe POST webhook",
                headers={"Stripe-Signature": stripe_signature(payload), "Content-Type": "application/json"},
            )
        sessions_sent.add(session_id)

    # each method's weight: per 100 task runs (module docstring)
    tasks = {  # noqa: RUF012 - Locust's own class attribute
        needs_page: 14,
        need_detail_page: 10,
        needs_api: 8,
        funds_page: 6,
        fund_detail_page: 6,
        search_page: 10,
        home_page: 6,
        org_reads_needs: 6,
        org_reads_a_need: 5,
        org_bids: 4,
        worker_logs_hours: 9,
        worker_reads_records: 3,
        admin_approves: 4,
        staff_confirms: 4,
        stripe_webhook: 5,
    }


def _sessions_sent_write(**kwargs):
    path = os.environ.get("LOAD_SENT_FILE")
    if path:
        with open(path, "a") as out:
            out.writelines(f"{s}\n" for s in sorted(sessions_sent))


events.test_stop.add_listener(_sessions_sent_write)
