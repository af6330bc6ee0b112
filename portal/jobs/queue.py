"""Asking for background work: `defer(job, *args)` runs it once the current transaction commits.

With REDIS_URL the job goes on the RQ queue (named REDIS_KEY_PREFIX) for `portal worker`; without it (the
embedded default, `make run`) it runs in a thread of this process.

A job is a plain function, named by its path ("portal.mail.delivery:deliver_due"), that runs in an
application context with a database session of its own; the runner commits after it. Jobs may run more
than once (a retry, a sweep, two schedulers): each checks the state it acts on, claims what it does, and
may find nothing left to do. The database, not Redis, says what is due, so a flushed Redis loses nothing:
each domain's sweep (in `schedule.PERIODIC`) hands out again what is. Work that must be done before the
answer when there is no worker asks `queue_configured()` (the agreement's signing copy).

To add a job (a digest, a report, a webhook): write the function in its domain, call `defer(function, …)`
where it is asked for, and for a periodic one add a line to `schedule.PERIODIC`.
"""
from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..database import ends_the_transaction
from ..extensions import db
from ..logs import current_request_id

log = logging.getLogger(__name__)

_PENDING = "portal.jobs_pending"
RESULT_TTL = 300  # seconds a finished job stays visible in Redis
FAILURE_TTL = 7 * 24 * 3600  # a failed one: a week, for `rq info` and the logs


@dataclass(frozen=True)
class JobCall:
    path: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    request_id: str = ""


def job_path(job: Callable | str) -> str:
    if isinstance(job, str):
        return job
    return f"{job.__module__}:{job.__qualname__}"


def queue_configured(app=None) -> bool:
    return bool((app or current_app).config.get("REDIS_URL"))


def redis_connection(app=None):
    """This process's Redis client for the app (redis-py reconnects by itself after a fork)."""
    import redis

    app = app or current_app
    url = app.config["REDIS_URL"]
    made = app.extensions.get("portal.redis")
    if made is None or made[0] != url:
        made = (url, redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30))
        app.extensions["portal.redis"] = made
    return made[1]


def queue_name(app=None) -> str:
    return (app or current_app).config["REDIS_KEY_PREFIX"]


def rq_queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(queue_name(app), connection=redis_connection(app),
                 default_timeout=app.config["JOB_TIMEOUT_SECONDS"])


def defer(job: Callable | str, *args, **kwargs) -> None:
    """Runs `job(*args, **kwargs)` in the background once the current transaction commits (never, if it
    rolls back). The arguments must be plain values (ids, not objects): the job loads what it needs."""
    call = JobCall(job_path(job), args, kwargs, current_request_id())
    db.session.info.setdefault(_PENDING, []).append(call)


def submit(app, job: Callable | str, *args, **kwargs) -> None:
    """Hands the job out now (outside any transaction: after a commit, or from a sweep). A queue that does
    not answer is logged, not raised: what the job was for is in the database, and the sweep finds it."""
    _submit(app, JobCall(job_path(job), args, kwargs, current_request_id()))


def _submit(app, call: JobCall) -> None:
    if queue_configured(app):
        try:
            enqueue_on_rq(app, call)
        except Exception:
            log.warning("could not queue %s; the sweep will hand it out", call.path, exc_info=True)
        return
    _run_in_thread(app, call)


def enqueue_on_rq(app, call: JobCall, **options):
    from rq import Retry

    from . import runner

    options.setdefault("job_id", f"{queue_name(app)}-{uuid.uuid4().hex}")
    return rq_queue(app).enqueue(
        runner.run_job, args=(call.path, list(call.args), call.kwargs, call.request_id), description=call.path,
        result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, retry=Retry(max=2, interval=[15, 60]),
        meta={"request_id": call.request_id}, **options)


_in_process = threading.Lock()


def _run_in_thread(app, call: JobCall) -> None:
    """The embedded default: one job at a time per process, each in a thread of its own (nobody waits)."""
    from . import runner

    def work():
        with _in_process:
            try:
                runner.run_in_app(app, call.path, call.args, call.kwargs, call.request_id)
            except Exception:
                pass  # logged and counted by the runner; the sweep or `portal send-mail` tries again

    threading.Thread(target=work, name=f"job {call.path}", daemon=True).start()


@event.listens_for(Session, "after_commit")
def _submit_after_commit(session):
    if not ends_the_transaction(session):  # a released savepoint: nothing is committed yet
        return
    calls = session.info.pop(_PENDING, None)
    if not calls or not has_app_context():
        return
    app = current_app._get_current_object()
    for call in calls:
        _submit(app, call)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_PENDING, None)
