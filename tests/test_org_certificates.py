"""The organisations' certificates: issued when a membership application is approved, rotated (later
signatures use the new one), and a suspended organisation cannot sign until it is reactivated."""
import pytest
import sqlalchemy as sa
from cryptography import x509

from portal.agreements import signatures
from portal.certificates import services as certificates
from portal.certificates.models import OrgCertificate
from portal.errors import NotAllowed
from portal.extensions import db
from portal.signing import ca
from portal.signing.verify import verify_pdf

from .certificate_helpers import (english, files_of, html, network_ca, newest_file, pyhanko_check, signatures_of,
                                  signer_fingerprint)
from .factories import PASSWORD, make_agreement
from .helpers import client_for


# ---------------------------------------------------------------- 6: organisations' certificates

def test_approving_a_membership_application_issues_a_certificate(app, world):
    applicant = world.applicant_org
    assert certificates.current_certificate(applicant) is None
    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/coordination/applications/{applicant.id}/approve")
    assert response.status_code == 302
    db.session.expire_all()
    assert applicant.state == "active"
    row = certificates.current_certificate(applicant)
    assert row is not None and row.retired_at is None
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    subject = certificate.subject
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value == applicant.name
    assert subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value == applicant.registration_number
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature and not usage.key_cert_sign
    root = network_ca()
    certificate.verify_directly_issued_by(root)
    assert row.fingerprint == ca.fingerprint_sha256(certificate)
    assert row.not_after == certificate.not_valid_after_utc

    page = html(coordinator.get("/coordination/certificates"))
    assert row.fingerprint[:16] in page


def test_rotation_retires_the_certificate_and_later_signatures_use_the_new_one(app, world):
    old = certificates.certificate_for(world.org)
    agreement = make_agreement(world, "approved")
    db.session.commit()
    old_id, old_fingerprint = old.id, old.fingerprint

    assert client_for(app, world.representative).post(
        f"/coordination/certificates/{world.org.id}/rotate").status_code == 403
    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/coordination/certificates/{world.org.id}/rotate")
    assert response.status_code == 302
    db.session.expire_all()
    old = db.session.get(OrgCertificate, old_id)
    assert old.retired_at is not None and old.retired_reason == "rotated"
    new = certificates.current_certificate(world.org)
    assert new.id != old_id and new.fingerprint != old_fingerprint and new.retired_at is None
    rows = db.session.scalars(sa.select(OrgCertificate).where(OrgCertificate.org_id == world.org.id)).all()
    assert sorted(r.id for r in rows if r.retired_at is None) == [new.id]
    assert new.fingerprint[:16] in html(coordinator.get("/coordination/certificates"))

    signatures.sign(world.representative, agreement, password=PASSWORD, typed_name=world.representative.name,
                    consent=True)
    db.session.commit()
    checked = pyhanko_check(newest_file(agreement).data, [network_ca()])
    party_signature, status = checked[-1]
    assert signer_fingerprint(party_signature) == new.fingerprint != old_fingerprint
    assert status.bottom_line


def test_a_suspended_org_cannot_sign_until_reactivated(app, world):
    agreement = make_agreement(world, "approved")
    db.session.commit()
    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "Nav samaksāta biedru nauda"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.org.state == "suspended"

    representative = english(client_for(app, world.representative), f"/agreements/{agreement.id}")
    response = representative.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"}, follow_redirects=True)
    assert signatures_of(agreement) == [] and len(files_of(agreement)) == 1
    assert response.status_code in (200, 403)
    # told why (certificates.SigningUnavailable's message), not only "Your role does not allow this action."
    assert f"{world.org.name} is not an active member and cannot sign now." in html(response), html(response)
    with pytest.raises((NotAllowed, certificates.SigningUnavailable)):  # the service refuses too
        signatures.sign(world.representative, agreement, password=PASSWORD,
                        typed_name=world.representative.name, consent=True)
    db.session.rollback()
    with pytest.raises(certificates.SigningUnavailable):
        certificates.certificate_for(world.org)
    db.session.rollback()

    response = coordinator.post(f"/orgs/{world.org.id}/reactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert world.org.state == "active"
    response = representative.post(f"/agreements/{agreement.id}/sign", data={
        "password": PASSWORD, "typed_name": world.representative.name, "consent": "y"})
    assert response.status_code == 302
    assert [s.org_id for s in signatures_of(agreement)] == [world.org.id]
    assert verify_pdf(newest_file(agreement).data, [network_ca()]).ok
