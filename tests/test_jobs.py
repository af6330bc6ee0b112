"""The job queue on a real Redis: jobs go out after the commit (never after a rollback), a worker runs them
with the request's id, the signing copy is a worker's job when there is a queue, a flushed Redis loses
nothing (the sweeps), and of several schedulers one queues the periodic jobs."""
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.job import Job

from portal.agreements import certification
from portal.agreements.models import Agreement, AgreementFile
from portal.audit.models import AuditEvent
from portal import logs
from portal.extensions import db
from portal.jobs import queue, runner, worker
from portal.mail.models import OutboxMessage
from portal.mail.services import enqueue

from .factories import PASSWORD, make_agreement
from .helpers import client_for, forget_redis_keys, outbox


def rq(app) -> Queue:
    return queue.rq_queue(app)


def queued_paths(app) -> list[str]:
    return [job.args[0] for job in rq(app).get_jobs()]  # every job runs runner.run_job(path, …)


def work(app) -> None:
    """Everything queued, by a worker in this process (RQ's SimpleWorker, as `portal worker` runs it)."""
    db.session.commit()  # the worker's transactions must not wait for the test's
    worker.run(app, burst=True)
    db.session.expire_all()


# ---------------------------------------------------------------- after the commit

def test_a_deferred_job_goes_out_after_the_commit_and_never_after_a_rollback(queue_app):
    enqueue("anna@example.org", "Sveiki", "Teksts")
    assert queued_paths(queue_app) == []  # not before the transaction is committed
    db.session.rollback()
    assert queued_paths(queue_app) == [] and outbox() == []

    enqueue("anna@example.org", "Sveiki", "Teksts")
    db.session.commit()
    assert queued_paths(queue_app) == ["portal.mail.delivery:deliver_due"]

    work(queue_app)
    [message] = outbox()
    assert message.sent_at is not None and message.claimed_by  # written to the data directory's outbox
    assert (Path(queue_app.config["PORTAL_DATA_DIR"]) / "outbox" / f"{message.id:08d}.eml").is_file()
    assert queued_paths(queue_app) == []


def test_a_job_carries_the_request_id_and_acts_from_the_worker(queue_app, world):
    """A request queues mail; the delivery job it asked for carries the request's id (the proxy's, here)."""
    client = client_for(queue_app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/people/invite", headers={"X-Request-ID": "req-2017-latgale"},
                           data={"name": "Anna Liepa", "email": "anna.liepa@example.org", "role": "member"})
    assert response.status_code == 302 and response.headers["X-Request-ID"] == "req-2017-latgale"
    job = rq(queue_app).get_jobs()[-1]
    assert job.args[0] == "portal.mail.delivery:deliver_due"
    assert job.meta["request_id"] == "req-2017-latgale" and job.args[3] == "req-2017-latgale"
    queued_before = len(rq(queue_app).get_jobs())

    # While a job runs, the id of the request that asked for it is the current one (its log lines carry it).
    token = logs.set_request_id("req-2017-daugavpils")
    try:
        queue.submit(queue_app, "portal.logs:current_request_id")
    finally:
        logs.reset_request_id(token)
    queue.submit(queue_app, "portal.logs:current_request_id")
    ids = [j.id for j in rq(queue_app).get_jobs()]
    work(queue_app)
    results = [Job.fetch(i, connection=queue.redis_connection(queue_app)).return_value() for i in ids]
    assert results[queued_before:] == ["req-2017-daugavpils", ""]
    assert outbox() and all(m.sent_at is not None for m in outbox())


def test_a_failing_job_is_kept_as_failed_and_counted(queue_app):
    from portal.metrics import JOBS

    before = JOBS.labels(job="portal.no_such_module:job", outcome="failed")._value.get()
    queue.submit(queue_app, "portal.no_such_module:job")
    work(queue_app)
    assert JOBS.labels(job="portal.no_such_module:job", outcome="failed")._value.get() == before + 1
    assert len(rq(queue_app).failed_job_registry) + len(rq(queue_app).scheduled_job_registry) == 1  # retried later


def test_without_a_queue_a_deferred_job_runs_in_a_thread_after_the_commit(app):
    enqueue("anna@example.org", "Sveiki", "Teksts")
    db.session.commit()  # MAIL_DELIVER_AFTER_REQUEST is off in the tests: nothing delivered by itself
    queue.defer("portal.mail.delivery:deliver_due")
    db.session.commit()
    for _ in range(1500):  # up to 30 s: on two busy cores the thread can wait its turn for seconds
        sent = outbox()[0].sent_at is not None
        db.session.rollback()  # no read transaction held while waiting: SQLite's writer must get its lock
        if sent:
            break
        time.sleep(0.02)
    assert outbox()[0].sent_at is not None


# ---------------------------------------------------------------- the signing copy

def test_with_a_queue_the_approval_answers_at_once_and_a_worker_certifies(queue_app, world):
    agreement = make_agreement(world, "submitted")
    coordinator = client_for(queue_app, world.coordinator)
    response = coordinator.post(f"/agreements/{agreement.id}/approve?lang=en")
    assert response.status_code == 302
    page = coordinator.get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    assert "The signing copy is being made" in page and 'data-testid="being-certified"' in page
    db.session.expire_all()
    assert agreement.state == "approved" and agreement.certified_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgreementFile)) == 0

    # Nothing to sign yet: no sign link, the sign page sends the representative back, a POST signs nothing.
    representative = client_for(queue_app, world.representative)
    assert 'data-testid="sign-link"' not in representative.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert representative.get(f"/agreements/{agreement.id}/sign").status_code == 302
    representative.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert representative.get(f"/agreements/{agreement.id}/pdf").status_code == 302
    db.session.expire_all()
    assert agreement.signatures == []
    mailed_before = {m.recipient for m in outbox()}

    assert queued_paths(queue_app).count("portal.agreements.certification:make_signing_copy") == 1
    work(queue_app)
    assert agreement.certified_at is not None
    [copy] = db.session.scalars(sa.select(AgreementFile).where(AgreementFile.agreement_id == agreement.id)).all()
    assert (copy.revision, copy.event) == (1, "approved")
    certified = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "agreement.certified"))
    assert certified.actor_id is None and certified.ip == "worker" and copy.sha256 in certified.details
    # Now the representatives are asked to sign (the approving coordinator is not told of their own step).
    asked = {m.recipient for m in outbox()} - mailed_before
    assert "rep@example.org" in asked and world.coordinator.email not in asked

    signed = representative.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert signed.status_code == 302
    db.session.expire_all()
    assert [s.org_id for s in agreement.signatures] == [world.org.id]


def test_two_workers_making_the_same_copy_store_one(queue_app, world):
    agreement = make_agreement(world, "submitted")
    from portal.agreements import services

    services.approve(world.coordinator, agreement)
    db.session.commit()
    queue.submit(queue_app, certification.make_signing_copy, agreement.id)  # the sweep's, say, besides approve's
    work(queue_app)
    assert db.session.scalars(sa.select(AgreementFile.revision).where(AgreementFile.agreement_id == agreement.id)).all() == [1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "agreement.certified")) == 1


# ---------------------------------------------------------------- Redis forgets, the database does not

def test_a_flushed_redis_loses_neither_mail_nor_signing_copies(queue_app, world, redis_server_url, redis_prefix):
    from portal.agreements import services

    agreement = make_agreement(world, "submitted")
    services.approve(world.coordinator, agreement)
    enqueue("anna@example.org", "Sveiki", "Teksts")
    db.session.commit()
    assert len(queued_paths(queue_app)) >= 2
    forget_redis_keys(redis_server_url, redis_prefix)  # FLUSHALL, as far as this test's keys go
    assert queued_paths(queue_app) == []

    queue_app.config["SWEEP_SECONDS"] = 0  # the approval is older than a sweep interval
    time.sleep(0.01)
    runner.run_in_app(queue_app, "portal.mail.delivery:sweep", (), {})
    runner.run_in_app(queue_app, "portal.agreements.certification:sweep", (), {})
    assert sorted(set(queued_paths(queue_app))) == ["portal.agreements.certification:make_signing_copy",
                                                    "portal.mail.delivery:deliver_due"]
    work(queue_app)
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).certified_at is not None
    assert all(m.sent_at is not None for m in outbox())


# ---------------------------------------------------------------- one scheduler leads

def _scheduler(app, parent):
    worker._schedule_periodic_jobs(app, parent)


def test_of_two_schedulers_one_queues_the_periodic_jobs_and_the_other_takes_over(queue_app):
    queue_app.config["SWEEP_SECONDS"] = 1
    context = multiprocessing.get_context("fork")
    first = context.Process(target=_scheduler, args=(queue_app, os.getpid()), daemon=True)
    second = context.Process(target=_scheduler, args=(queue_app, os.getpid()), daemon=True)
    first.start()
    time.sleep(0.5)  # the first takes the lease
    second.start()
    try:
        time.sleep(3.2)
        sweeps = queued_paths(queue_app).count("portal.mail.delivery:sweep")
        assert 3 <= sweeps <= 5, queued_paths(queue_app)  # one a second, from one scheduler (two would give ~8)
        os.kill(first.pid, signal.SIGTERM)  # the leader stops (and gives up its lease)
        first.join(10)
        time.sleep(2.5)
        later = queued_paths(queue_app).count("portal.mail.delivery:sweep")
        assert later >= sweeps + 2, "the standby did not take over"
    finally:
        for process in (first, second):
            if process.is_alive():
                process.terminate()
            process.join(10)
    assert "portal.agreements.schedule:run_daily" not in queued_paths(queue_app)  # at 03:15, not now


def test_portal_worker_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["portal", "worker"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_outbox_rows_keep_their_columns(app):
    """The claim columns exist with safe defaults (the migration and the model agree)."""
    message = enqueue("anna@example.org", "Sveiki", "Teksts")
    db.session.commit()
    db.session.refresh(message)
    assert (message.claimed_by, message.claimed_until, message.failed_at) == ("", None, None)
    assert isinstance(message, OutboxMessage)


def test_every_periodic_job_names_a_function_and_runs_as_a_job(queue_app):
    from portal.jobs.schedule import PERIODIC

    for entry in PERIODIC:
        assert callable(runner.resolve(entry.job)), entry.job
        assert entry.timing(queue_app.config)
    result = runner.run_in_app(queue_app, "portal.agreements.schedule:run_daily", (), {})
    assert result == {"expired": 0, "sign_reminders": 0, "review_reminders": 0, "revoked_after_ca_change": 0,
                      "crl_published": False, "archived": 0,
                      "completion_certificates": 0}  # no CA yet: no CRL to publish


def test_a_request_whose_queue_does_not_answer_still_succeeds_and_its_mail_waits(queue_app, world):
    from .helpers import free_port

    queue_app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # Redis is down
    response = client_for(queue_app, world.representative).post(
        f"/orgs/{world.org.id}/people/invite", data={"name": "Anna Liepa", "email": "anna.liepa@example.org",
                                                     "role": "member"})
    assert response.status_code == 302
    [message] = outbox()
    assert message.sent_at is None and message.attempts == 0  # in the outbox: the sweep sends it later
