"""The audit trail: who did what — each action (membership decisions, invitations, roles, logins, password
changes and resets) writes its row, the time is stored as UTC, and no password appears in any row or log."""
import logging
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.database import utcnow
from portal.extensions import db

from .audit_helpers import CLIENT_IP, WRONG_PASSWORD, events_since, last_id
from .audit_helpers import live_loggers  # noqa: F401  (fixtures)
from .factories import PASSWORD
from .helpers import client_for, link_in, login, outbox

CHANGED_PASSWORD = "Zaļš ozols aug pie upes 1"
RESET_PASSWORD = "Sarkans tilts pār Daugavu 7"
INVITED_PASSWORD = "Kļava zied pavasarī 2024 gadā"


# ---------------------------------------------------------------- each action writes a row

def _approve(app, w):
    client = client_for(app, w.coordinator)
    start = last_id()
    assert client.post(f"/coordination/applications/{w.applicant_org.id}/approve").status_code == 302
    return start, ("org.approved", w.coordinator, w.applicant_org, "ok")


def _reject(app, w):
    client = client_for(app, w.coordinator)
    start = last_id()
    assert client.post(f"/coordination/applications/{w.applicant_org.id}/reject",
                       data={"reason": "Nav NVO"}).status_code == 302
    return start, ("org.rejected", w.coordinator, w.applicant_org, "ok")


def _suspend(app, w):
    client = client_for(app, w.coordinator)
    start = last_id()
    assert client.post(f"/orgs/{w.org.id}/suspend", data={"reason": "Pārbaude"}).status_code == 302
    return start, ("org.suspended", w.coordinator, w.org, "ok")


def _reactivate(app, w):
    client = client_for(app, w.coordinator)
    assert client.post(f"/orgs/{w.org.id}/suspend", data={"reason": "Pārbaude"}).status_code == 302
    start = last_id()
    assert client.post(f"/orgs/{w.org.id}/reactivate").status_code == 302
    return start, ("org.reactivated", w.coordinator, w.org, "ok")


def _invite(app, w):
    client = client_for(app, w.representative)
    start = last_id()
    assert client.post(f"/orgs/{w.org.id}/people/invite",
                       data={"name": "Jauns Biedrs", "email": "new.person@example.org", "role": "member"}
                       ).status_code == 302
    return start, ("person.invited", w.representative, w.org, "ok")


def _role_change(app, w):
    client = client_for(app, w.representative)
    start = last_id()
    assert client.post(f"/orgs/{w.org.id}/people/{w.member.id}/role",
                       data={"role": "representative"}).status_code == 302
    return start, ("person.role_changed", w.representative, w.org, "ok")


def _removal(app, w):
    client = client_for(app, w.representative)
    start = last_id()
    assert client.post(f"/orgs/{w.org.id}/people/{w.member.id}/remove").status_code == 302
    return start, ("person.removed", w.representative, w.org, "ok")


def _login_success(app, w):
    start = last_id()
    login(app.test_client(), w.member.email)
    return start, ("auth.login", w.member, w.org, "ok")


def _login_failure(app, w):
    start = last_id()
    response = app.test_client().post("/login", data={"email": w.member.email, "password": WRONG_PASSWORD})
    assert response.status_code == 200
    return start, ("auth.login", w.member, w.org, "refused")


def _login_failure_unknown_email(app, w):
    start = last_id()
    response = app.test_client().post("/login", data={"email": "nobody@example.org", "password": WRONG_PASSWORD})
    assert response.status_code == 200
    return start, ("auth.login", None, None, "refused")


def _password_change(app, w):
    client = client_for(app, w.member)
    start = last_id()
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": CHANGED_PASSWORD, "confirm": CHANGED_PASSWORD})
    assert response.status_code == 302
    return start, ("auth.password_changed", w.member, w.org, "ok")


def _password_reset(app, w):
    client = app.test_client()
    assert client.post("/password/forgot", data={"email": w.member.email}).status_code == 302
    link = link_in(outbox()[-1].body).replace("http://localhost", "")
    start = last_id()
    response = client.post(link, data={"password": RESET_PASSWORD, "confirm": RESET_PASSWORD})
    assert response.status_code == 302
    return start, ("auth.password_set", w.member, w.org, "ok")


ACTIONS = {
    "approve": _approve, "reject": _reject, "suspend": _suspend, "reactivate": _reactivate, "invite": _invite,
    "role change": _role_change, "removal": _removal, "login success": _login_success,
    "login failure": _login_failure, "login failure, unknown e-mail": _login_failure_unknown_email,
    "password change": _password_change, "password reset": _password_reset,
}


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_writes_an_audit_row(app, world, name):
    started = utcnow()
    start, (action, actor, org, outcome) = ACTIONS[name](app, world)
    finished = utcnow()

    rows = events_since(start, action)
    assert len(rows) == 1, f"{name}: {len(rows)} {action!r} rows"
    row = rows[0]
    assert row.actor_id == (actor.id if actor else None)
    assert row.org_id == (org.id if org else None)
    assert row.outcome == outcome
    assert row.ip == CLIENT_IP
    assert row.created_at.utcoffset() == timedelta(0), "not UTC"
    assert started - timedelta(seconds=1) <= row.created_at <= finished + timedelta(seconds=1)
    assert verify_chain().intact


def test_the_time_is_stored_as_utc(app, world):
    """The stored value itself is UTC, whatever the zone of the database session."""
    start = last_id()
    login(app.test_client(), world.member.email)
    row = events_since(start, "auth.login")[0]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET TIME ZONE 'Asia/Tokyo'"))
        stored = db.session.execute(sa.text(
            "SELECT created_at AT TIME ZONE 'UTC' FROM audit_events WHERE id = :id"), {"id": row.id}).scalar()
    else:
        stored = datetime.fromisoformat(db.session.execute(sa.text(
            "SELECT created_at FROM audit_events WHERE id = :id"), {"id": row.id}).scalar())
    db.session.rollback()
    assert abs(stored.replace(tzinfo=timezone.utc) - row.created_at) < timedelta(microseconds=1)
    assert abs(row.created_at - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_passwords_appear_in_no_audit_row_and_no_log(app, world, caplog, live_loggers):
    caplog.set_level(logging.DEBUG)
    for name in ("login success", "login failure", "password change"):
        ACTIONS[name](app, world)
    _password_reset(app, world)
    # An invitation accepted with a password, and an application with one.
    rep = client_for(app, world.representative)
    rep.post(f"/orgs/{world.org.id}/people/invite",
             data={"name": "Jauns Biedrs", "email": "new.person@example.org", "role": "member"})
    link = link_in(outbox()[-1].body).replace("http://localhost", "")
    assert app.test_client().post(link, data={"password": INVITED_PASSWORD, "confirm": INVITED_PASSWORD}
                                  ).status_code == 302
    apply_password = "Mēness spīd virs Rēzeknes 5"
    assert app.test_client().post("/apply", data={
        "name": "Paroles biedrība", "legal_form": "association", "registration_number": "40008111222",
        "legal_address": "Iela 1", "municipality": "rezekne", "email": "p@example.org", "phone": "", "website": "",
        "description": "Apraksts", "person_name": "Pēteris Paroļņiks", "person_position": "valde",
        "person_email": "peteris@example.org", "password": apply_password}).status_code == 302

    db.session.commit()
    rows = db.session.execute(sa.select(AuditEvent.__table__)).all()
    assert len(rows) >= 8
    actions = {row.action for row in rows}
    assert {"auth.login", "auth.password_changed", "auth.password_set", "org.applied"} <= actions
    secrets = (PASSWORD, WRONG_PASSWORD, CHANGED_PASSWORD, RESET_PASSWORD, INVITED_PASSWORD, apply_password)
    for row in rows:
        text = " ".join(str(value) for value in row).lower()
        for secret in secrets:
            assert secret.lower() not in text, f"a password in audit row {row.id} ({row.action})"
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records).lower()
    for secret in secrets:
        assert secret.lower() not in logged, "a password in the log"
