"""The keys at rest and the network CA: the stored keys open only with the configured secret, no unencrypted
key material in the database; a CA loaded from configured files is stored without its key and certifies, and
after a CA change new signatures chain to the new CA."""
import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from portal.agreements import files as agreement_files
from portal.agreements.models import AgreementFile
from portal.certificates import services as certificates
from portal.certificates.models import CertificateAuthority, OrgCertificate
from portal.extensions import db
from portal.signing import ca, keys
from portal.signing.verify import verify_pdf

from .certificate_helpers import configure_ca, network_ca, newest_file, pyhanko_check
from .factories import make_agreement
from .helpers import client_for


# ---------------------------------------------------------------- 5: keys at rest

@pytest.fixture
def signing_secret(app):
    """A SIGNING_SECRET of its own (set before `world` makes the CA): keys must be derived from it."""
    app.config["SIGNING_SECRET"] = "signing secret from the configuration"
    return app.config["SIGNING_SECRET"]


def test_stored_keys_open_only_with_the_configured_secret(app, signing_secret, world):
    authority = certificates.ensure_authority()
    org_row = certificates.certificate_for(world.org)
    db.session.commit()
    stored = [
        (authority.encrypted_key_pem, "ca", authority.certificate_pem),
        (org_row.encrypted_key_pem, f"org:{org_row.org_id}:{org_row.serial}", org_row.certificate_pem),
    ]
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    for pem, purpose, certificate_pem in stored:
        assert pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----") and pem.rstrip().endswith(
            "-----END ENCRYPTED PRIVATE KEY-----")
        for wrong in ("another secret", app.config["SECRET_KEY"]):
            with pytest.raises(keys.KeyUnlockError):
                keys.load_private_key(pem.encode(), keys.key_encryption_password(wrong, purpose))
        with pytest.raises(keys.KeyUnlockError):
            keys.load_private_key(pem.encode(), None)
        key = keys.load_private_key(pem.encode(), keys.key_encryption_password(signing_secret, purpose))
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        assert key.public_key().public_bytes(*spki) == certificate.public_key().public_bytes(*spki)

    # and the portal signs with them: an agreement signed through verifies
    agreement = make_agreement(world, "in_force")
    assert verify_pdf(newest_file(agreement).data, [network_ca()]).ok


def test_no_unencrypted_key_material_in_the_database(app, world):
    certificates.certificate_for(world.org)
    make_agreement(world, "in_force")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrgCertificate)) >= 2
    dumped = []
    for table in db.metadata.sorted_tables:
        if table.name == "agreement_files":
            continue  # PDFs: signatures hold certificates, never keys (checked below by parsing)
        for row in db.session.execute(sa.select(table)).all():
            dumped.append(" ".join(str(value) for value in row))
    everything = "\n".join(dumped)
    for marker in ("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY", "BEGIN RSA PRIVATE KEY"):
        assert marker not in everything
    for row in db.session.scalars(sa.select(CertificateAuthority)).all() + \
            db.session.scalars(sa.select(OrgCertificate)).all():
        assert row.encrypted_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert "PRIVATE KEY" not in row.certificate_pem
    for stored in db.session.scalars(sa.select(AgreementFile)).all():
        assert b"PRIVATE KEY" not in stored.data


# ---------------------------------------------------------------- 7: a CA from configured files


@pytest.mark.parametrize("kind", ["pem", "pkcs12"])
def test_a_configured_ca_is_stored_without_its_key_and_certifies(app, world, tmp_path, kind):
    generated = certificates.current_authority_row()
    generated_id = generated.id
    configured = configure_ca(app, tmp_path, kind)

    row = certificates.ensure_authority()
    db.session.commit()
    assert row.certificate_pem.encode() == ca.certificate_pem(configured)
    assert row.encrypted_key_pem == ""
    assert row.fingerprint == ca.fingerprint_sha256(configured)
    assert certificates.current_authority_row().id == row.id
    assert db.session.get(CertificateAuthority, generated_id).retired_at is not None
    assert certificates.ensure_authority().id == row.id  # loading it again changes nothing

    agreement = make_agreement(world, "approved")
    db.session.commit()
    certification, status = pyhanko_check(newest_file(agreement).data, [configured])[0]
    assert certification.field_name == "network-certification"
    assert certification.signer_cert.dump() == ca.asn1_certificate(configured).dump()
    assert status.bottom_line

    response = client_for(app, None).get("/verify/network-ca.pem")
    assert x509.load_pem_x509_certificate(response.data) == configured


def test_after_a_ca_change_new_signatures_chain_to_the_new_ca(app, world, tmp_path):
    """Org B got its certificate from the generated CA (it signed before); then the network moves to a CA from
    configured files. What B signs from then on must check out against the CA the portal now hands out
    (/verify/network-ca.pem), as anyone with a PDF reader would check it."""
    before = certificates.certificate_for(world.org)
    db.session.commit()
    configured = configure_ca(app, tmp_path, "pem")
    certificates.ensure_authority()
    db.session.commit()

    agreement = make_agreement(world, "in_force")
    downloadable = x509.load_pem_x509_certificate(client_for(app, None).get("/verify/network-ca.pem").data)
    assert downloadable == configured
    data = newest_file(agreement).data
    checked = pyhanko_check(data, [downloadable])
    assert [(s.field_name, st.trusted) for s, st in checked] == [
        ("network-certification", True), ("party-1", True), ("party-2", True)], \
        f"org B still signs with {before.fingerprint[:16]}…, issued by the retired CA"
    assert verify_pdf(data, [downloadable]).ok
