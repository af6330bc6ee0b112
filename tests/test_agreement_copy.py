"""Approval freezes the agreement's text: the signing copy stays as approved whatever is edited later, and
the PDFs (the draft preview, the signing copy, an English agreement's labels) print what they must.
Every test runs on SQLite and PostgreSQL."""
import hashlib

import pytest

from portal.agreements import files, services
from portal.agreements.printing import build_document
from portal.agreements.models import DRAFT, Agreement
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db

from .agreement_helpers import edit, pdf_text, sign_as
from .agreement_helpers import positions  # noqa: F401  (fixtures)
from .factories import make_agreement
from .helpers import client_for

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž"


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
