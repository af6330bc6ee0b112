"""A party's own external signature (a qualified one, made outside the portal): accepted and completing the
agreement, in a new field while others still sign, rejected when it is not acceptable, not locking another
party out of its field, and accepted by /verify in the document of record."""
import hashlib
import io

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.agreements import files as agreement_files, signatures
from portal.extensions import db
from portal.signing import ca
from portal.signing.verify import verify_pdf

from .certificate_helpers import (NOW, add_blank_page, anonymous, english, field_error, files_of, html,
                                  network_ca, newest_file, shown_at, signatures_of, upload_to_verify)
from .factories import PASSWORD, make_agreement
from .helpers import client_for


# ---------------------------------------------------------------- 4: a party's own external signature

@pytest.fixture
def qualified(app, tmp_path):
    """A stand-in for a qualified trust service, configured as the root external signatures must chain to."""
    key, certificate = ca.create_ca("Test Qualified Trust Service", now=NOW)
    path = tmp_path / "qualified-roots.pem"
    path.write_bytes(ca.certificate_pem(certificate))
    app.config["EXTERNAL_SIGNATURE_TRUST_ROOTS"] = [str(path)]
    return key, certificate


def external_sign(pdf: bytes, field_name: str, issuer, person="Ilze Ābeltiņa", new_field=False) -> bytes:
    """What a party's own signing tool does: stock pyHanko, its own certificate from `issuer`, one incremental
    update signing `field_name` (an existing empty field, unless `new_field`)."""
    issuer_key, issuer_cert = issuer
    key, cert = ca.issue_org_certificate(issuer_key, issuer_cert, org_name=person,
                                         registration_number="PNOLV-010180-12345", now=NOW)
    signer = signers.SimpleSigner(
        signing_cert=ca.asn1_certificate(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([ca.asn1_certificate(issuer_cert)]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                           signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES),
                           signer=signer, existing_fields_only=not new_field)
    return out.getvalue()


def upload_signed(client, agreement, data: bytes):
    return client.post(f"/agreements/{agreement.id}/upload", data={"document": (io.BytesIO(data), "signed.pdf")},
                       content_type="multipart/form-data")


def test_external_signature_is_accepted_and_completes_the_agreement(app, world, qualified):
    agreement = make_agreement(world, "approved")  # org B (position 0) and the coordinating org (position 1)
    coordinators_party = agreement.parties[1]
    signatures.sign(coordinators_party.signatory, agreement, password=PASSWORD,
                    typed_name=coordinators_party.signatory.name, consent=True)
    db.session.commit()
    representative = english(client_for(app, world.representative), f"/agreements/{agreement.id}")

    current = representative.get(f"/agreements/{agreement.id}/pdf").data
    assert current == newest_file(agreement).data
    position = agreement.party_for(world.org.id).position
    uploaded = external_sign(current, agreement_files.party_field(position), qualified)

    response = upload_signed(representative, agreement, uploaded)
    assert response.status_code == 302, html(response)
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    stored = files_of(agreement)
    # the upload completed the agreement, so the document of record is extended to B-LTA after it
    assert [f.event for f in stored] == ["approved", "signed", "external", "lta"]
    assert stored[-2].data == uploaded and stored[-2].sha256 == hashlib.sha256(uploaded).hexdigest()
    assert stored[-1].data.startswith(uploaded)
    signature = next(s for s in signatures_of(agreement) if s.org_id == world.org.id)
    assert signature.method == "external" and signature.user_id == world.representative.id
    assert signature.typed_name == "Ilze Ābeltiņa"  # the certificate's name: stock pyHanko writes no /Name
    db.session.refresh(agreement)
    assert agreement.state == "in_force"

    page = html(representative.get(f"/agreements/{agreement.id}"))
    assert f'data-testid="signed-{world.org.id}"' in page
    assert shown_at(page, "current-sha") == stored[-1].sha256
    report = verify_pdf(uploaded, [network_ca(), qualified[1]])
    assert report.ok and len(report.signatures) == 3


def test_external_signature_in_a_new_field_while_others_still_sign(app, world, qualified):
    """Not the last party: the agreement stays approved, and the other party can still sign in the portal."""
    agreement = make_agreement(world, "approved")
    db.session.commit()
    representative = english(client_for(app, world.representative), f"/agreements/{agreement.id}")
    current = representative.get(f"/agreements/{agreement.id}/pdf").data
    response = upload_signed(representative, agreement, external_sign(current, "eParaksts", qualified,
                                                                      new_field=True))
    assert response.status_code == 302, html(response)
    db.session.refresh(agreement)
    assert agreement.state == "approved" and [s.method for s in signatures_of(agreement)] == ["external"]

    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.coordinator.name, "consent": "y"})
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.state == "in_force"
    assert verify_pdf(newest_file(agreement).data, [network_ca(), qualified[1]]).ok


REJECTIONS = {
    "different_document": "This is not the current signing copy: download the signing copy again, sign that file, "
                          "and upload it unchanged.",
    "adds_page": "Besides the signature, something else in the document was changed (e.g. a page added). Sign "
                 "the signing copy without editing it. Found: a page was added or removed.",
    "untrusted": "The signature's certificate is not from a qualified trust service the portal accepts.",
    "two_signatures": "The file must carry exactly one new signature, your organization's.",
    "no_trust_roots": "The portal is not set up to accept signatures made outside it.",
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_external_signature_is_rejected(app, world, qualified, case):
    agreement = make_agreement(world, "approved")
    db.session.commit()
    representative = english(client_for(app, world.representative), f"/agreements/{agreement.id}")
    current = representative.get(f"/agreements/{agreement.id}/pdf").data
    own_field = agreement_files.party_field(agreement.party_for(world.org.id).position)
    if case == "different_document":
        other = make_agreement(world, "approved", drafter=world.other_representative)
        db.session.commit()
        uploaded = external_sign(agreement_files.signing_copy(other.id).data, own_field, qualified)
    elif case == "adds_page":
        uploaded = external_sign(add_blank_page(current), own_field, qualified)
    elif case == "untrusted":
        uploaded = external_sign(current, own_field, ca.create_ca("Unknown Trust Service", now=NOW))
    elif case == "two_signatures":
        other_field = agreement_files.party_field(agreement.party_for(world.coord_org.id).position)
        uploaded = external_sign(external_sign(current, own_field, qualified), other_field, qualified)
    else:
        uploaded = external_sign(current, own_field, qualified)
        app.config["EXTERNAL_SIGNATURE_TRUST_ROOTS"] = []

    response = upload_signed(representative, agreement, uploaded)
    assert response.status_code == 200
    assert field_error(html(response), "document", REJECTIONS[case])
    assert [f.event for f in files_of(agreement)] == ["approved"]
    assert signatures_of(agreement) == []
    db.session.refresh(agreement)
    assert agreement.state == "approved"


def test_external_signature_in_another_partys_field_does_not_lock_that_party_out(app, world, qualified):
    """Org B signs its own copy but into the coordinating org's field (party-2). Whether the portal refuses
    that upload or accepts it, the coordinating org must still be able to sign, and the agreement must come
    into force with a document of record that verifies."""
    agreement = make_agreement(world, "approved")
    db.session.commit()
    representative = english(client_for(app, world.representative), f"/agreements/{agreement.id}")
    current = representative.get(f"/agreements/{agreement.id}/pdf").data
    others_field = agreement_files.party_field(agreement.party_for(world.coord_org.id).position)
    response = upload_signed(representative, agreement, external_sign(current, others_field, qualified))
    assert response.status_code in (200, 302)

    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.coordinator.name, "consent": "y"})
    assert response.status_code == 302, response.status_code
    db.session.refresh(agreement)
    if agreement.party_for(world.org.id).signature is None:  # the upload was refused: B signs in the portal
        signatures.sign(world.representative, agreement, password=PASSWORD,
                        typed_name=world.representative.name, consent=True)
        db.session.commit()
    assert agreement.state == "in_force"
    assert verify_pdf(newest_file(agreement).data, [network_ca(), qualified[1]]).ok


def test_verify_page_accepts_a_document_of_record_signed_externally(app, world, qualified):
    """A document of record whose party signed with an accepted qualified signature is still the document of
    record on the public verify page: the portal accepted that signature under its configured trust roots."""
    agreement = make_agreement(world, "approved")
    party = agreement.parties[1]
    signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name, consent=True)
    db.session.commit()
    current = newest_file(agreement).data
    signatures.sign_externally(world.representative, agreement, external_sign(current, "party-1", qualified))
    db.session.commit()
    assert agreement.state == "in_force"

    page = html(upload_to_verify(anonymous(app), newest_file(agreement).data))
    assert shown_at(page, "held").startswith("This file is the document of record of agreement No.")
    assert shown_at(page, "verdict") == f"Complete: the document of record, signed by all {len(agreement.parties)} parties.", page
