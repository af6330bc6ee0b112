"""`portal worker`: an RQ worker on the portal's queue, with RQ's scheduler (jobs due later: retries) and
RQ's CronScheduler for the periodic jobs of `schedule.PERIODIC`.

Jobs run in the worker's own process (RQ's SimpleWorker): the app is made once, the database pool is
kept, and a job starts in well under a millisecond instead of a fork per job. The CronScheduler runs in a
child process and queues only while it holds a lease in Redis, so with several workers one of them
schedules and the others stand by (keeping their clocks in step, so a take-over queues nothing twice); a
standby takes over within SCHEDULER_LEASE_SECONDS of the leader's death.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time

from . import runner
from .queue import FAILURE_TTL, RESULT_TTL, queue_name, redis_connection, rq_queue
from .schedule import PERIODIC

log = logging.getLogger(__name__)


def worker_name(app) -> str:
    return f"{queue_name(app)}:{socket.gethostname()}:{os.getpid()}"


def run(app, *, burst: bool = False, scheduler: bool = True) -> bool:
    """Works until SIGTERM (warm: the job in hand is finished) or, with `burst`, until the queue is empty.
    Returns whether any job was done."""
    from rq import SimpleWorker

    runner.bind(app)
    cron = None
    if scheduler and not burst:
        cron = multiprocessing.get_context("fork").Process(
            target=_schedule_periodic_jobs, args=(app, os.getpid()), name="portal-scheduler", daemon=True)
        cron.start()
    port = app.config.get("WORKER_METRICS_PORT") or 0
    if port:
        from prometheus_client import start_http_server

        start_http_server(port, addr="127.0.0.1")
    worker = SimpleWorker([rq_queue(app)], connection=redis_connection(app), name=worker_name(app))
    try:
        return worker.work(burst=burst, with_scheduler=scheduler, logging_level=app.config.get("LOG_LEVEL", "INFO"))
    finally:
        if cron is not None:
            cron.terminate()
            cron.join(10)


def _schedule_periodic_jobs(app, parent_pid: int) -> None:
    """The scheduler process: queues the periodic jobs while it leads; ends with its parent."""
    import redis
    from rq.cron import CronScheduler
    from rq.utils import now

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    prefix = queue_name(app)
    connection = redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=5, socket_timeout=30)
    cron = CronScheduler(connection=connection, name=f"{prefix}:scheduler:{socket.gethostname()}:{os.getpid()}")
    for entry in PERIODIC:
        cron.register(runner.run_job, queue_name=prefix, args=(entry.job, [], {}, ""), name=f"{prefix}:{entry.job}",
                      job_timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=RESULT_TTL,
                      failure_ttl=FAILURE_TTL, **entry.timing(app.config))
    lease = connection.lock(f"{prefix}:scheduler-leader", timeout=app.config["SCHEDULER_LEASE_SECONDS"])
    leading = False
    try:
        cron.register_birth()
        while not stopping and os.getppid() == parent_pid:
            try:
                now_leading = _lead(lease)
                if now_leading != leading:
                    log.info("scheduler %s %s", cron.name, "leads" if now_leading else "stands by")
                    leading = now_leading
                if leading:
                    if cron.enqueue_jobs():
                        cron.save()
                else:  # what the leader queues now, this one must not queue when it takes over
                    for job in cron.get_jobs():
                        if job.should_run():
                            job.set_enqueue_time(now())
                cron.heartbeat()
            except redis.exceptions.RedisError:
                log.warning("scheduler: Redis does not answer", exc_info=True)
                leading = False
            time.sleep(max(0.05, min(1.0, cron.calculate_sleep_interval())))
    finally:
        try:
            if leading:
                lease.release()
            cron.register_death()
        except Exception:  # Redis gone: the lease expires by itself
            pass


def _lead(lease) -> bool:
    import redis

    try:
        if lease.local.token is not None and lease.owned():
            lease.reacquire()
            return True
        return lease.acquire(blocking=False)
    except redis.exceptions.LockError:
        return False
