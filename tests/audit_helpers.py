"""Helpers of the audit trail's tests (test_audit_actions.py, _chain, _checkpoints, _log_lines,
_coordinator_view): the client's address and a wrong password, a page's text, the newest event's id and the
events since it, events made for the chain, the chain's check, and the fixture `live_loggers`."""
import logging

import pytest
import sqlalchemy as sa

import portal.audit.services as audit_services
from portal.audit.models import AuditEvent
from portal.audit.services import record, verify_chain
from portal.extensions import db

CLIENT_IP = "127.0.0.1"  # the Werkzeug test client's REMOTE_ADDR
WRONG_PASSWORD = "Nepareiza parole Zilonis 9"


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


def make_events(world, n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        events.append(record("test.event", actor=world.member, org=world.org, obj=world.org, n=i, note="ā\r\n"))
        db.session.commit()
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def check() -> audit_services.ChainCheck:
    db.session.commit()  # expire what the session holds: the check must read what is in the database
    return verify_chain()


@pytest.fixture
def live_loggers(monkeypatch):
    """The portal's loggers switched on, whatever disabled them (see test_audit_events_reach_the_log)."""
    for name in ("portal", "portal.audit"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
