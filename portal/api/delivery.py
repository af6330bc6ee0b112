"""Sending webhook deliveries: signed, retried with back-off, logged.

Each delivery is a POST of its JSON body with the headers
    Portal-Event: exchange.accepted
    Portal-Delivery: <delivery id>
    Portal-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>
A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares it in constant time and
refuses a timestamp older than five minutes (a replay). Any 2xx is delivered; anything else, or no answer
within WEBHOOK_TIMEOUT_SECONDS, is retried after WEBHOOK_RETRY_SECONDS × 2^(attempts-1) until
WEBHOOK_MAX_ATTEMPTS, then marked failed. Redirects are not followed. The job runs on the queue (`portal
worker`: after the commit that made the delivery, and on the scheduler's sweep, which retries), or in a
thread of the app server without one.
"""
import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from ..database import utcnow
from ..extensions import db
from . import addresses
from .models import WebhookDelivery
from .sealing import UnreadableSecret

log = logging.getLogger(__name__)
BATCH = 50
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """What a receiver does (and the tests' receiver): the signature matches and the time is recent."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), fields.get("v1", ""))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other non-2xx: not followed into another network


_opener = urllib.request.build_opener(_NoRedirects)


def _send(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    """(status code or None, error text) of one attempt."""
    hook = delivery.webhook
    problem = addresses.problem_with(hook.url, allow_loopback=current_app.config["WEBHOOK_ALLOW_LOOPBACK"])
    if problem:
        return None, str(problem)
    body = delivery.body.encode()
    timestamp = int(now.timestamp())
    try:
        secret = hook.secret
    except UnreadableSecret:
        return None, "the secret is unreadable (SIGNING_SECRET changed): register the webhook anew"
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "portal-webhooks/1",
        "Portal-Event": delivery.event, "Portal-Delivery": str(delivery.id),
        "Portal-Signature": f"t={timestamp},v1={signature(secret, timestamp, body)}",
    })
    try:
        with _opener.open(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def deliver_due(now: datetime | None = None) -> int:
    """Sends what is due (new deliveries, retries whose time has come); returns how many were delivered."""
    now = now or utcnow()
    config = current_app.config
    due = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
        or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
    ).order_by(WebhookDelivery.id).limit(BATCH)).all()
    delivered = 0
    for delivery in due:
        if delivery.webhook.removed_at is not None:
            delivery.failed_at, delivery.last_error = now, "webhook removed"
            continue
        status, error = _send(delivery, now)
        delivery.attempts += 1
        delivery.status_code = status
        if status is not None and 200 <= status < 300:
            delivery.delivered_at, delivery.last_error, delivery.next_attempt_at = now, "", None
            delivered += 1
        elif delivery.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
            delivery.failed_at, delivery.last_error, delivery.next_attempt_at = now, error, None
        else:
            wait = min(config["WEBHOOK_RETRY_SECONDS"] * 2 ** (delivery.attempts - 1), 24 * 3600)
            delivery.last_error, delivery.next_attempt_at = error, now + timedelta(seconds=wait)
        db.session.commit()  # each attempt is logged as it is made
    return delivered
