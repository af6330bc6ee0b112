"""What operations read: /healthz (alive) and /readyz (ready), /metrics behind a token, request ids, JSON logs."""
import io
import json
import logging
import re

import pytest
import sqlalchemy as sa

from portal import logs
from portal.extensions import db

from .factories import PASSWORD, make_agreement
from .helpers import client_for, free_port


# ---------------------------------------------------------------- alive and ready

def test_healthz_asks_nothing_readyz_asks_the_database_redis_and_storage(app, client, queue_app):
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    body = ready.get_json()
    assert body["database"]["at_head"] and body["redis"] == {"ok": True, "configured": True}
    assert body["storage"]["ok"]

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    down = client.get("/readyz")
    assert down.status_code == 503 and down.get_json()["redis"]["ok"] is False
    assert down.get_json()["status"] == "error"
    assert client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_schema_is_not_at_the_codes_head(app, client):
    (revision,) = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).one()
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0007_certificates'"))
    db.session.commit()
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.get_json()["database"] | {"engine": None} == {
            "ok": False, "at_head": False, "revision": ["0007_certificates"], "engine": None}
    finally:
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        db.session.commit()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_file_store_is_missing(app, client, tmp_path):
    app.config["STORAGE_URL"] = f"file://{tmp_path / 'not-mounted'}"
    missing = client.get("/readyz")
    assert missing.status_code == 503 and missing.get_json()["storage"]["ok"] is False
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


# ---------------------------------------------------------------- metrics

def scrape(client, token="s3cret-scrape-token"):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def sample(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name}{{{wanted}}} in the scrape")


def test_metrics_need_the_token_and_count_requests_mails_and_signatures(app, world):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # no token configured: no metrics page
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 403
    assert scrape(client, "wrong").status_code == 403

    first = scrape(client).get_data(as_text=True)
    for _ in range(3):
        client.get("/login")
    client.get("/no-such-page")
    agreement = make_agreement(world, "approved")
    representative = client_for(app, world.representative)
    signed = representative.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert signed.status_code == 302
    representative.post(f"/agreements/{agreement.id}/sign", data={  # refused: already signed, counts nothing
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    response = scrape(client)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)

    def grew(name, **labels):
        try:
            before = sample(first, name, **labels)
        except AssertionError:
            before = 0.0
        return sample(text, name, **labels) - before

    assert grew("portal_http_requests_total", method="GET", route="/login", status="200") == 3
    assert grew("portal_http_requests_total", method="GET", route="(no route)", status="404") == 1
    assert grew("portal_http_request_duration_seconds_count", method="GET", route="/login") == 3
    assert grew("portal_signatures_total", method="portal") == 1
    assert "portal_jobs_total" in text and "portal_mails_total" in text


# ---------------------------------------------------------------- request ids

def test_every_answer_carries_a_request_id_and_a_sane_one_from_the_proxy_is_kept(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a.1"}).headers["X-Request-ID"] == "nginx-7f3a.1"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\" injected=1 " + "y" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])
    assert client.get("/no-such-page", headers={"X-Request-ID": "r-404"}).headers["X-Request-ID"] == "r-404"


def test_json_logs_are_one_object_per_line_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("portal.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        token = logs.set_request_id("req-42")
        try:
            logger.warning("mail %s to %s: attempt failed", 7, "anna@example.org\nforged line")
        finally:
            logs.reset_request_id(token)
        access = logging.getLogger("gunicorn.access")
        access.addHandler(handler)
        access.propagate = False
        access.setLevel(logging.INFO)
        access.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": "GET /login HTTP/1.1", "s": "200", "m": "GET",
                                           "U": "/login", "B": 512, "M": 12, "a": "curl", "{x-request-id}o": "req-43"})
    finally:
        for name in ("portal.test-json", "gunicorn.access"):
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).propagate = True
            logging.getLogger(name).setLevel(logging.NOTSET)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "mail 7 to anna@example.org\nforged line: attempt failed"
    assert first["level"] == "WARNING" and first["logger"] == "portal.test-json" and first["request_id"] == "req-42"
    assert first["time"]
    assert second["path"] == "/login" and second["status"] == "200" and second["request_id"] == "req-43"
