"""Scaled out: two app servers (gunicorn, 2 workers each, on two ports) and two `portal worker`s, on one
PostgreSQL, one Redis (a key prefix of this run's own), one S3-compatible store (moto's server) and an SMTP
server (aiosmtpd) that is down at first. Sessions, rate limits, files and jobs must not care which process
serves a person."""
import json
import os
import time

import boto3
import pytest
import sqlalchemy as sa

from portal import create_app
from portal.agreements.models import Agreement
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.services import enqueue
from portal.signing.verify import verify_pdf

from .cluster import METRICS_TOKEN, SECRET_KEY, Cluster, Visitor, metric, wait_for
from .factories import PASSWORD, build_world, make_agreement, small_jpeg
from .helpers import forget_redis_keys, fresh_postgres_database, make_config

pytestmark = pytest.mark.production


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_server_url, redis_server_url, s3_server):
    root = tmp_path_factory.mktemp("scale-out")
    database_url = fresh_postgres_database(postgres_server_url, f"portal_scale_{os.getpid()}")
    prefix = f"portal-scale-{os.getpid()}"
    bucket = f"portal-scale-{os.getpid()}"
    boto3.client("s3", endpoint_url=s3_server).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    cluster = Cluster.environment(root, database_url=database_url, redis_url=redis_server_url, prefix=prefix,
                                  s3_endpoint=s3_server, bucket=bucket)
    try:
        cluster.init()
        cluster.start(servers=2, workers=2, workers_each=2)
        yield cluster
    finally:
        cluster.stop()
        forget_redis_keys(redis_server_url, prefix)


@pytest.fixture(scope="module")
def portal_app(cluster):
    """The portal as the tests see it: the cluster's database, Redis and store, from this process."""
    env = cluster.env
    app = create_app(make_config(env["DATABASE_URL"], cluster.root / "test-data") | {
        "SECRET_KEY": SECRET_KEY, "REDIS_URL": env["REDIS_URL"], "REDIS_KEY_PREFIX": env["REDIS_KEY_PREFIX"],
        "STORAGE_URL": env["STORAGE_URL"], "S3_ENDPOINT_URL": env["S3_ENDPOINT_URL"],
        "MAIL_DELIVER_AFTER_REQUEST": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(portal_app):
    made = build_world()
    db.session.commit()
    return made


def servers(cluster):
    return [server.url for server in cluster.servers]


def test_a_person_logs_in_through_one_server_and_goes_on_through_the_other(cluster, world):
    one, two = servers(cluster)
    person = Visitor("198.51.100.11")
    person.log_in(one, world.member.email, PASSWORD)
    account = person.get(f"{two}/account")
    assert account.status_code == 200 and world.member.name in account.text
    # … and what they change through server 2 is what server 1 shows.
    changed = person.post_form(f"{two}/account", f"{two}/account", {
        "name": world.member.name, "position": "valdes locekļa vietnieks", "locale": "lv"})
    assert changed.status_code == 302
    assert "valdes locekļa vietnieks" in person.get(f"{one}/account").text
    # Logging out on one server ends the session on both.
    person.post_form(f"{one}/account", f"{one}/logout", {})
    assert person.get(f"{two}/account").status_code == 302


def test_the_login_limit_counts_attempts_through_both_servers_together(cluster):
    one, two = servers(cluster)
    stranger = Visitor("198.51.100.12")
    answers = []
    for attempt in range(31):  # LOGIN_FAILURE_RATE_LIMIT: 30 failed logins in 10 minutes from one address
        server = (one, two)[attempt % 2]
        answers.append(stranger.post_form(f"{server}/login", f"{server}/login",
                                          {"email": f"nobody{attempt}@example.org", "password": "wrong password 99"})
                       .status_code)
    assert answers[:30] == [200] * 30  # each server saw 15 or 16: neither alone reached 30
    assert answers[30] == 429
    assert Visitor("198.51.100.13").get(f"{one}/login").status_code == 200  # another address is not limited


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(cluster, world):
    one, two = servers(cluster)
    member = Visitor("198.51.100.14")
    member.log_in(one, world.member.email, PASSWORD)
    resource = f"/resources/{world.resource.id}"
    photo = small_jpeg((30, 120, 200))
    uploaded = member.post_form(f"{one}{resource}", f"{one}{resource}/photos", {},
                                files={"photo": ("zale.jpg", photo, "image/jpeg")})
    assert uploaded.status_code == 302
    db.session.expire_all()
    stored = world.resource.photos[-1]
    served = member.get(f"{two}{resource}/photos/{stored.id}/full.jpg")
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.content[:2] == b"\xff\xd8" and len(served.content) > 100
    in_the_bucket = boto3.client("s3", endpoint_url=cluster.env["S3_ENDPOINT_URL"]).get_object(
        Bucket=cluster.env["STORAGE_URL"].split("/")[2], Key=f"portal/photos/{stored.sha256[:2]}/{stored.sha256}.full.jpg")
    assert served.content == in_the_bucket["Body"].read()  # what server 1 stored, not a copy on its disk
    assert member.get(f"{two}{resource}/photos/{stored.id}/thumb.jpg").status_code == 200


def test_an_agreement_approved_through_server_2_is_certified_by_a_worker_and_signed_through_server_1(cluster, world):
    one, two = servers(cluster)
    agreement = make_agreement(world, "submitted")
    db.session.commit()
    page = f"/agreements/{agreement.id}"
    coordinator = Visitor("198.51.100.15")
    coordinator.log_in(two, world.coordinator.email, PASSWORD)
    approved = coordinator.post_form(f"{two}{page}", f"{two}{page}/approve", {},
                                     headers={"X-Request-ID": "scale-approve-2017"})
    assert approved.status_code == 302 and approved.headers["X-Request-ID"] == "scale-approve-2017"

    def certified():
        db.session.expire_all()
        return db.session.get(Agreement, agreement.id).certified_at

    wait_for(certified, "a worker to certify the signing copy", timeout=60)
    representative = Visitor("198.51.100.16")
    representative.log_in(one, world.representative.email, PASSWORD)
    signed = representative.post_form(f"{one}{page}/sign", f"{one}{page}/sign", {
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert signed.status_code == 302
    pdf = representative.get(f"{two}{page}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    from portal.certificates.services import network_trust_roots

    report = verify_pdf(pdf.content, network_trust_roots())
    assert report.ok, report
    assert [s.is_certification for s in report.signatures] == [True, False]

    # The worker's log line for the job carries the id of the request that asked for it.
    def job_line():
        for worker in cluster.workers:
            for line in worker.log.read_text().splitlines():
                entry = json.loads(line) if line.startswith("{") else {}
                if entry.get("request_id") == "scale-approve-2017" and "make_signing_copy done" in entry.get("message", ""):
                    return entry
        return None

    assert wait_for(job_line, "the job's log line", timeout=10)["logger"] == "portal.jobs.runner"


def test_200_mails_queued_while_smtp_is_down_are_each_delivered_once_by_both_workers(cluster, world):
    recipients = [f"bulk{n:03d}@example.org" for n in range(200)]
    for address in recipients:
        enqueue(address, f"Ziņa {address}", "Sveiki!\n")
    db.session.commit()  # one transaction: the delivery job goes out after it

    def every_one_tried():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient.in_(recipients), OutboxMessage.attempts >= 1)) == 200

    wait_for(every_one_tried, "a first (failed) attempt at every mail", timeout=60)
    cluster.smtp.start()

    def all_sent():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient.in_(recipients), OutboxMessage.sent_at.is_not(None))) == 200

    wait_for(all_sent, "every mail to be sent", timeout=90)
    time.sleep(2.5)  # two more sweeps: nothing is sent again
    counts = cluster.smtp.mailbox.counts()
    assert {address: counts[address] for address in recipients} == dict.fromkeys(recipients, 1)
    senders = set(db.session.scalars(sa.select(OutboxMessage.claimed_by).where(OutboxMessage.recipient.in_(recipients))))
    pids = {int(sender.rsplit(":", 1)[1]) for sender in senders}
    assert pids == {worker.pid for worker in cluster.workers}, senders  # both workers sent some

    # Each worker counts what it sent (portal worker serves its own metrics).
    sent = sum(metric(requests_get(f"{worker.url}/metrics"), "portal_mails_total", outcome="sent")
               for worker in cluster.workers)
    assert sent >= 200


def requests_get(url: str, **kwargs) -> str:
    import requests

    response = requests.get(url, timeout=30, **kwargs)
    assert response.status_code == 200, url
    return response.text


def test_a_worker_killed_in_the_middle_of_a_job_loses_nothing(cluster, world):
    """The SMTP server holds one delivery; the worker sending it is killed (SIGKILL, its whole process group);
    when its claim runs out the sweep hands the mail to the other worker, which sends it once."""
    cluster.smtp.start()  # up, whether or not the 200-mail test (which starts it) ran first in this process
    mailbox = cluster.smtp.mailbox
    mailbox.release.clear()
    mailbox.stalled.clear()
    mailbox.stall_recipient = "held@example.org"
    message = enqueue("held@example.org", "Aizturēta vēstule", "Sveiki!\n")
    db.session.commit()
    assert mailbox.stalled.wait(30), "no worker started the delivery"
    db.session.expire_all()
    sender = db.session.get(OutboxMessage, message.id).claimed_by
    victim = cluster.worker_with_pid(int(sender.rsplit(":", 1)[1]))
    survivor = cluster.workers[1 - victim]
    cluster.workers[victim].kill()
    mailbox.release.set()

    def sent():
        db.session.expire_all()
        return db.session.get(OutboxMessage, message.id).sent_at

    wait_for(sent, "the other worker to send the held mail", timeout=60)
    time.sleep(1.5)
    assert mailbox.counts()["held@example.org"] == 1
    db.session.expire_all()
    delivered = db.session.get(OutboxMessage, message.id)
    assert delivered.claimed_by.endswith(f":{survivor.pid}") and delivered.attempts == 1


def test_metrics_add_up_over_the_gunicorn_workers(cluster):
    one = cluster.servers[0].url
    scrape = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    before = metric(requests_get(f"{one}/metrics", headers=scrape), "portal_http_requests_total",
                    route="/orgs", status="200")
    for _ in range(12):
        requests_get(f"{one}/orgs")
    after = metric(requests_get(f"{one}/metrics", headers=scrape), "portal_http_requests_total",
                   route="/orgs", status="200")
    assert after - before == 12
