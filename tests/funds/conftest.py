import hashlib
import hmac
import itertools
import json
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests

from tests.factories.projects import grant_bid, project_with_milestones
from tests.services import service_missing

WEBHOOK_SECRET = "whsec_test_sanshe"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, ts: int | None = None) -> str:
    ts = int(time.time()) if ts is None else ts
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


_ids = itertools.count(1)


def _object_kind(kind: str) -> str:
    """The ``object`` Stripe sends with an event type (charge.dispute.created -> dispute)."""
    prefix = kind.rsplit(".", 1)[0]
    return "dispute" if prefix == "charge.dispute" else prefix


def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    """An event as Stripe sends it: its object says what it is and carries its currency."""
    obj = {"object": _object_kind(kind), "currency": "cny", **obj}
    return {"id": event_id or f"evt_{next(_ids)}", "object": "event", "type": kind, "data": {"object": obj}}


def post_event(client, evt, *, secret=WEBHOOK_SECRET, ts=None, tamper=False):
    payload = json.dumps(evt).encode()
    header = sign(payload, secret, ts)
    if tamper:
        payload = payload.replace(b'"amount', b'"amount_x', 1) if b'"amount' in payload else payload + b" "
    return client.post("/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_sanshe"
    return settings


class _StubHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = parse_qs(self.rfile.read(length).decode())
        self.server.requests.append((self.path, dict(self.headers), body))
        if self.path == "/v1/checkout/sessions":
            n = len(self.server.requests)
            data = {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/cs_test_{n}",
            }
            status = 200
        else:
            data, status = {"error": {"message": "unknown"}}, 404
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def stripe_stub(stripe_settings):
    """A stand-in for api.stripe.com on loopback (Checkout Sessions are not in localstripe)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def project_factory(city, organization, make_user):
    """Need → Proposal → Project with submitted milestones, written as rows (not yet reserved)."""
    author = make_user()

    def make(*, amounts=("600.00", "400.00"), fund=None, category="elderly"):
        proposal = grant_bid(
            community=city.community,
            fund=fund or city.fund,
            organization=organization,
            total=sum(Decimal(a) for a in amounts),
            created_by=author,
            category=category,
        )
        return project_with_milestones(proposal=proposal, amounts=amounts)

    return make


# localstripe on loopback: PaymentIntents, refunds and their signed webhooks

LAUNCHER = """
import socket, sys
from aiohttp import web
import localstripe.resources as r
import localstripe.server as s
from localstripe.webhooks import schedule_webhook

_refund_init = r.Refund.__init__


def _refund_with_event(self, *args, **kwargs):
    _refund_init(self, *args, **kwargs)
    schedule_webhook(r.Event("charge.refunded", r.Charge._api_retrieve(self.charge)))


r.Refund.__init__ = _refund_with_event
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", int(sys.argv[1])))
web.run_app(s.app, sock=sock, print=None)
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def localstripe(stripe_settings):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        service_missing("localstripe did not start on 127.0.0.1")
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


class Capture(BaseHTTPRequestHandler):
    """Records the webhooks localstripe delivers (body and Stripe-Signature), answers 200."""

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.deliveries.append((body, self.headers.get("Stripe-Signature")))
        self.send_response(200)
        self.end_headers()


@pytest.fixture
def localstripe_webhooks(localstripe):
    """localstripe delivers its signed webhooks here; ``.deliveries`` holds (body, signature)."""

    capture = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    capture.deliveries = []
    threading.Thread(target=capture.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{capture.server_port}/stripe/webhook/"
    r = requests.post(f"{localstripe}/_config/webhooks/sanshe", data={"url": url, "secret": WEBHOOK_SECRET}, timeout=5)
    assert r.status_code == 200
    yield capture
    capture.shutdown()
    capture.server_close()
