"""Audit events in the application log: they reach it, and CR/LF in user input cannot forge a log line."""
import logging

import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.extensions import db

from .audit_helpers import check
from .audit_helpers import live_loggers  # noqa: F401  (fixtures)
from .helpers import client_for, login


# ---------------------------------------------------------------- log lines


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
