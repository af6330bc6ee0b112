"""Running one job: in an application context with a session of its own, acting from "worker", with the
request id of the request that asked for it; one commit after it, a rollback if it raises. Counted and
timed in the metrics; logged with the request id."""
from __future__ import annotations

import importlib
import logging
import time

from ..database import begin_writing, reset_writing
from ..extensions import db
from ..logs import reset_request_id, set_request_id
from ..metrics import JOB_DURATION, JOBS
from ..origin import Origin, acting_from

log = logging.getLogger(__name__)

_worker_app = None


def bind(app) -> None:
    """The app that jobs taken from the queue run in (`portal worker` binds it before it starts)."""
    global _worker_app
    _worker_app = app


def resolve(path: str):
    module, _, name = path.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def run_job(path: str, args: list, kwargs: dict, request_id: str = ""):
    """What RQ calls: the job at `path`, in the app `portal worker` bound."""
    if _worker_app is None:
        raise RuntimeError("portal jobs run in `portal worker`, which binds the app (not a bare `rq worker`)")
    return run_in_app(_worker_app, path, tuple(args), kwargs, request_id)


def run_in_app(app, path: str, args: tuple, kwargs: dict, request_id: str = ""):
    label = path
    started = time.perf_counter()
    request_token = set_request_id(request_id)
    writing_token = begin_writing(True)  # SQLite: a job's transactions take the write lock at BEGIN
    try:
        with app.app_context(), acting_from(Origin(ip="worker", user_agent=f"job {path}"[:300])):
            try:
                result = resolve(path)(*args, **kwargs)
                db.session.commit()
            except Exception:
                db.session.rollback()
                JOBS.labels(job=label, outcome="failed").inc()
                log.exception("job %s failed", path)
                raise
        JOBS.labels(job=label, outcome="done").inc()
        log.info("job %s done in %.3f s", path, time.perf_counter() - started)
        # RQ keeps what a job returns (pickled): plain values only, never database objects.
        return result if isinstance(result, (int, float, str, tuple, list, dict, type(None))) else None
    finally:
        JOB_DURATION.labels(job=label).observe(time.perf_counter() - started)
        reset_writing(writing_token)
        reset_request_id(request_token)
