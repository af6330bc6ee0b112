"""Signing an agreement: a wrong password, name or missing consent stores nothing (also over HTTP, keeping
what was typed); a signature records who, when and where, and the last one puts the agreement in force;
every step notifies the parties and is audited. Every test runs on SQLite and PostgreSQL."""
import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.agreements import services
from portal.origin import Origin, acting_from
from portal.agreements.models import APPROVED, IN_FORCE, Agreement
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.errors import RuleViolation
from portal.extensions import db

from .agreement_helpers import (RETURN_COMMENT, audit_actions, edit, field_errors, files_of, input_value,
                                last_mail_id, mail_since, notified, sign_all, sign_as, signatures_of)
from .agreement_helpers import positions  # noqa: F401  (fixtures)
from .factories import PASSWORD, make_agreement
from .helpers import client_for


# ================================================================ 4. signing

def test_wrong_password_name_or_missing_consent_store_nothing(world):
    agreement = make_agreement(world, "approved")
    cases = [
        (dict(password="not the password"), "password"),
        (dict(password=""), "password"),
        (dict(typed_name="Inga Badune"), "typed_name"),
        (dict(typed_name=""), "typed_name"),
        (dict(consent=False), "consent"),
    ]
    for overrides, field in cases:
        with pytest.raises(RuleViolation) as refused:
            sign_as(world.representative, agreement, **overrides)
        assert refused.value.field == field, overrides
        assert signatures_of(agreement.id) == [], overrides
        assert [f.revision for f in files_of(agreement.id)] == [1], overrides
        assert "agreement.signed" not in audit_actions(agreement), overrides
    assert agreement.state == APPROVED
    # The name is compared ignoring case and spacing.
    sign_as(world.representative, agreement, typed_name="  inguna   BADUNE ")
    assert len(signatures_of(agreement.id)) == 1


def test_signing_over_http_with_errors_keeps_the_typing_and_stores_nothing(app, world):
    agreement = make_agreement(world, "approved")
    client = client_for(app, world.representative)
    url = f"/agreements/{agreement.id}/sign?lang=en"
    response = client.post(url, data={"password": "wrong", "typed_name": "Inguna Badune", "consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "password") == ["The password is not right."]
    assert input_value(html, "typed_name") == "Inguna Badune"
    assert input_value(html, "password") == ""
    response = client.post(url, data={"password": PASSWORD, "typed_name": "Inguna Badune"})
    assert field_errors(response.get_data(as_text=True), "consent")
    response = client.post(url, data={"password": PASSWORD, "typed_name": "I. Badune", "consent": "y"})
    assert field_errors(response.get_data(as_text=True), "typed_name")
    db.session.expire_all()
    assert signatures_of(agreement.id) == [] and len(files_of(agreement.id)) == 1
    assert db.session.get(Agreement, agreement.id).state == APPROVED


def test_a_signature_records_who_when_where_and_the_last_one_puts_it_in_force(app, positions):
    world = positions
    agreement = make_agreement(world, "approved")
    db.session.commit()
    moment = datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)
    with acting_from(Origin(ip="192.0.2.7", user_agent="Firefox/140.0")):
        first = sign_as(world.representative, agreement, now=moment)
    assert (first.org_id, first.user_id, first.typed_name, first.position, first.method) == (
        world.org.id, world.representative.id, "Inguna Badune", "valdes priekšsēdētāja", "portal")
    assert (first.ip_address, first.user_agent) == ("192.0.2.7", "Firefox/140.0")
    assert first.signed_at == moment
    assert agreement.state == APPROVED
    db.session.commit()

    # The second party signs through the web page: the IP address and the browser are the request's.
    mark = last_mail_id()
    client = client_for(app, world.coordinator)
    response = client.post(f"/agreements/{agreement.id}/sign?lang=en",
                           data={"password": PASSWORD, "typed_name": "Maija Burima", "consent": "y"},
                           headers={"User-Agent": "Mozilla/5.0 (X11) Testa pārlūks"},
                           environ_base={"REMOTE_ADDR": "198.51.100.23"})
    assert response.status_code == 302
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    second = signatures_of(agreement.id)[1]
    assert (second.user_id, second.position, second.ip_address, second.user_agent) == (
        world.coordinator.id, "valdes loceklis", "198.51.100.23", "Mozilla/5.0 (X11) Testa pārlūks")
    assert datetime.now(timezone.utc) - second.signed_at < timedelta(minutes=1)
    assert agreement.state == IN_FORCE and agreement.in_force_at == second.signed_at

    revisions = files_of(agreement.id)
    # In force, the document of record is extended to B-LTA (validation data and a document time-stamp).
    assert [(f.revision, f.event) for f in revisions] == [(1, "approved"), (2, "signed"), (3, "signed"), (4, "lta")]
    assert all(later.data.startswith(earlier.data) for earlier, later in zip(revisions, revisions[1:]))
    for stored in revisions:
        assert stored.sha256 == hashlib.sha256(stored.data).hexdigest()

    # The parties' people hear of it in the portal (the one who signed last does not), and the
    # representatives and the drafter by e-mail.
    party_people = {world.representative.id, world.member.id, world.coordinator.id}
    assert set(notified("agreement_in_force")) == party_people - {world.coordinator.id}
    assert set(notified("agreement_signed")) >= {world.member.id, world.coordinator.id}
    mailed = [m.recipient for m in mail_since(mark)]
    assert "rep@example.org" in mailed and "coordinator@example.org" not in mailed
    assert "other@example.org" not in mailed and "other.rep@example.org" not in mailed

    # Every step is an audit event, in order, with who did it, in an intact chain.
    assert audit_actions(agreement) == ["agreement.drafted", "agreement.submitted", "agreement.approved",
                                        "agreement.certified", "agreement.signed", "agreement.signed", "agreement.in_force",
                                        "agreement.archived", "agreement.completion_certified"]
    signed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "agreement.signed", AuditEvent.object_id == agreement.id).order_by(AuditEvent.id)).all()
    assert [e.actor_id for e in signed] == [world.representative.id, world.coordinator.id]
    assert json.loads(signed[1].details)["sha256"] == revisions[2].sha256
    assert verify_chain().intact


def test_every_step_notifies_the_parties_and_is_audited(world):
    mark = last_mail_id()
    agreement = make_agreement(world, "draft", partner=world.other_org)
    assert notified("agreement_drafted") == sorted([world.member.id, world.other_representative.id,
                                                    world.other_member.id])
    assert "other.rep@example.org" in [m.recipient for m in mail_since(mark)]

    services.add_comment(world.other_member, agreement, "Vai 2. punktu var precizēt?")
    services.submit(world.representative, agreement)
    assert world.coordinator.id in notified("agreement_submitted_coordinator")
    services.return_to_drafter(world.coordinator, agreement, RETURN_COMMENT)
    assert world.representative.id in notified("agreement_returned")
    edit(world.representative, agreement, title="Sadarbības līgums ar „Sukrumu”")
    services.submit(world.representative, agreement)
    mark = last_mail_id()
    services.approve(world.coordinator, agreement)
    assert {m.recipient for m in mail_since(mark)} == {"rep@example.org", "other.rep@example.org"}
    sign_all(agreement)
    services.terminate(world.coordinator, agreement, "Projekts beidzies")
    assert set(notified("agreement_terminated")) == {world.representative.id, world.member.id,
                                                     world.other_representative.id, world.other_member.id}
    assert audit_actions(agreement) == [
        "agreement.drafted", "agreement.comment", "agreement.submitted", "agreement.returned", "agreement.edited",
        "agreement.submitted", "agreement.approved", "agreement.certified", "agreement.signed", "agreement.signed",
        "agreement.in_force", "agreement.archived",  # the document of record extended to B-LTA
        "agreement.completion_certified", "agreement.terminated"]
