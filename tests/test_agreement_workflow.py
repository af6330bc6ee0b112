"""The agreement state machine as plain functions and over HTTP: draft, submitted, returned (with the
coordinator's comment), approved, in force; every illegal step refused, and who may draft and sign at all.
Every test runs on SQLite and PostgreSQL."""
import json
import re

import pytest
from sqlalchemy import select

from portal.agreements import drafting, services, workflow
from portal.agreements.models import APPROVED, DRAFT, IN_FORCE, RETURNED, SUBMITTED, TERMINATED, Agreement
from portal.audit.models import AuditEvent
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db

from .agreement_helpers import (RETURN_COMMENT, TODAY, audit_actions, edit, files_of, flashes, form_data, sign_as,
                                signatures_of)
from .agreement_helpers import second_rep  # noqa: F401  (fixtures)
from .factories import make_agreement
from .helpers import client_for


# ================================================================ 1. the state machine

def test_the_whole_way_draft_submitted_approved_in_force(world):
    agreement = make_agreement(world, "draft")
    assert agreement.state == DRAFT and agreement.kind == "cooperation"
    assert [p.org_id for p in agreement.parties] == [world.org.id, world.coord_org.id]
    assert [p.signatory_id for p in agreement.parties] == [world.representative.id, world.coordinator.id]
    assert agreement.number == f"{agreement.created_at.year}/{agreement.id}"
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", agreement.verification_code)

    services.submit(world.representative, agreement)
    assert agreement.state == SUBMITTED and agreement.submitted_at is not None
    assert agreement in services.approval_queue()
    with pytest.raises(RuleViolation) as refused:
        services.return_to_drafter(world.coordinator, agreement, "   ")
    assert refused.value.field == "comment" and agreement.state == SUBMITTED

    services.approve(world.coordinator, agreement)
    assert agreement.state == APPROVED and agreement.approved_at is not None
    assert agreement.decided_by_id == world.coordinator.id
    assert agreement not in services.approval_queue()

    sign_as(world.representative, agreement)
    assert agreement.state == APPROVED
    sign_as(world.coordinator, agreement)
    assert agreement.state == IN_FORCE and agreement.in_force_at is not None
    db.session.commit()

    with pytest.raises(RuleViolation) as refused:
        services.terminate(world.coordinator, agreement, " ")
    assert refused.value.field == "reason" and agreement.state == IN_FORCE
    services.terminate(world.coordinator, agreement, "Darbība pārtraukta")
    assert agreement.state == TERMINATED and agreement.end_reason == "Darbība pārtraukta"
    assert agreement.ended_by_id == world.coordinator.id


def test_return_then_edit_goes_back_to_draft_and_keeps_the_comment_until_resubmission(world):
    agreement = make_agreement(world, "returned")
    assert agreement.state == RETURNED and agreement.return_comment == RETURN_COMMENT
    with pytest.raises(RuleViolation):  # returned → draft is by editing, not by submitting as it is
        services.submit(world.representative, agreement)

    edit(world.representative, agreement, title="Sadarbības līgums (precizēts)")
    assert agreement.state == DRAFT
    assert agreement.title == "Sadarbības līgums (precizēts)"
    assert agreement.return_comment == RETURN_COMMENT
    edited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.edited",
                                                        AuditEvent.object_id == agreement.id))
    assert json.loads(edited.details)["reopened"] is True

    services.submit(world.representative, agreement)
    assert agreement.state == SUBMITTED and agreement.return_comment == ""
    services.approve(world.coordinator, agreement)
    assert agreement.state == APPROVED


def test_return_comment_is_shown_on_the_draft_until_resubmission(app, world):
    agreement = make_agreement(world, "returned")
    drafter = client_for(app, world.representative)
    page = drafter.get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    assert RETURN_COMMENT in page

    response = drafter.post(f"/agreements/{agreement.id}/edit?lang=en",
                            data=form_data(agreement, title="Sadarbības līgums (precizēts)"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state == DRAFT
    # Edited back to draft, the coordinator's comment is still what the drafter works from.
    assert RETURN_COMMENT in drafter.get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    assert RETURN_COMMENT in drafter.get(f"/agreements/{agreement.id}/edit?lang=en").get_data(as_text=True)

    assert drafter.post(f"/agreements/{agreement.id}/submit?lang=en").status_code == 302
    assert RETURN_COMMENT not in drafter.get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)


def test_illegal_steps_on_a_draft_are_refused(world):
    agreement = make_agreement(world, "draft")
    with pytest.raises(RuleViolation):
        services.approve(world.coordinator, agreement)
    with pytest.raises(RuleViolation):
        services.return_to_drafter(world.coordinator, agreement, "Nē")
    with pytest.raises(RuleViolation):
        sign_as(world.representative, agreement)
    with pytest.raises(RuleViolation):
        services.terminate(world.representative, agreement, "Nē")
    with pytest.raises(RuleViolation):
        services.terminate(world.coordinator, agreement, "Nē")
    db.session.refresh(agreement)
    assert agreement.state == DRAFT
    assert signatures_of(agreement.id) == [] and files_of(agreement.id) == []


def test_illegal_steps_on_a_submitted_agreement_are_refused(world):
    agreement = make_agreement(world, "submitted")
    with pytest.raises((NotAllowed, RuleViolation)):  # submit twice (its message: the test after the next)
        services.submit(world.representative, agreement)
    with pytest.raises(RuleViolation):
        sign_as(world.representative, agreement)
    with pytest.raises(RuleViolation):
        services.terminate(world.coordinator, agreement, "Nē")
    with pytest.raises((NotAllowed, RuleViolation)):
        edit(world.representative, agreement, title="Cits")
    db.session.refresh(agreement)
    assert agreement.state == SUBMITTED and agreement.title != "Cits"


def test_submitting_twice_is_refused_with_a_message_not_as_forbidden(app, world):
    """The drafter has the role: a second submit (a stale page, a double click) is a state conflict with
    a message ("it is now waiting for approval"), not a 403 as if the representative had no right."""
    agreement = make_agreement(world, "submitted")
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        services.submit(world.representative, agreement)
    assert workflow.state_label(SUBMITTED) in str(refused.value.message)  # "…it is now waiting for approval"
    db.session.rollback()
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/submit?lang=en")
    assert response.status_code == 302, response.status_code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert any("just been changed by someone else" in f for f in flashes(page)), flashes(page)
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).state == SUBMITTED
    assert audit_actions(db.session.get(Agreement, agreement.id)).count("agreement.submitted") == 1


def test_illegal_steps_on_a_returned_agreement_are_refused(world):
    agreement = make_agreement(world, "returned")
    with pytest.raises(RuleViolation):
        services.approve(world.coordinator, agreement)
    with pytest.raises(RuleViolation):
        services.return_to_drafter(world.coordinator, agreement, "Vēlreiz")
    with pytest.raises(RuleViolation):
        sign_as(world.representative, agreement)
    with pytest.raises(RuleViolation):
        services.terminate(world.coordinator, agreement, "Nē")
    db.session.refresh(agreement)
    assert agreement.state == RETURNED and files_of(agreement.id) == []


def test_illegal_steps_on_an_approved_agreement_are_refused(world, second_rep):
    agreement = make_agreement(world, "approved")
    with pytest.raises(RuleViolation):
        services.return_to_drafter(world.coordinator, agreement, "Par vēlu")
    with pytest.raises(RuleViolation):
        services.approve(world.coordinator, agreement)
    with pytest.raises((NotAllowed, RuleViolation)):
        services.submit(world.representative, agreement)
    with pytest.raises((NotAllowed, RuleViolation)):
        edit(world.representative, agreement, title="Pēc apstiprināšanas")
    with pytest.raises((NotAllowed, RuleViolation)):
        services.choose_signatory(world.representative, agreement, second_rep)
    # A representative who is not the party's named signatory.
    with pytest.raises(RuleViolation):
        sign_as(second_rep, agreement)
    # The named signatory signs once; a second signature for the same party is refused.
    sign_as(world.representative, agreement)
    with pytest.raises(RuleViolation):
        sign_as(world.representative, agreement)
    db.session.refresh(agreement)
    assert agreement.state == APPROVED and agreement.title != "Pēc apstiprināšanas"
    assert [s.org_id for s in signatures_of(agreement.id)] == [world.org.id]
    assert [f.revision for f in files_of(agreement.id)] == [1, 2]
    assert agreement.party_for(world.org.id).signatory_id == world.representative.id
    # Half-signed, a party may still terminate it; then nobody can sign any more.
    services.terminate(world.representative, agreement, "Vairs nav aktuāls")
    assert agreement.state == TERMINATED
    with pytest.raises(RuleViolation):
        sign_as(world.coordinator, agreement)


def test_illegal_steps_on_an_agreement_in_force_and_after_it_are_refused(world):
    agreement = make_agreement(world, "in_force")
    for step in (lambda: services.approve(world.coordinator, agreement),
                 lambda: services.return_to_drafter(world.coordinator, agreement, "Nē"),
                 lambda: sign_as(world.coordinator, agreement)):
        with pytest.raises(RuleViolation):
            step()
    with pytest.raises((NotAllowed, RuleViolation)):
        services.submit(world.representative, agreement)
    with pytest.raises((NotAllowed, RuleViolation)):
        edit(world.representative, agreement, title="Grozīts")
    services.terminate(world.representative, agreement, "Beidzam")
    assert agreement.state == TERMINATED
    with pytest.raises(RuleViolation):
        services.terminate(world.coordinator, agreement, "Vēlreiz")
    with pytest.raises(RuleViolation):
        sign_as(world.coordinator, agreement)
    db.session.refresh(agreement)
    assert agreement.state == TERMINATED and agreement.end_reason == "Beidzam"
    assert len(signatures_of(agreement.id)) == 2


def test_a_member_who_is_not_a_representative_may_not_draft_nor_sign(world):
    with pytest.raises(NotAllowed):
        drafting.draft_cooperation(world.member, world.coord_org, language="lv", valid_from=TODAY, valid_to=None)
    with pytest.raises(NotAllowed):
        drafting.draft_network(world.member, language="lv", valid_from=TODAY, valid_to=None)
    with pytest.raises(NotAllowed):
        drafting.draft_for_exchange(world.member, world.accepted_exchange, language="lv")
    agreement = make_agreement(world, "draft")
    with pytest.raises(NotAllowed):
        edit(world.member, agreement, title="Biedra labojums")
    with pytest.raises(NotAllowed):
        services.submit(world.member, agreement)
    services.submit(world.representative, agreement)
    services.approve(world.coordinator, agreement)
    with pytest.raises(NotAllowed):
        sign_as(world.member, agreement)
    with pytest.raises(NotAllowed):
        services.terminate(world.member, agreement, "Nē")
    assert signatures_of(agreement.id) == [] and agreement.state == APPROVED
    # A member of a party may read and comment, though.
    services.add_comment(world.member, agreement, "Labs līgums")


def test_another_organizations_people_are_not_allowed(world):
    agreement = make_agreement(world, "draft")
    for person in (world.other_representative, world.other_member):
        with pytest.raises(NotAllowed):
            edit(person, agreement, title="Svešs")
        with pytest.raises(NotAllowed):
            services.submit(person, agreement)
        with pytest.raises(NotAllowed):
            services.add_comment(person, agreement, "Svešs komentārs")
    # Only the drafting organization edits: the other party (here the coordinating org) comments.
    with pytest.raises(NotAllowed):
        edit(world.coordinator, agreement, title="Otras puses labojums")
    services.submit(world.representative, agreement)
    with pytest.raises(NotAllowed):
        services.approve(world.representative, agreement)  # not a coordinator
    with pytest.raises(NotAllowed):
        services.return_to_drafter(world.other_representative, agreement, "Nē")
    services.approve(world.coordinator, agreement)
    with pytest.raises(NotAllowed):
        sign_as(world.other_representative, agreement)
    with pytest.raises(NotAllowed):
        services.terminate(world.other_representative, agreement, "Nē")
    assert signatures_of(agreement.id) == [] and agreement.state == APPROVED
    # Nor may a cooperation agreement be drafted for two other organizations.
    with pytest.raises(RuleViolation):
        drafting.draft_cooperation(world.representative, world.org, language="lv", valid_from=TODAY, valid_to=None)
