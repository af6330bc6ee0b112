"""The agreement workflow: the state machine as plain functions, the frozen signing copy, the PDF's text,
signing, racing coordinators and signatories, the network agreement (accession, amendment), exchange
agreements, reminders and expiry, the edit form and the lists. Every test runs on SQLite and PostgreSQL.
"""
import hashlib
import json
import re
import sqlite3
import subprocess
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import REPRESENTATIVE, User
from portal.agreements import drafting, files, schedule, services, signatures, workflow
from portal.origin import Origin, acting_from
from portal.agreements.printing import build_document
from portal.agreements.models import (APPROVED, DRAFT, EXCHANGE, EXPIRED, IN_FORCE, NETWORK, RETURNED, SUBMITTED,
                                      TERMINATED, Agreement, AgreementFile, Signature)
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.certificates import timestamps
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification
from portal.orgs import services as orgs
from portal.transaction import outside_the_write_lock

from .factories import PASSWORD, make_agreement, make_org, make_user
from .helpers import client_for

TODAY = date.today()
LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž"
RETURN_COMMENT = "Lūdzu, precizējiet 3. punktu."
ROUNDS = 2


# ---------------------------------------------------------------- helpers

def sign_as(person, agreement, **overrides):
    data = dict(password=PASSWORD, typed_name=person.name, consent=True)
    data.update(overrides)
    return signatures.sign(person, agreement, **data)


def sign_all(agreement):
    for party in agreement.parties:
        if party.signature is None:
            sign_as(party.signatory, agreement)


def edit(actor, agreement, **changes):
    data = dict(title=agreement.title, place=agreement.place, valid_from=agreement.valid_from,
                valid_to=agreement.valid_to, review_on=agreement.review_on,
                clauses=[(c["heading"], c["text"]) for c in agreement.clauses])
    data.update(changes)
    drafting.update_draft(actor, agreement, **data)


def audit_actions(agreement) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "Agreement", AuditEvent.object_id == agreement.id).order_by(AuditEvent.id)).all()


def files_of(agreement_id: int) -> list[AgreementFile]:
    return db.session.scalars(select(AgreementFile).where(AgreementFile.agreement_id == agreement_id)
                              .order_by(AgreementFile.revision)).all()


def signatures_of(agreement_id: int) -> list[Signature]:
    return db.session.scalars(select(Signature).where(Signature.agreement_id == agreement_id)
                              .order_by(Signature.id)).all()


def last_mail_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))


def mail_since(mark: int) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > mark)
                              .order_by(OutboxMessage.id)).all()


def notified(kind: str) -> list[int]:
    return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)).all())


def pdf_text(data: bytes) -> str:
    assert data[:5] == b"%PDF-", data[:20]
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8").replace("\u00ad", ""))


def field_errors(html: str, name: str) -> list[str]:
    return re.findall(rf'<p class="error" data-field="{re.escape(name)}">(.*?)</p>', html, re.S)


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<div class="flash [a-z]+"[^>]*>(.*?)</div>', html, re.S)]


def input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def section(html: str, testid: str) -> str:
    """The HTML of the element marked data-testid=`testid` up to the next data-testid'd <section>/<div>."""
    start = html.find(f'data-testid="{testid}"')
    assert start >= 0, f"no {testid} on the page"
    rest = html[start + 1:]
    end = re.search(r'<(section|div class="clause-editor") data-testid=', rest)
    return rest[: end.start()] if end else rest


def form_data(agreement, **overrides) -> dict:
    """What the edit form posts for `agreement` as it is, changed by `overrides` (clauses: [(heading, text)])."""
    clauses = overrides.pop("clauses", [(c["heading"], c["text"]) for c in agreement.clauses])
    data = {
        "title": agreement.title, "place": agreement.place, "valid_from": agreement.valid_from.isoformat(),
        "valid_to": agreement.valid_to.isoformat() if agreement.valid_to else "",
        "review_on": agreement.review_on.isoformat() if agreement.review_on else "",
        "edit_stamp": drafting.edit_stamp(agreement),
    }
    for i, (heading, text) in enumerate(clauses):
        data[f"clauses-{i}-heading"] = heading
        data[f"clauses-{i}-text"] = text
    data.update(overrides)
    return data


def at_once(app, *jobs):
    """Runs each job in a thread of its own (its own app context and database session), all released at
    the same moment; each commits on success. Returns, per job, its value or the refusal it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = jobs[i]()
                db.session.commit()
            except (RuleViolation, NotAllowed) as refused:
                db.session.rollback()
                results[i] = refused
            except BaseException as error:  # noqa: BLE001 - reported in the main thread
                db.session.rollback()
                results[i] = ("error", error)
            finally:
                db.session.remove()

    db.session.commit()  # SQLite: hold no write lock while the threads race
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    for result in results:
        if isinstance(result, tuple) and result and result[0] == "error":
            raise result[1]
    db.session.expire_all()
    return results


@pytest.fixture
def positions(world):
    """The representatives' recorded positions, as printed in the agreement."""
    world.representative.position = "valdes priekšsēdētāja"
    world.coordinator.position = "valdes loceklis"
    world.coordinator.name = "Maija Burima"
    db.session.commit()
    return world


@pytest.fixture
def second_rep(world):
    """Another representative of org B, who is not the named signatory."""
    person = make_user(world.org, REPRESENTATIVE, email="rep2@example.org", name="Andris Ozols")
    db.session.commit()
    return person


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


# ================================================================ 2. approval freezes the text

def test_the_signing_copy_is_frozen_at_approval(app, positions):
    world = positions
    agreement = make_agreement(world, "approved")
    db.session.commit()
    stored = files.signing_copy(agreement.id)
    assert stored.revision == 1 and stored.event == "approved"
    assert stored.sha256 == hashlib.sha256(stored.data).hexdigest() and stored.size == len(stored.data)
    frozen = stored.data
    party = agreement.party_for(world.org.id)
    printed = (party.printed_name, party.printed_registration_number, party.printed_address,
               party.printed_signatory, party.printed_position)
    assert printed == ("Biedrība „Baltā māja”", world.org.registration_number, world.org.legal_address,
                       "Inguna Badune", "valdes priekšsēdētāja")
    assert world.org.registration_number in pdf_text(frozen)

    client = client_for(app, world.representative)
    url = f"/agreements/{agreement.id}/pdf?copy=signing"
    downloads = [client.get(url) for _ in range(2)]
    for response in downloads:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data == frozen
    assert hashlib.sha256(downloads[0].data).hexdigest() == stored.sha256
    assert downloads[0].headers["ETag"].strip('"') == stored.sha256
    assert client.get(f"/agreements/{agreement.id}/pdf").data == frozen  # nothing signed yet: the same file

    # The organization and its representative change after approval: the signing copy does not.
    world.org.name = "Baltā māja un partneri"
    world.org.legal_address = "Jaunā iela 1, Līvāni"
    world.org.registration_number = "40009999999"
    world.representative.position = "valdes locekle"
    world.representative.name = "Inguna Cita"
    db.session.commit()
    assert client.get(url).data == frozen
    coordinator = client_for(app, world.coordinator)
    assert coordinator.get(url).data == frozen
    db.session.expire_all()
    assert files.signing_copy(agreement.id).data == frozen
    assert files.current_file(agreement.id).sha256 == stored.sha256
    agreement = db.session.get(Agreement, agreement.id)
    party = agreement.party_for(world.org.id)
    assert (party.printed_name, party.printed_registration_number, party.printed_address,
            party.printed_signatory, party.printed_position) == printed
    # The document is built from the copy, so even a fresh rendering would print the approved details.
    document = build_document(agreement)
    assert (document.parties[0].name, document.parties[0].representative_name,
            document.parties[0].representative_position) == (
        "Biedrība „Baltā māja”", "Inguna Badune", "valdes priekšsēdētāja")
    assert document.created is not None and not document.draft
    with pytest.raises((NotAllowed, RuleViolation)):
        edit(world.representative, agreement, title="Cits nosaukums")

    # Signing adds revisions; the signing copy stays the bytes approved, and the signature carries the
    # position printed in it.
    signature = sign_as(world.representative, agreement)
    assert signature.position == "valdes priekšsēdētāja"
    db.session.commit()
    assert client.get(url).data == frozen
    current = client.get(f"/agreements/{agreement.id}/pdf")
    assert current.data != frozen and current.data.startswith(frozen)
    assert hashlib.sha256(current.data).hexdigest() == files.current_file(agreement.id).sha256


# ================================================================ 3. the PDF's text

def test_the_draft_preview_pdf(app, positions):
    world = positions
    agreement = make_agreement(world, "draft")
    edit(world.representative, agreement,
         clauses=[(c["heading"], c["text"]) for c in agreement.clauses] + [("Burti", f"Pārbaude: {LETTERS}.")])
    db.session.commit()
    response = client_for(app, world.representative).get(f"/agreements/{agreement.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    assert "MELNRAKSTS" in text
    assert "Biedrība „Baltā māja”" in text and "Biedrība „Intelekta parks”" in text
    for org in (world.org, world.coord_org):
        assert org.registration_number in text
        assert org.legal_address in text
    assert "Inguna Badune" in text and "valdes priekšsēdētāja" in text
    assert "Maija Burima" in text and "valdes loceklis" in text
    for clause in agreement.clauses:
        assert clause["heading"].upper() in text, clause["heading"]
    assert f"Pārbaude: {LETTERS}." in text
    assert agreement.verification_code in text and agreement.number in text
    # Nobody outside the parties gets it.
    assert client_for(app, world.other_member).get(f"/agreements/{agreement.id}/pdf").status_code == 404


def test_the_signing_copy_pdf(app, positions):
    world = positions
    agreement = make_agreement(world, "draft")
    edit(world.representative, agreement,
         clauses=[(c["heading"], c["text"]) for c in agreement.clauses] + [("Burti", f"Pārbaude: {LETTERS}.")])
    services.submit(world.representative, agreement)
    services.approve(world.coordinator, agreement)
    db.session.commit()
    data = client_for(app, world.coordinator).get(f"/agreements/{agreement.id}/pdf?copy=signing").data
    text = pdf_text(data)
    assert "MELNRAKSTS" not in text
    assert "Biedrība „Baltā māja”" in text and "Biedrība „Intelekta parks”" in text
    assert world.org.registration_number in text and world.coord_org.registration_number in text
    assert "Inguna Badune" in text and "valdes priekšsēdētāja" in text
    assert "Maija Burima" in text and "valdes loceklis" in text
    for clause in agreement.clauses:
        assert clause["heading"].upper() in text, clause["heading"]
    assert f"Pārbaude: {LETTERS}." in text
    assert f"Verifikācijas kods: {agreement.verification_code}" in text
    assert f"Līgums Nr. {agreement.number}" in text
    assert "PUŠU PARAKSTI" in text


def test_an_english_agreement_has_english_labels(app, positions):
    world = positions
    agreement = make_agreement(world, "draft", language="en")
    db.session.commit()
    client = client_for(app, world.representative)
    draft = pdf_text(client.get(f"/agreements/{agreement.id}/pdf").data)
    assert "DRAFT" in draft and "MELNRAKSTS" not in draft and "Association “Baltā māja”" in draft
    services.submit(world.representative, agreement)
    services.approve(world.coordinator, agreement)
    db.session.commit()
    text = pdf_text(client.get(f"/agreements/{agreement.id}/pdf?copy=signing").data)
    assert "Association “Baltā māja”" in text
    assert f"Agreement No. {agreement.number}" in text and "Page 1 of" in text
    assert "represented by" in text and "SIGNATURES OF THE PARTIES" in text
    assert f"Verification code: {agreement.verification_code}" in text
    assert "Lapa" not in text and "Paraksts" not in text and "Biedrība" not in text


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


# ================================================================ 5. racing

def test_two_coordinators_approving_at_once_approve_once(app, world):
    """As the approve view does it: each renders the signing copy outside the write lock, then approves. Both
    render side by side; one approves and stores its copy, the other is told the agreement is approved."""
    second = make_user(world.coord_org, REPRESENTATIVE, coordinator=True, email="coordinator2@example.org")
    deciders = (world.coordinator.id, second.id)
    timestamps.ensure_tsa_certificate()  # as `portal init` leaves it: the network signs without writing first
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "submitted")
        agreement_id = agreement.id
        prepared = {}

        def approving(user_id):
            def run():
                load = lambda: (db.session.get(User, user_id), db.session.get(Agreement, agreement_id))  # noqa: E731
                prepared[user_id] = outside_the_write_lock(lambda: services.prepare_approval(*load()))
                return services.approve(*load(), prepared=prepared[user_id])
            return run

        results = at_once(app, *(approving(uid) for uid in deciders))

        refused = [r for r in results if isinstance(r, RuleViolation)]
        approved = [r for r in results if r is None]  # approve() returns nothing; a refusal is raised
        assert len(approved) == 1 and len(refused) == 1, f"round {round_}: {results}"
        assert workflow.state_label(APPROVED) in str(refused[0].message)  # "…it is now approved"
        assert db.session.get(Agreement, agreement_id).state == APPROVED
        assert [(f.revision, f.event) for f in files_of(agreement_id)] == [(1, "approved")], f"round {round_}"
        assert all(p is not None for p in prepared.values()), f"round {round_}"  # both rendered first
        assert files_of(agreement_id)[0].data in [p.data for p in prepared.values()]  # the winner's, as rendered
        assert audit_actions(db.session.get(Agreement, agreement_id)).count("agreement.approved") == 1
    assert verify_chain().intact


def another_writer_gets_in(agreement_id: int) -> bool:
    """Whether another connection takes SQLite's write lock, or the agreement's row on PostgreSQL, at once."""
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    try:
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 0")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return False
            cursor.execute("ROLLBACK")
            return True
        try:
            cursor.execute("SELECT id FROM agreements WHERE id = %s FOR UPDATE NOWAIT", (agreement_id,))
        except Exception:  # psycopg's LockNotAvailable
            return False
        return True
    finally:
        raw.rollback()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 5000")
        raw.close()


def test_without_a_queue_the_approval_renders_the_signing_copy_outside_the_write_lock(app, world, monkeypatch):
    from portal.agreements import certification

    agreement_id = make_agreement(world, "submitted").id
    timestamps.ensure_tsa_certificate()  # as `portal init` leaves it
    db.session.commit()
    probes, render = [], certification.render_pdf

    def rendering(document):
        probes.append(another_writer_gets_in(agreement_id))
        return render(document)

    monkeypatch.setattr(certification, "render_pdf", rendering)
    response = client_for(app, world.coordinator).post(f"/agreements/{agreement_id}/approve")
    assert response.status_code == 302
    assert probes == [True]  # nobody waited for the rendering
    assert db.session.get(Agreement, agreement_id).state == APPROVED
    assert [(f.revision, f.event) for f in files_of(agreement_id)] == [(1, "approved")]
    stored = files_of(agreement_id)[0]
    assert pdf_text(stored.data).count("MELNRAKSTS") == 0  # the signing copy, not a draft


def test_a_prepared_copy_that_no_longer_prints_what_approval_froze_is_made_again(app, world):
    agreement = make_agreement(world, "submitted")
    timestamps.ensure_tsa_certificate()
    prepared = services.prepare_approval(world.coordinator, agreement)
    assert prepared is not None
    world.org.name = "Baltā māja un partneri"  # renamed between the rendering and the approval
    db.session.flush()
    services.approve(world.coordinator, agreement, prepared=prepared)
    [stored] = files_of(agreement.id)
    assert stored.data != prepared.data
    assert "Baltā māja un partneri" in " ".join(pdf_text(stored.data).split())


def test_both_parties_signing_at_once_both_signatures_count(app, world):
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "approved")
        agreement_id = agreement.id
        signers = [(party.signatory_id, party.signatory.name) for party in agreement.parties]

        def signing(user_id, name):
            return lambda: signatures.sign(db.session.get(User, user_id), db.session.get(Agreement, agreement_id),
                                         password=PASSWORD, typed_name=name, consent=True)

        results = at_once(app, *(signing(*s) for s in signers))

        assert all(isinstance(r, Signature) for r in results), f"round {round_}: {results}"
        assert db.session.get(Agreement, agreement_id).state == IN_FORCE, f"round {round_}"
        assert len(signatures_of(agreement_id)) == 2
        stored = files_of(agreement_id)
        assert [f.revision for f in stored] == [1, 2, 3, 4], f"round {round_}"  # 4: the B-LTA extension
        # Each signature is an incremental update of the file before it: no signature is lost.
        assert stored[1].data.startswith(stored[0].data), f"round {round_}"
        assert stored[2].data.startswith(stored[1].data), f"round {round_}"
        actions = audit_actions(db.session.get(Agreement, agreement_id))
        assert actions.count("agreement.signed") == 2 and actions.count("agreement.in_force") == 1
    assert verify_chain().intact


def test_the_same_signatory_signing_twice_at_once_signs_once(app, world):
    clients = [client_for(app, world.representative), client_for(app, world.representative)]
    for round_ in range(ROUNDS):
        agreement = make_agreement(world, "approved")
        agreement_id = agreement.id
        url = f"/agreements/{agreement_id}/sign?lang=en"
        data = {"password": PASSWORD, "typed_name": world.representative.name, "consent": "y"}

        def posting(client):
            def post():
                response = client.post(url, data=data)
                return response.status_code, client.get(response.headers["Location"]).get_data(as_text=True) \
                    if response.status_code == 302 else response.get_data(as_text=True)
            return post

        results = at_once(app, *(posting(c) for c in clients))

        assert all(status in (200, 302) for status, _ in results), f"round {round_}: {results}"
        signed = [html for _, html in results if "Signed for Baltā māja." in html]
        assert len(signed) == 1, f"round {round_}: {[flashes(html) for _, html in results]}"
        assert [s.org_id for s in signatures_of(agreement_id)] == [world.org.id], f"round {round_}"
        assert [f.revision for f in files_of(agreement_id)] == [1, 2], f"round {round_}"
        assert db.session.get(Agreement, agreement_id).state == APPROVED


# ================================================================ 6. the network agreement

def bring_in_force(agreement, drafter, coordinator):
    services.submit(drafter, agreement)
    services.approve(coordinator, agreement)
    sign_all(agreement)
    assert agreement.state == IN_FORCE
    db.session.commit()


def test_the_network_agreement_is_of_all_active_members_the_coordinating_one_first(world):
    arona = make_org("Ābeļzieds")  # sorts first in Latvian order, after the coordinating org
    make_user(arona, REPRESENTATIVE, email="abele@example.org")
    agreement = drafting.draft_network(world.representative, language="lv", valid_from=TODAY, valid_to=None)
    assert agreement.kind == NETWORK and agreement.version == 1 and agreement.previous_id is None
    assert not agreement.is_accession
    assert [p.org.name for p in agreement.parties] == ["Intelekta parks", "Ābeļzieds", "Baltā māja", "Sukrums"]
    assert [p.position for p in agreement.parties] == [0, 1, 2, 3]
    assert world.applicant_org.id not in agreement.party_org_ids()  # only active members
    assert all(p.signatory is not None for p in agreement.parties)


def test_a_new_member_accedes_to_the_network_agreement_in_force(app, world):
    network = drafting.draft_network(world.coordinator, language="lv", valid_from=TODAY, valid_to=None)
    assert drafting.needs_accession(world.org) is None  # nothing in force yet
    bring_in_force(network, world.coordinator, world.coordinator)
    assert drafting.network_agreement_in_force().id == network.id
    for org in (world.coord_org, world.org, world.other_org):
        assert drafting.needs_accession(org) is None
    assert drafting.needs_accession(world.applicant_org) is None  # not a member yet

    orgs.approve_application(world.coordinator, world.applicant_org)
    db.session.commit()
    assert drafting.needs_accession(world.applicant_org).id == network.id
    page = client_for(app, world.applicant).get("/agreements?lang=en").get_data(as_text=True)
    assert 'data-testid="accession-notice"' in page

    accession = drafting.draft_accession(world.applicant, language="lv", valid_from=TODAY)
    assert accession.kind == NETWORK and accession.is_accession and accession.accedes_to_id == network.id
    assert [p.org_id for p in accession.parties] == [world.applicant_org.id, world.coord_org.id]
    assert accession.party_for(world.coord_org.id).signatory_id == world.coordinator.id
    assert accession.valid_to == network.valid_to
    assert drafting.needs_accession(world.applicant_org) is None  # the accession is under way
    with pytest.raises(RuleViolation):
        drafting.draft_accession(world.applicant, language="lv", valid_from=TODAY)
    with pytest.raises(RuleViolation):  # a party of the agreement has nothing to accede to
        drafting.draft_accession(world.representative, language="lv", valid_from=TODAY)
    # The accession is not "the network agreement in force", even once in force itself.
    bring_in_force(accession, world.applicant, world.coordinator)
    assert drafting.network_agreement_in_force().id == network.id
    assert drafting.needs_accession(world.applicant_org) is None


def test_an_amendment_is_version_two_and_replaces_version_one_when_in_force(world):
    first = drafting.draft_network(world.coordinator, language="lv", valid_from=TODAY, valid_to=None)
    edit(world.coordinator, first, title="Tīklojuma līgums")
    bring_in_force(first, world.coordinator, world.coordinator)
    orgs.approve_application(world.coordinator, world.applicant_org)

    second = drafting.draft_network(world.representative, language="lv", valid_from=TODAY, valid_to=None)
    assert second.version == 2 and second.previous_id == first.id
    assert second.title == "Tīklojuma līgums" and second.clauses == first.clauses
    assert world.applicant_org.id in second.party_org_ids() and len(second.parties) == 4
    services.submit(world.representative, second)
    services.approve(world.coordinator, second)
    for party in second.parties[:-1]:
        sign_as(party.signatory, second)
    db.session.refresh(first)
    assert first.state == IN_FORCE and second.state == APPROVED  # not replaced before all have signed
    sign_as(second.parties[-1].signatory, second)
    db.session.commit()
    db.session.expire_all()
    first, second = db.session.get(Agreement, first.id), db.session.get(Agreement, second.id)
    assert second.state == IN_FORCE
    assert first.state == TERMINATED and first.ended_at is not None and first.ended_by_id is not None
    assert second.number in first.end_reason
    assert drafting.network_agreement_in_force().id == second.id
    assert "agreement.replaced" in audit_actions(first)


# ================================================================ 7. exchange agreements

def test_an_exchange_agreement_from_the_accepted_exchange(app, world):
    exchange = world.accepted_exchange
    agreement = drafting.draft_for_exchange(world.representative, exchange, language="lv")
    assert agreement.kind == EXCHANGE and agreement.exchange_id == exchange.id
    assert [p.org_id for p in agreement.parties] == [exchange.owner_org_id, exchange.requester_org_id]
    assert [p.org_id for p in agreement.parties] == [world.org.id, world.other_org.id]
    assert (agreement.valid_from, agreement.valid_to) == (exchange.starts_on, exchange.ends_on)
    clauses = " ".join(c["heading"] + " " + c["text"] for c in agreement.clauses)
    assert "Konferenču zāle “Dzerkaļi”" in clauses
    # The requesting side may draft it too; the signatory there is its representative.
    other = drafting.draft_for_exchange(world.other_representative, exchange, language="en")
    assert other.party_for(world.other_org.id).signatory_id == world.other_representative.id
    assert "Konferenču zāle “Dzerkaļi”" in " ".join(c["text"] for c in other.clauses)
    # A coordinator outside the exchange may not.
    with pytest.raises((NotAllowed, RuleViolation)):
        drafting.draft_for_exchange(world.coordinator, exchange, language="lv")
    db.session.commit()
    response = client_for(app, world.representative).post(f"/exchanges/{exchange.id}/agreement?lang=en",
                                                           data={"language": "lv"})
    assert response.status_code == 302 and "/edit" in response.headers["Location"]


def test_no_exchange_agreement_for_a_pending_exchange(app, world):
    with pytest.raises(RuleViolation):
        drafting.draft_for_exchange(world.representative, world.exchange, language="lv")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{world.exchange.id}/agreement?lang=en", data={"language": "lv"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An agreement can be drafted for an accepted exchange only." in page
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


# ================================================================ 8. reminders and expiry

def test_sign_reminders_every_n_days_to_those_who_have_not_signed(app, world):
    app.config["AGREEMENT_SIGN_REMINDER_DAYS"] = 3
    approved_at = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
    agreement = make_agreement(world, "submitted")
    services.approve(world.coordinator, agreement, now=approved_at)
    db.session.commit()

    def remind(at):
        mark = last_mail_id()
        count = schedule.send_sign_reminders(at)
        db.session.commit()
        return count, sorted(m.recipient for m in mail_since(mark))

    assert remind(approved_at + timedelta(days=3) - timedelta(seconds=1)) == (0, [])
    assert remind(approved_at + timedelta(days=3)) == (2, ["coordinator@example.org", "rep@example.org"])
    assert notified("agreement_sign_reminder") == sorted([world.representative.id, world.coordinator.id])
    assert remind(approved_at + timedelta(days=3, hours=1)) == (0, [])
    assert remind(approved_at + timedelta(days=5)) == (0, [])
    assert remind(approved_at + timedelta(days=6)) == (2, ["coordinator@example.org", "rep@example.org"])
    sign_as(world.representative, agreement)
    db.session.commit()
    assert remind(approved_at + timedelta(days=9)) == (1, ["coordinator@example.org"])
    sign_as(world.coordinator, agreement)
    db.session.commit()
    assert remind(approved_at + timedelta(days=30)) == (0, [])


def test_review_reminder_once_before_the_review_date(app, world):
    app.config["AGREEMENT_REVIEW_NOTICE_DAYS"] = 30
    review_on = TODAY + timedelta(days=100)
    agreement = make_agreement(world, "draft")
    edit(world.representative, agreement, review_on=review_on)
    bring_in_force(agreement, world.representative, world.coordinator)

    def remind(today):
        mark = last_mail_id()
        count = schedule.send_review_reminders(today)
        db.session.commit()
        return count, sorted(m.recipient for m in mail_since(mark))

    assert remind(review_on - timedelta(days=31)) == (0, [])
    assert remind(review_on - timedelta(days=30)) == (1, ["coordinator@example.org", "rep@example.org"])
    assert notified("agreement_review_reminder") == sorted([world.representative.id, world.coordinator.id])
    assert remind(review_on - timedelta(days=29)) == (0, [])
    assert remind(review_on) == (0, [])
    assert db.session.get(Agreement, agreement.id).review_reminded_on == review_on - timedelta(days=30)


def test_an_agreement_in_force_expires_after_its_last_day(world):
    agreement = make_agreement(world, "in_force")
    approved = make_agreement(world, "approved")
    last_day = agreement.valid_to
    assert schedule.expire_due(last_day) == []
    assert agreement.state == IN_FORCE
    expired = schedule.expire_due(last_day + timedelta(days=1))
    assert [a.id for a in expired] == [agreement.id]
    db.session.refresh(agreement)
    assert agreement.state == EXPIRED and agreement.ended_at is not None
    assert approved.state == APPROVED  # only agreements in force expire
    assert "agreement.expired" in audit_actions(agreement)
    assert set(notified("agreement_expired")) == {world.representative.id, world.member.id, world.coordinator.id}
    assert schedule.expire_due(last_day + timedelta(days=2)) == []
    with pytest.raises(RuleViolation):  # approved | in_force → terminated, not expired → terminated
        services.terminate(world.coordinator, agreement, "Nē")
    assert agreement.state == EXPIRED


def test_the_daily_command_prints_counts(app, world):
    ended = make_agreement(world, "in_force")
    db.session.execute(update(Agreement).where(Agreement.id == ended.id).values(
        valid_from=TODAY - timedelta(days=400), valid_to=TODAY - timedelta(days=2)))
    waiting = make_agreement(world, "submitted")
    services.approve(world.coordinator, waiting, now=datetime.now(timezone.utc) - timedelta(days=8))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["portal", "daily"])
    assert result.exit_code == 0, result.output
    assert "expired 1, sign reminders 2, review reminders 0" in result.output
    db.session.expire_all()
    assert db.session.get(Agreement, ended.id).state == EXPIRED

    again = app.test_cli_runner().invoke(args=["portal", "daily"])
    assert again.exit_code == 0, again.output
    assert "expired 0, sign reminders 0, review reminders 0" in again.output


# ================================================================ 9. the edit form

def test_the_edit_form_refuses_an_end_before_the_start(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = (agreement.title, agreement.valid_to, drafting.edit_stamp(agreement))
    client = client_for(app, world.representative)
    typed_title = "Sadarbības līgums ar ģimeņu centru"
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, title=typed_title, valid_from="2026-06-01", valid_to="2026-05-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "valid_to") == ["The end date must be on or after the start date."]
    assert input_value(html, "title") == typed_title
    assert input_value(html, "valid_to") == "2026-05-01" and input_value(html, "valid_from") == "2026-06-01"
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert (agreement.title, agreement.valid_to, drafting.edit_stamp(agreement)) == before


def test_the_edit_form_refuses_an_empty_title(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = agreement.title
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, title="  ", clauses=[("Priekšmets", "Jauns teksts ar ā un ž")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "title")
    assert "Jauns teksts ar ā un ž" in html
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.title == before and agreement.clauses[0]["text"] != "Jauns teksts ar ā un ž"


def test_the_edit_form_says_which_section_needs_a_heading(app, world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    before = list(agreement.clauses)
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/edit?lang=en", data=form_data(
        agreement, clauses=[("Priekšmets", "Pirmais punkts"), ("", "Teksts bez virsraksta ar ķ un ļ")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Teksts bez virsraksta ar ķ un ļ" in html  # the typing is kept
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).clauses == before  # nothing saved
    # The message stands next to the section it is about, not only at the top of a long page.
    assert "Section 2 needs a heading." in section(html, "clause-2"), flashes(html)


def test_two_editors_the_stale_save_is_refused(app, world, second_rep):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    url = f"/agreements/{agreement.id}/edit?lang=en"
    first, second = client_for(app, world.representative), client_for(app, second_rep)
    first_form = first.get(url).get_data(as_text=True)
    second_form = second.get(url).get_data(as_text=True)
    stamp = input_value(first_form, "edit_stamp")
    assert stamp and stamp == input_value(second_form, "edit_stamp")

    saved = first.post(url, data=form_data(agreement, title="Pirmā redaktora versija", edit_stamp=stamp))
    assert saved.status_code == 302
    stale = second.post(url, data=form_data(agreement, title="Otrā redaktora versija", edit_stamp=stamp))
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert any("Someone else has saved this agreement since you opened it" in f for f in flashes(html)), \
        flashes(html)
    assert input_value(html, "title") == "Otrā redaktora versija"  # their text is still there to copy
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).title == "Pirmā redaktora versija"


def test_two_editors_saving_at_the_same_moment_do_not_overwrite_each_other(app, world, second_rep, monkeypatch):
    """Both loaded the form, both save at once: one save wins, the other is refused, on both databases."""
    agreement = make_agreement(world, "draft")
    db.session.commit()
    url = f"/agreements/{agreement.id}/edit?lang=en"
    clients = [client_for(app, world.representative), client_for(app, second_rep)]
    stamp = input_value(clients[0].get(url).get_data(as_text=True), "edit_stamp")
    titles = ["Pirmā redaktora versija", "Otrā redaktora versija"]

    # Both requests have read the agreement before either writes (where the database lets them: SQLite's
    # writers take turns from their first statement, so there the wait times out and they go one by one).
    meet = threading.Barrier(2)
    real_clean = drafting.clean_clauses

    def clean_clauses(clauses):
        try:
            meet.wait(timeout=1.0)
        except threading.BrokenBarrierError:
            pass
        return real_clean(clauses)

    monkeypatch.setattr(drafting, "clean_clauses", clean_clauses)
    forms = [form_data(agreement, title=t, edit_stamp=stamp) for t in titles]
    results = at_once(app, *((lambda c=c, f=f: c.post(url, data=f).status_code) for c, f in zip(clients, forms)))
    assert sorted(results) == [200, 302], results
    winner = titles[results.index(302)]
    assert db.session.get(Agreement, agreement.id).title == winner
    assert audit_actions(db.session.get(Agreement, agreement.id)).count("agreement.edited") == 1


# ================================================================ 10. lists

def test_my_agreements_grouped_by_state(app, world):
    titles = {
        DRAFT: "Sadarbības līgums par ģimeņu dienām",
        SUBMITTED: "Līgums par ūdens tūrisma laivām",
        IN_FORCE: "Vienošanās par ķirbju svētkiem Ludzā",
    }
    made = {}
    for state, title in titles.items():
        agreement = make_agreement(world, "draft")
        edit(world.representative, agreement, title=title)
        if state != DRAFT:
            services.submit(world.representative, agreement)
        if state == IN_FORCE:
            services.approve(world.coordinator, agreement)
            sign_all(agreement)
        made[state] = agreement
    foreign = make_agreement(world, "draft", drafter=world.other_representative, partner=world.coord_org)
    edit(world.other_representative, foreign, title="Sukruma līgums ar Intelekta parku")
    db.session.commit()

    response = client_for(app, world.member).get("/agreements?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for state, title in titles.items():
        group = section(html, f"state-{state}")
        assert title in group, state  # Latvian letters as they are, not as entities
        assert made[state].number in group
        assert [t for s, t in titles.items() if s != state and t in group] == [], state
    assert 'data-testid="state-approved"' not in html  # empty groups are left out
    assert "Sukruma līgums" not in html  # not a party
    assert "ģimeņu" in html and "&#" not in section(html, "state-draft")

    other = client_for(app, world.other_member).get("/agreements?lang=en").get_data(as_text=True)
    assert "Sukruma līgums ar Intelekta parku" in other
    assert not any(title in other for title in titles.values())


def test_the_coordinators_queue_lists_what_waits_for_approval(app, world):
    draft = make_agreement(world, "draft")
    waiting = make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)
    edit(world.other_representative, waiting, title="Līgums par jauniešu apmaiņu Rēzeknē")
    services.submit(world.other_representative, waiting)
    returned = make_agreement(world, "returned")
    db.session.commit()

    response = client_for(app, world.coordinator).get("/agreements/queue?lang=en")
    assert response.status_code == 200
    queue = section(response.get_data(as_text=True), "queue")
    assert "Līgums par jauniešu apmaiņu Rēzeknē" in queue and waiting.number in queue
    assert draft.number not in queue and returned.number not in queue
    # The coordinator's own list shows it as waiting too (the coordinating org is no party to it).
    assert services.approval_queue() == [waiting]
    assert client_for(app, world.representative).get("/agreements/queue").status_code == 403
    assert client_for(app, world.member).get("/agreements/queue").status_code == 403
