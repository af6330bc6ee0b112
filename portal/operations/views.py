import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request

from .. import metrics
from . import services

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
def healthz():
    """Alive: the process answers. Asks nothing else (a database outage must not get app servers restarted)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database (at the schema's head), Redis and the file store answer; 503 if not."""
    ready = services.readiness()
    status = 200 if ready.pop("ok") else 503
    return jsonify(status="ok" if status == 200 else "error", **ready), status


@bp.get("/metrics")
def prometheus_metrics():
    """Prometheus' scrape, with "Authorization: Bearer <METRICS_TOKEN>"; without a token configured, no page."""
    token = current_app.config.get("METRICS_TOKEN", "")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(403)
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE_LATEST)
