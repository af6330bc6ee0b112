"""Webhooks: registered by a representative (the secret shown once), only https to public addresses in
production, each delivery signed with HMAC-SHA256 over "timestamp.body"; a receiver on 127.0.0.1 (allowed by
WEBHOOK_ALLOW_LOOPBACK) checks the signature and the time window; a receiver that is down gets retries with
back-off and the delivery log says so; the test-event button; a refused action sends nothing."""
import json
import re
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.api import delivery, webhooks
from portal.api.models import Webhook, WebhookDelivery
from portal.database import utcnow
from portal.errors import RuleViolation
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.jobs.schedule import PERIODIC

from .factories import request_exchange
from .helpers import client_for, free_port


class Receiver:
    """An organization's tool: it keeps what it is sent and checks it as a receiver should."""

    def __init__(self, status=200):
        self.status, self.received = status, []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.received.append((dict(request.headers), request.get_data()))
        return Response("ok", status=self.status)(environ, start_response)


@contextmanager
def receiving(receiver, port=0):
    server = make_server("127.0.0.1", port, receiver, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/portal-events"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def loopback(app):
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    return app


def hook_for(world, url, events=("exchange.requested",)):
    hook = webhooks.register_webhook(world.representative, world.org, url=url, events=list(events))
    db.session.commit()
    return hook


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://localhost/hook", "https://10.1.2.3/hook",
    "https://192.168.0.5/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
    "https://[fd00::1]/hook", "http://93.184.215.14/hook", "ftp://93.184.215.14/hook", "https://user:pw@93.184.215.14/",
    "not an address",
])
def test_production_accepts_only_https_to_public_addresses(app, world, url):
    with pytest.raises(RuleViolation) as refused:
        webhooks.register_webhook(world.representative, world.org, url=url, events=["exchange.requested"])
    assert "url" in refused.value.field_messages


def test_every_problem_of_the_form_at_once(app, world):
    with pytest.raises(RuleViolation) as refused:
        webhooks.register_webhook(world.representative, world.org, url="http://10.0.0.1/", events=["nonsense"])
    assert set(refused.value.field_messages) == {"url", "events"}
    page = client_for(app, world.representative).post(f"/orgs/{world.org.id}/webhooks?lang=en",
                                                       data={"url": "https://10.0.0.1/x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "private or local network" in html and "Choose at least one event" in html
    assert 'value="https://10.0.0.1/x"' in html


def test_a_delivery_is_signed_over_timestamp_and_body_and_a_replay_or_change_fails(loopback, world):
    receiver = Receiver()
    with receiving(receiver) as url:
        hook = hook_for(world, url)
        exchange = request_exchange(world.other_member, world.resource, start_in_days=50)
        db.session.commit()
        assert delivery.deliver_due() == 1
    headers, body = receiver.received[0]
    assert headers["Portal-Event"] == "exchange.requested" and headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["event"] == "exchange.requested" and payload["data"]["exchange"]["id"] == exchange.id
    signature = headers["Portal-Signature"]
    assert delivery.verify(hook.secret, signature, body)
    timestamp = int(re.search(r"t=(\d+)", signature).group(1))
    assert abs(timestamp - time.time()) < 60
    assert not delivery.verify(hook.secret, signature, body.replace(b"requested", b"accepted"))
    assert not delivery.verify("whsec_another", signature, body)
    assert not delivery.verify(hook.secret, signature, body, now=timestamp + 301), "a replay after 5 minutes"
    logged = db.session.scalar(select(WebhookDelivery))
    assert logged.delivered_at is not None and logged.status_code == 200 and logged.attempts == 1


def test_only_the_chosen_events_of_the_organizations_concerned(loopback, world):
    receiver = Receiver()
    with receiving(receiver) as url:
        hook_for(world, url, events=("exchange.accepted",))
        exchanges.accept(world.representative, world.exchange)
        request_exchange(world.other_member, world.resource, start_in_days=80)  # not asked for
        db.session.commit()
        delivery.deliver_due()
    assert [json.loads(body)["event"] for _headers, body in receiver.received] == ["exchange.accepted"]


def test_a_refused_action_sends_nothing(loopback, client, world):
    hook_for(world, "http://127.0.0.1:9/never")
    with pytest.raises(RuleViolation):
        with db.session.begin_nested():
            exchanges.decline(world.representative, world.exchange, "")
    db.session.commit()
    assert db.session.scalars(select(WebhookDelivery)).all() == []


def test_a_receiver_that_is_down_gets_retries_with_back_off_and_the_log_says_so(loopback, world):
    port = free_port()
    hook = hook_for(world, f"http://127.0.0.1:{port}/portal-events")
    request_exchange(world.other_member, world.resource, start_in_days=50)
    db.session.commit()
    start = utcnow()
    assert delivery.deliver_due(now=start) == 0
    logged = db.session.scalar(select(WebhookDelivery))
    assert logged.attempts == 1 and logged.delivered_at is None and logged.last_error
    assert logged.next_attempt_at == start + timedelta(seconds=60)
    assert delivery.deliver_due(now=start + timedelta(seconds=30)) == 0  # not due yet: not tried
    db.session.refresh(logged)
    assert logged.attempts == 1
    assert delivery.deliver_due(now=start + timedelta(seconds=61)) == 0
    db.session.refresh(logged)
    assert logged.attempts == 2 and logged.next_attempt_at == start + timedelta(seconds=61 + 120)
    page = client_for(loopback, world.representative).get(f"/orgs/{world.org.id}/webhooks?lang=en")
    assert "Retry at" in page.get_data(as_text=True) and logged.last_error in page.get_data(as_text=True)

    receiver = Receiver()
    with receiving(receiver, port):
        assert delivery.deliver_due(now=start + timedelta(seconds=200)) == 1
    db.session.refresh(logged)
    assert logged.delivered_at is not None and logged.attempts == 3 and len(receiver.received) == 1
    assert "Delivered" in client_for(loopback, world.representative).get(
        f"/orgs/{world.org.id}/webhooks?lang=en").get_data(as_text=True)
    assert hook.id == logged.webhook_id


def test_gives_up_after_the_last_attempt(loopback, world):
    loopback.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    receiver = Receiver(status=500)
    with receiving(receiver) as url:
        hook_for(world, url)
        request_exchange(world.other_member, world.resource, start_in_days=50)
        db.session.commit()
        start = utcnow()
        delivery.deliver_due(now=start)
        delivery.deliver_due(now=start + timedelta(hours=1))
    logged = db.session.scalar(select(WebhookDelivery))
    assert logged.failed_at is not None and logged.status_code == 500 and len(receiver.received) == 2


def test_the_page_shows_the_secret_once_and_sends_a_test_event(loopback, world):
    receiver = Receiver()
    browser = client_for(loopback, world.representative)
    with receiving(receiver) as url:
        made = browser.post(f"/orgs/{world.org.id}/webhooks", data={"url": url, "events": ["exchange.requested",
                                                                                          "agreement.signed"]})
        html = made.get_data(as_text=True)
        secret = re.search(r'data-testid="webhook-secret">(whsec_[\w-]+)<', html).group(1)
        hook = db.session.scalar(select(Webhook))
        assert hook.secret == secret and hook.event_names == ["exchange.requested", "agreement.signed"]
        assert secret not in browser.get(f"/orgs/{world.org.id}/webhooks").get_data(as_text=True)
        assert browser.post(f"/orgs/{world.org.id}/webhooks/{hook.id}/test").status_code == 302
        assert delivery.deliver_due() == 1
    headers, body = receiver.received[0]
    assert json.loads(body)["event"] == "test" and delivery.verify(secret, headers["Portal-Signature"], body)
    assert browser.post(f"/orgs/{world.org.id}/webhooks/{hook.id}/remove").status_code == 302
    assert webhooks.webhooks_of(world.org) == []


def test_the_worker_sweeps_webhook_deliveries():
    assert "portal.api.delivery:deliver_due" in {periodic.job for periodic in PERIODIC}


def test_the_secret_is_stored_sealed_and_unreadable_without_the_signing_secret(app, world):
    from portal.api import webhooks as hooks
    from portal.api.models import Webhook
    from portal.api.sealing import UnreadableSecret

    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    hook = hooks.register_webhook(world.representative, world.org, url="http://127.0.0.1:9/hook",
                                  events=["exchange.requested"])
    db.session.commit()
    plain = hook.secret
    stored = db.session.execute(sa.text("SELECT secret FROM webhooks WHERE id = :id"), {"id": hook.id}).scalar()
    assert plain.startswith("whsec_") and plain not in stored and stored.startswith("sealed1:")
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).secret == plain
    app.config["SIGNING_SECRET"] = "another secret"  # the app fixture restores the config
    db.session.expire_all()
    with pytest.raises(UnreadableSecret):
        db.session.get(Webhook, hook.id).secret
    hooks.send_test_event(world.representative, world.org, hook.id)
    db.session.commit()
    delivery.deliver_due()
    [attempt] = hooks.recent_deliveries(db.session.get(Webhook, hook.id))
    assert attempt.delivered_at is None and "SIGNING_SECRET" in attempt.last_error


def test_a_secret_stored_before_sealing_still_signs(app, world):
    from portal.api.models import Webhook

    hook = Webhook(org_id=world.org.id, url="https://example.org/hook", events="exchange.requested",
                   secret="x", created_by_id=world.representative.id)
    db.session.add(hook)
    db.session.commit()
    db.session.execute(sa.text("UPDATE webhooks SET secret = 'whsec_legacy' WHERE id = :id"), {"id": hook.id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).secret == "whsec_legacy"
