"""Prometheus metrics: requests by route and status, their latency, jobs, mails, signatures.

Under gunicorn every worker process counts for itself: with PROMETHEUS_MULTIPROC_DIR set (deploy/
portal-web.service sets it), prometheus_client keeps the counts in files there and `exposition()` adds them
up over all workers. `portal worker` is one process and serves its own (WORKER_METRICS_PORT).
Counts that depend on a transaction (a signature) are made after it commits: `count_after_commit`.
"""
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client import REGISTRY, CONTENT_TYPE_LATEST  # noqa: F401  (re-exported for the views)

REQUESTS = Counter("portal_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("portal_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
JOBS = Counter("portal_jobs_total", "Background jobs run, by outcome (done, failed)", ["job", "outcome"])
JOB_DURATION = Histogram("portal_job_duration_seconds", "Time a background job ran", ["job"],
                         buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
MAILS = Counter("portal_mails_total", "E-mails handed to the SMTP server (sent), or given up on or retried",
                ["outcome"])
SIGNATURES = Counter("portal_signatures_total", "Signatures added to agreements", ["method"])

_AFTER_COMMIT = "portal.metrics_after_commit"


def exposition() -> bytes:
    """The text a Prometheus server scrapes: all processes' counts in multiprocess mode, else this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def count_after_commit(session, counter: Counter, **labels) -> None:
    """Counts once the session's transaction is committed (a rolled-back signature was never made)."""
    session.info.setdefault(_AFTER_COMMIT, []).append((counter, labels))


def _register_listeners() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    @event.listens_for(Session, "after_commit")
    def _count(session):
        for counter, labels in session.info.pop(_AFTER_COMMIT, ()):
            counter.labels(**labels).inc()

    @event.listens_for(Session, "after_rollback")
    def _forget(session):
        session.info.pop(_AFTER_COMMIT, None)


_register_listeners()
