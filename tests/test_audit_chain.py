"""The audit trail as a tamper-evident chain: intact after many events and under concurrent logins; a raw edit
of any field, a deleted event and a forged one inserted are detected; the ORM refuses to update or delete
events."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.audit.services import GENESIS, AuditLogIsAppendOnly, event_digest
from portal.database import UTCDateTime, utcnow
from portal.extensions import db

from .audit_helpers import CLIENT_IP, WRONG_PASSWORD, check, events_since, last_id, make_events
from .factories import PASSWORD
from .helpers import client_for, login


# ---------------------------------------------------------------- the chain


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
