"""The audit trail: who did what, a tamper-evident chain, and the coordinator's view of it."""
import logging
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

import portal.audit.services as audit_services
from portal.audit.models import AuditEvent
from portal.audit.services import GENESIS, AuditLogIsAppendOnly, event_digest, record, verify_chain
from portal.database import UTCDateTime, utcnow
from portal.extensions import db

from .factories import PASSWORD
from .helpers import client_for, link_in, login, outbox

CLIENT_IP = "127.0.0.1"  # the Werkzeug test client's REMOTE_ADDR
WRONG_PASSWORD = "Nepareiza parole Zilonis 9"
CHANGED_PASSWORD = "Zaļš ozols aug pie upes 1"
RESET_PASSWORD = "Sarkans tilts pār Daugavu 7"
INVITED_PASSWORD = "Kļava zied pavasarī 2024 gadā"


def page(response) -> str:
    return response.get_data(as_text=True)


def last_id() -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def events_since(after_id: int, action: str | None = None) -> list[AuditEvent]:
    db.session.commit()
    query = sa.select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query).all()


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


# ---------------------------------------------------------------- the chain

def make_events(world, n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        events.append(record("test.event", actor=world.member, org=world.org, obj=world.org, n=i, note="ā\r\n"))
        db.session.commit()
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def check() -> audit_services.ChainCheck:
    db.session.commit()  # expire what the session holds: the check must read what is in the database
    return verify_chain()


def test_chain_is_intact_after_many_events(app, world):
    for who in (world.member, world.representative, world.coordinator):
        login(app.test_client(), who.email)
    app.test_client().post("/login", data={"email": world.member.email, "password": WRONG_PASSWORD})
    client_for(app, world.coordinator).post(f"/coordination/applications/{world.applicant_org.id}/approve")
    make_events(world, 150)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    result = check()
    assert result.intact and result.first_broken_id is None
    assert result.events_checked == total > 150
    # Each event names its predecessor's hash; the first names the genesis.
    chain = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert chain[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:]))


TAMPERING = {
    "created_at": lambda ev, w: ev.created_at + timedelta(microseconds=1),
    "actor_id": lambda ev, w: w.other_member.id,
    "actor_id to NULL": lambda ev, w: None,
    "org_id": lambda ev, w: w.other_org.id,
    "action": lambda ev, w: "test.forged",
    "object_type": lambda ev, w: "User",
    "object_id": lambda ev, w: ev.object_id + 1,
    "outcome": lambda ev, w: "refused",
    "ip": lambda ev, w: "10.9.8.7",
    "details": lambda ev, w: '{"n": 0}',
    "prev_hash": lambda ev, w: "f" * 64,
    "hash": lambda ev, w: "e" * 64,
}


@pytest.mark.parametrize("field", TAMPERING)
def test_raw_edit_of_any_field_is_detected_at_that_event(app, world, field):
    events = make_events(world, 10)
    target = events[5]
    column = field.split()[0]
    new_value = TAMPERING[field](target, world)
    assert new_value != getattr(target, column)
    assert check().intact

    statement = sa.text(f"UPDATE audit_events SET {column} = :value WHERE id = :id")
    if column == "created_at":
        statement = statement.bindparams(sa.bindparam("value", type_=UTCDateTime))
    db.session.execute(statement, {"value": new_value, "id": target.id})
    db.session.commit()

    result = check()
    assert not result.intact
    assert result.first_broken_id == target.id


def test_deleting_an_event_in_the_middle_is_detected(app, world):
    events = make_events(world, 10)
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": events[4].id})
    db.session.commit()
    assert check().first_broken_id == events[5].id


# ---------------------------------------------------------------- signed checkpoints

def checkpoint_now():
    from portal.audit.checkpoints import make_checkpoint
    from portal.certificates.services import ensure_authority, network_signer

    ensure_authority()
    checkpoint = make_checkpoint(network_signer())
    db.session.commit()
    return checkpoint


def integrity():
    from portal.coordination.services import audit_integrity

    db.session.commit()
    return audit_integrity()


def test_the_chain_matches_its_signed_checkpoints(app, world):
    make_events(world, 5)
    first = checkpoint_now()
    make_events(world, 3)
    second = checkpoint_now()
    assert second.last_event_id > first.last_event_id
    result = integrity()
    assert result.intact and result.checkpoints.checked == 2 and result.newest.id == second.id


def test_deleting_the_newest_events_is_caught_by_the_checkpoint(app, world):
    events = make_events(world, 6)
    checkpoint_now()
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id >= :id"), {"id": events[-2].id})
    db.session.commit()
    result = integrity()
    assert result.chain.intact, "the hash chain alone cannot see a cut at its end"
    assert not result.checkpoints.intact and "removed" in result.checkpoints.problem


def test_rewriting_an_event_and_recomputing_the_chain_is_caught_by_the_checkpoint(app, world):
    events = make_events(world, 6)
    checkpoint_now()
    # The forger changes event 3 and recomputes every hash after it, so the chain itself is intact again.
    db.session.execute(sa.text("UPDATE audit_events SET outcome = 'refused' WHERE id = :id"), {"id": events[3].id})
    db.session.commit()
    prev_hash = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all():
        db.session.refresh(event)
        digest = event_digest(prev_hash, audit_services._hashed_fields(event))
        db.session.execute(sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"),
                           {"p": prev_hash, "h": digest, "id": event.id})
        prev_hash = digest
    db.session.commit()
    result = integrity()
    assert result.chain.intact
    assert not result.checkpoints.intact and "rewritten" in result.checkpoints.problem


@pytest.mark.parametrize("tamper", ["delete the row", "forge the signature", "change the copy"])
def test_tampering_with_a_checkpoint_itself_shows(app, world, tamper):
    from portal.storage import get_storage

    make_events(world, 4)
    checkpoint = checkpoint_now()
    if tamper == "delete the row":
        db.session.execute(sa.text("DELETE FROM audit_checkpoints"))
    elif tamper == "forge the signature":
        db.session.execute(sa.text("UPDATE audit_checkpoints SET events = events - 1"))
    else:
        key = f"audit/checkpoints/{checkpoint.id:08d}.json"
        get_storage().put(key, get_storage().get(key).replace(checkpoint.last_hash.encode(), b"0" * 64))
    db.session.commit()
    assert not integrity().checkpoints.intact


def test_verify_audit_and_the_page_report_a_checkpoint_mismatch(app, world):
    events = make_events(world, 5)
    checkpoint_now()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["portal", "verify-audit"]).exit_code == 0
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": events[-1].id})
    db.session.commit()
    result = runner.invoke(args=["portal", "verify-audit"])
    assert result.exit_code == 1 and "removed" in result.output
    html = page(client_for(app, world.coordinator).get("/coordination/audit"))
    assert 'data-testid="checkpoint-state"' in html and "state-rejected" in html.split('data-testid="checkpoint-state"')[0][-60:]


def _insert_forged(values: dict) -> None:
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    statement = sa.text(f"INSERT INTO audit_events ({columns}) VALUES ({params})").bindparams(
        sa.bindparam("created_at", type_=UTCDateTime))
    db.session.execute(statement, values)
    db.session.commit()


@pytest.mark.parametrize("forgery", ["made-up hash", "hash of the wrong predecessor"])
def test_inserting_a_forged_event_is_detected(app, world, forgery):
    events = make_events(world, 5)
    last = events[-1]
    fields = {
        "created_at": utcnow(), "actor_id": world.coordinator.id, "org_id": world.org.id,
        "action": "org.approved", "object_type": "Organization", "object_id": world.org.id, "outcome": "ok",
        "ip": CLIENT_IP, "details": "{}",
    }
    if forgery == "made-up hash":
        prev_hash, digest = last.hash, "ab" * 32
    else:  # a well-formed event that claims to follow another one
        prev_hash = events[2].hash
        digest = event_digest(prev_hash, {**fields, "created_at": fields["created_at"].isoformat(
            timespec="microseconds")})
    forged_id = last.id + 1000
    _insert_forged({"id": forged_id, **fields, "prev_hash": prev_hash, "hash": digest})
    assert check().first_broken_id == forged_id


def test_orm_update_of_an_event_raises(app, world):
    event = make_events(world, 3)[1]
    event.outcome = "refused"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).outcome == "ok"
    assert check().intact


def test_orm_delete_of_an_event_raises(app, world):
    event = make_events(world, 3)[1]
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None
    assert check().intact


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_orm_bulk_update_or_delete_of_events_raises(app, world, statement):
    """`session.execute(update(AuditEvent))` is an ORM statement too, and skips the per-object hooks."""
    event = make_events(world, 3)[1]
    if statement == "update":
        stmt = sa.update(AuditEvent).where(AuditEvent.id == event.id).values(outcome="refused")
    else:
        stmt = sa.delete(AuditEvent).where(AuditEvent.id == event.id)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(stmt)
    db.session.rollback()
    assert check().intact


# ---------------------------------------------------------------- log lines

@pytest.fixture
def live_loggers(monkeypatch):
    """The portal's loggers switched on, whatever disabled them (see test_audit_events_reach_the_log)."""
    for name in ("portal", "portal.audit"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


def test_audit_events_reach_the_log(app, world, caplog):
    """Running the migrations in-process must not silence the audit logger (Alembic's fileConfig
    disables every logger that exists already unless told disable_existing_loggers=False)."""
    caplog.set_level(logging.INFO, logger="portal.audit")
    login(app.test_client(), world.member.email)
    assert not logging.getLogger("portal.audit").disabled, "the portal.audit logger is disabled"
    assert [r for r in caplog.records if r.name == "portal.audit" and "auth.login" in r.getMessage()]


def test_cr_lf_in_user_input_cannot_forge_a_log_line(app, world, caplog, live_loggers):
    caplog.set_level(logging.INFO, logger="portal.audit")
    forged = "\r\nINFO portal.audit audit 'auth.login' actor=1 org=1 outcome='ok'\n"
    client = app.test_client()
    client.post("/login", data={"email": f"x@example.org{forged}FAKE audit line", "password": "x"})
    client.post("/login", data={"email": f"{world.member.email}{forged}", "password": f"x{forged}"})
    client.post("/password/forgot", data={"email": f"x@example.org{forged}"})
    client.post("/apply", data={
        "name": f"Biedrība{forged}", "legal_form": "association", "registration_number": "40008333444",
        "legal_address": f"Iela 1{forged}", "municipality": "rezekne", "email": "crlf@example.org", "phone": "",
        "website": "", "description": f"Apraksts{forged}", "person_name": f"Ānis{forged}",
        "person_position": f"valde{forged}", "person_email": "crlf.person@example.org",
        "password": "Mēness spīd virs Rēzeknes 5"})
    rep = client_for(app, world.representative)
    rep.post(f"/orgs/{world.org.id}/edit", data={
        "name": f"Baltā māja{forged}", "legal_form": "association",
        "registration_number": world.org.registration_number,
        "legal_address": "Iela", "municipality": "livanu", "email": "balta@example.org", "phone": "", "website": "",
        "description": "Apraksts"})
    client_for(app, world.coordinator).post(f"/orgs/{world.other_org.id}/suspend", data={"reason": f"r{forged}"})

    records = [r for r in caplog.records if r.name.startswith("portal.audit")]
    assert len(records) >= 6
    for record_ in records:
        message = record_.getMessage()
        assert "\n" not in message and "\r" not in message, f"a multi-line log record: {message!r}"
    formatted = logging.Formatter("%(levelname)s %(name)s %(message)s")
    assert all(len(formatted.format(r).splitlines()) == 1 for r in records)
    # …and the audit table got one row per event, not extra ones built from the input.
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "test.forged")) == 0
    assert check().intact


# ---------------------------------------------------------------- the coordinator's page

def _markers(html: str) -> set[str]:
    return set(re.findall(r"MRK\d+Z", html))


@pytest.fixture
def dated_events(world, monkeypatch):
    """Events on chosen days (recorded through the service, so the chain stays intact)."""
    spec = [  # marker, action, actor, org, day
        ("MRK1Z", "test.alpha", world.member, world.org, "2024-03-01"),
        ("MRK2Z", "test.alpha", world.other_member, world.other_org, "2024-03-05"),
        ("MRK3Z", "test.beta", world.member, world.org, "2024-03-10"),
        ("MRK4Z", "test.beta", world.coordinator, world.coord_org, "2024-03-05"),
        ("MRK5Z", "test.gamma", world.representative, world.org, "2024-03-05"),
        ("MRK6Z", "test.gamma", None, world.other_org, "2024-02-29"),
    ]
    events = []
    for marker, action, actor, org, day in spec:
        when = datetime.fromisoformat(day).replace(hour=11, minute=30, tzinfo=timezone.utc)
        monkeypatch.setattr(audit_services, "utcnow", lambda when=when: when)
        record(action, actor=actor, org=org, marker=marker)
        events.append(dict(marker=marker, action=action, actor=actor, org=org, day=day))
    monkeypatch.undo()
    db.session.commit()
    return events


def _expect(events, keep) -> set[str]:
    return {e["marker"] for e in events if keep(e)}


def test_audit_page_lists_events_and_filters_them(app, world, dated_events):
    client = client_for(app, world.coordinator)
    ev = dated_events
    member_email = world.member.email
    cases = [
        ({}, _expect(ev, lambda e: True)),
        ({"action": "test.alpha"}, _expect(ev, lambda e: e["action"] == "test.alpha")),
        ({"action": "test.gamma"}, _expect(ev, lambda e: e["action"] == "test.gamma")),
        ({"org": str(world.org.id)}, _expect(ev, lambda e: e["org"] is world.org)),
        ({"org": str(world.other_org.id)}, _expect(ev, lambda e: e["org"] is world.other_org)),
        ({"actor": member_email}, _expect(ev, lambda e: e["actor"] is world.member)),
        ({"actor": member_email.upper()}, _expect(ev, lambda e: e["actor"] is world.member)),
        ({"actor": "other@"}, _expect(ev, lambda e: e["actor"] is world.other_member)),
        ({"from": "2024-03-02", "to": "2024-03-05"}, _expect(ev, lambda e: "2024-03-02" <= e["day"] <= "2024-03-05")),
        ({"from": "2024-03-05", "to": "2024-03-05"}, _expect(ev, lambda e: e["day"] == "2024-03-05")),
        ({"from": "2024-03-06"}, _expect(ev, lambda e: e["day"] >= "2024-03-06")),
        ({"to": "2024-03-01"}, _expect(ev, lambda e: e["day"] <= "2024-03-01")),
        ({"action": "test.alpha", "org": str(world.org.id)},
         _expect(ev, lambda e: e["action"] == "test.alpha" and e["org"] is world.org)),
        ({"action": "test.beta", "actor": member_email, "from": "2024-03-01", "to": "2024-03-31"},
         _expect(ev, lambda e: e["action"] == "test.beta" and e["actor"] is world.member)),
        ({"action": "no.such.action"}, set()),
    ]
    assert len(cases[0][1]) == 6
    for params, expected in cases:
        response = client.get("/coordination/audit", query_string=params)
        assert response.status_code == 200, params
        assert _markers(page(response)) == expected, params


def test_audit_page_shows_real_events_with_their_people(app, world):
    client = client_for(app, world.coordinator)
    app.test_client().post("/login", data={"email": world.member.email, "password": WRONG_PASSWORD})
    html = page(client.get("/coordination/audit", query_string={"action": "auth.login"}))
    assert world.member.email in html and world.coordinator.email in html
    assert "refused" in html and CLIENT_IP in html
    assert world.member.email not in page(client.get(
        "/coordination/audit", query_string={"action": "auth.login", "actor": world.coordinator.email}))


def _chain_state(html: str) -> tuple[str, str]:
    match = re.search(r'<span class="([^"]*)" data-testid="chain-state">([^<]*)</span>', html)
    assert match, "no chain state on the page"
    return match.group(1), match.group(2)


def test_audit_page_shows_a_broken_chain(app, world):
    events = make_events(world, 6)
    client = client_for(app, world.coordinator)
    css, text = _chain_state(page(client.get("/coordination/audit")))
    assert "state-active" in css and "state-rejected" not in css

    target = events[3]
    db.session.execute(sa.text("UPDATE audit_events SET outcome = 'refused' WHERE id = :id"), {"id": target.id})
    db.session.commit()

    css, text = _chain_state(page(client.get("/coordination/audit")))
    assert "state-rejected" in css and "state-active" not in css
    assert re.search(rf"\b{target.id}\b", text), text


@pytest.mark.parametrize("role", ["member", "representative", "other"])
def test_audit_page_is_for_coordinators_only(app, world, role):
    assert client_for(app, world.user(role)).get("/coordination/audit").status_code == 403
    assert client_for(app, world.user(role)).get(
        "/coordination/audit", query_string={"action": "auth.login"}).status_code == 403


def test_audit_page_needs_login(app, world):
    response = app.test_client().get("/coordination/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------- concurrency

def test_concurrent_logins_leave_an_intact_chain(app, world):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # 20 logins from one test IP
    people = [world.member, world.other_member]
    emails = [p.email for p in people]
    start = last_id()
    db.session.commit()

    barrier = threading.Barrier(len(emails))
    results: dict[str, list] = {email: [] for email in emails}

    def log_in_ten_times(email):
        try:
            barrier.wait(timeout=30)
            for _ in range(10):
                response = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
                results[email].append(response.status_code)
        except Exception as exc:  # reported below
            results[email].append(repr(exc))

    threads = [threading.Thread(target=log_in_ten_times, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert results == {email: [302] * 10 for email in emails}
    logins = events_since(start, "auth.login")
    assert len(logins) == 20 and all(e.outcome == "ok" for e in logins)
    assert {e.actor_id for e in logins} == {p.id for p in people}
    result = check()
    assert result.intact, f"chain broken at {result.first_broken_id}"
    hashes = db.session.scalars(sa.select(AuditEvent.prev_hash)).all()
    assert len(hashes) == len(set(hashes)), "two events claim the same predecessor"
