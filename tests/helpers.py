"""Talking to the app as a browser would: a CSRF-aware client, logging in, the outbox, links in mails."""
import contextvars
import hashlib
import os
import re
import socket
from pathlib import Path

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.extensions import db

from .factories import PASSWORD


def make_config(database_url: str, data_dir: Path) -> dict:
    return {
        "SECRET_KEY": "tests-only",
        "PORTAL_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_DATA_DIR": str(data_dir),
        "BASE_URL": "http://localhost",
        "NETWORK_NAME": "Latgales biedrību tīklojums",
        "SESSION_COOKIE_SECURE": False,
        "MAIL_DELIVER_AFTER_REQUEST": False,
        "WEBHOOK_DELIVER_AFTER_COMMIT": False,  # tests call portal.api.delivery.deliver_due() themselves
        "MAIL_FROM": "portal@localhost",
        "SMTP_HOST": "",
        "SMTP_PORT": 25,
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
    }


class CsrfClient(FlaskClient):
    """Adds a valid CSRF token to every form POST, as a browser would; csrf=False leaves it out."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = session["csrf_token"]
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):
        with_csrf = kwargs.pop("csrf", True)
        if kwargs.get("method") == "POST" and with_csrf and not kwargs.get("json"):
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        # The test's own transaction ends first (as a person's earlier page view would have),
        # then the request runs in a context of its own: its own app context, `g` and database
        # session, exactly as in production rather than sharing the test's.
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return response


def client_for(app, user) -> CsrfClient:
    c = app.test_client()
    if user is not None:
        login(c, user.email)
    return c


def outbox():
    from portal.mail.models import OutboxMessage

    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, f"no link in mail body: {body!r}"
    return match.group(0)


MAIL_ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "mails"


def save_mail(message, folder: Path) -> Path:
    """Writes an outbox message as .txt, .html and .eml under `folder`, for a reviewer to read."""
    from portal.mail.services import build_email

    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"\W+", "-", message.subject.lower()).strip("-")[:50]
    stem = folder / f"{message.id:03d}-{slug}"
    stem.with_suffix(".txt").write_text(f"To: {message.recipient}\nSubject: {message.subject}\n\n{message.body}")
    stem.with_suffix(".html").write_text(message.html_body)
    stem.with_suffix(".eml").write_bytes(bytes(build_email(message)))
    return stem


def fresh_postgres_database(server_url: str, name: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_redis_keys(url: str, prefix: str) -> None:
    """Removes what a test left in Redis: every key naming its prefix (queue, registries, jobs, limits), and
    the jobs its queue's registries list (RQ names those by id)."""
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(url)
    queue = Queue(prefix, connection=connection)
    registries = (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry,
                  queue.scheduled_job_registry, queue.deferred_job_registry, queue.canceled_job_registry)
    job_ids = set(queue.get_job_ids())
    for registry in registries:
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:job:{job_id}:dependents")
    keys = list(connection.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        connection.delete(*keys)
    connection.close()


def commit_as_another_server(change) -> None:
    """`change(session)` committed through an engine of its own, as another app server would (this process's
    session is put away first, so nothing of it is held)."""
    db.session.remove()
    other_server = sa.create_engine(db.engine.url.render_as_string(hide_password=False))
    try:
        with Session(other_server) as session:
            change(session)
            session.commit()
    finally:
        other_server.dispose()
