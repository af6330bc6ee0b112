"""Signatures that outlive their certificates, as the portal makes them: its own time-stamping authority at
POST /tsa (checked from outside with openssl and curl), the network CA's CRL at /ca.crl and the revocations
it publishes (suspension, rotation), a time-stamp on every signature, the document of record extended to
B-LTA at entry into force and its archival time-stamp renewed by the daily duties, and what /verify says of
levels, time-stamps and revocation. The PDFs are checked with pyHanko.
"""
import io
import subprocess
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from asn1crypto import crl as asn1_crl
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

from portal.agreements import archive
from portal.agreements.models import Agreement
from portal.agreements.schedule import run_daily
from portal.audit.models import AuditEvent
from portal.certificates import revocation, services as certificates, timestamps
from portal.certificates.models import CertificateRevocation, RevocationList
from portal.database import utcnow
from portal.extensions import db
from portal.orgs import services as orgs
from portal.signing import ca, crl, ltv
from portal.signing.verify import validation_context, verify_pdf

from .helpers import client_for
from .http_server import serving
from .certificate_helpers import (anonymous, files_of, html, network_ca, newest_file, shown_at,
                                  signed_network_agreement, upload_to_verify)

YEARS_10 = timedelta(days=3653)


def actions(name: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)).all()


def crl_entry(der: bytes, serial_hex: str):
    return crl.revocation_of(der, int(serial_hex, 16))


def portal_report(data: bytes, moment=None):
    return verify_pdf(data, certificates.network_trust_roots(), crls=revocation.known_crls(), moment=moment,
                      network_ca=network_ca())


# ---------------------------------------------------------------- the network TSA at POST /tsa

def test_openssl_and_curl_get_a_time_stamp_that_openssl_verifies(app, world, tmp_path):
    tsa_pem = timestamps.ensure_tsa_certificate().certificate_pem
    (tmp_path / "ca.pem").write_bytes(certificates.ca_certificate_pem())
    db.session.commit()  # and no more reading here: on SQLite the served app would wait for this transaction
    (tmp_path / "data.txt").write_bytes("Sadarbības līgums Nr. 1".encode())
    (tmp_path / "tsa.pem").write_text(tsa_pem)
    run = lambda *args: subprocess.run(args, cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", "query.tsq")
    with serving(app) as base_url:
        run("curl", "--silent", "--fail", "-H", "Content-Type: application/timestamp-query",
            "--data-binary", "@query.tsq", "-o", "reply.tsr", f"{base_url}/tsa")
    verified = run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "reply.tsr", "-CAfile", "ca.pem",
                   "-untrusted", "tsa.pem")
    assert b"Verification: OK" in verified.stdout
    text = run("openssl", "ts", "-reply", "-in", "reply.tsr", "-text").stdout.decode()
    assert "Status: Granted." in text and "TSA: " in text

    certificate = x509.load_pem_x509_certificate(tsa_pem.encode())
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    assert ca.crl_distribution_urls(certificate) == [f"{app.config['BASE_URL']}/ca.crl"]


@pytest.mark.parametrize("body, content_type, status", [
    (b"not a query at all", "application/timestamp-query", 400),
    (b"\x30\x03\x02\x01\x01", "application/timestamp-query", 400),
    (b"\x30" + b"\x00" * 5000, "application/timestamp-query", 400),
    (b"", "application/timestamp-query", 400),
    (b"\x30\x03\x02\x01\x01", "text/plain", 415),
])
def test_a_malformed_or_oversized_query_gets_400_never_500(app, world, body, content_type, status):
    response = app.test_client().post("/tsa", data=body, content_type=content_type, csrf=False)
    assert response.status_code == status and response.mimetype == "text/plain"


def test_a_sha1_query_gets_an_rfc_3161_rejection(app, world, tmp_path):
    (tmp_path / "data.txt").write_bytes(b"x")
    subprocess.run(["openssl", "ts", "-query", "-data", "data.txt", "-sha1", "-out", "q.tsq"], cwd=tmp_path,
                   check=True, capture_output=True)
    response = app.test_client().post("/tsa", data=(tmp_path / "q.tsq").read_bytes(),
                                      content_type="application/timestamp-query", csrf=False)
    assert response.status_code == 200 and response.mimetype == "application/timestamp-reply"
    (tmp_path / "r.tsr").write_bytes(response.data)
    text = subprocess.run(["openssl", "ts", "-reply", "-in", "r.tsr", "-text"], cwd=tmp_path, check=True,
                          capture_output=True).stdout.decode()
    assert "Status: Rejected." in text and "unrecognized or unsupported algorithm" in text


def test_the_tsa_is_rate_limited(app, world):
    app.config["TSA_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    answers = [client.post("/tsa", data=b"junk", content_type="application/timestamp-query", csrf=False).status_code
               for _ in range(4)]
    assert answers == [400, 400, 400, 429]


# ---------------------------------------------------------------- revocation and /ca.crl

def test_the_crl_is_served_and_names_itself_in_every_certificate(app, world):
    row = certificates.certificate_for(world.org)
    db.session.commit()
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    assert ca.crl_distribution_urls(certificate) == [f"{app.config['BASE_URL']}/ca.crl"]

    response = app.test_client().get("/ca.crl")
    assert response.status_code == 200 and response.mimetype == "application/pkix-crl"
    served = x509.load_der_x509_crl(response.data)
    assert served.is_signature_valid(network_ca().public_key())
    assert served.next_update_utc - served.last_update_utc == crl.VALIDITY
    assert len(served) == 0
    db.session.expire_all()
    assert app.test_client().get("/ca.crl").data == response.data  # served again, not issued again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RevocationList)) == 1


def test_suspending_an_org_revokes_its_certificate_and_publishes_the_crl(app, world):
    old = certificates.certificate_for(world.org)
    orgs.suspend(world.coordinator, world.org, "Nav iesniegts gada pārskats")
    db.session.commit()

    entry = crl_entry(app.test_client().get("/ca.crl").data, old.serial)
    assert entry is not None and entry.reason == "privilege_withdrawn"
    revoked = db.session.scalars(sa.select(CertificateRevocation)).all()
    assert [(r.serial, r.reason, r.org_certificate_id) for r in revoked] == [(old.serial, "privilege_withdrawn",
                                                                             old.id)]
    assert [e.object_id for e in actions("certificate.revoked")] == [old.id]
    assert certificates.current_certificate(world.org) is None

    orgs.reactivate(world.coordinator, world.org)
    new = certificates.certificate_for(world.org)
    db.session.commit()
    assert new.serial != old.serial and crl_entry(app.test_client().get("/ca.crl").data, new.serial) is None


def test_rotation_revokes_the_old_certificate_as_superseded(app, world):
    old = certificates.certificate_for(world.org)
    new = revocation.rotate(world.coordinator, world.org)
    db.session.commit()
    served = app.test_client().get("/ca.crl").data
    assert crl_entry(served, old.serial).reason == "superseded" and crl_entry(served, new.serial) is None

    coordinator = client_for(app, world.coordinator)
    coordinator.get("/coordination/certificates", query_string={"lang": "en"})
    shown = shown_at(html(coordinator.get("/coordination/certificates")), "crl")
    assert shown.startswith(f"Revocation list No. {revocation.current_list().number}, issued ")
    assert "revoked certificates: 1." in shown and "Download the revocation list (CRL)" in shown


def test_the_daily_duties_issue_the_crl_again_before_it_falls_due(app, world):
    first = revocation.publish(utcnow() - timedelta(days=6))
    db.session.commit()
    assert run_daily()["crl_published"] is True
    db.session.commit()
    newest = revocation.current_list()
    assert newest.number == first.number + 1 and newest.this_update > first.this_update
    assert run_daily()["crl_published"] is False  # not due again today
    assert app.test_client().get("/ca.crl").data == newest.der


# ---------------------------------------------------------------- time-stamped signatures and B-LTA

@pytest.fixture
def in_force(app, world) -> Agreement:
    return signed_network_agreement(world)


def test_every_signature_is_time_stamped_and_the_document_of_record_is_b_lta(app, world, in_force):
    stored = files_of(in_force)
    assert [f.event for f in stored] == ["approved", "signed", "signed", "signed", "lta"]
    data = stored[-1].data
    assert data.startswith(stored[-2].data)  # the extension is one incremental update
    assert in_force.archive_due_at is not None and in_force.archive_due_at > utcnow() + timedelta(days=4 * 365)

    reader = PdfFileReader(io.BytesIO(data))
    roots = certificates.network_trust_roots()
    known = [asn1_crl.CertificateList.load(der) for der in revocation.known_crls()]
    tsa_names = set()
    for signature in reader.embedded_regular_signatures:
        status = validate_pdf_signature(signature, validation_context(roots, crls=known),
                                        validation_context(roots, crls=known))
        assert status.bottom_line, status.pretty_print_details()
        assert status.timestamp_validity is not None and status.timestamp_validity.valid
        assert status.timestamp_validity.trusted
        tsa_names.add(status.timestamp_validity.signing_cert.subject.native["common_name"])
    assert tsa_names == {f"{app.config['NETWORK_NAME']} TSA"}
    [document_timestamp] = reader.embedded_timestamp_signatures
    archive_status = validate_pdf_timestamp(document_timestamp, validation_context(roots, crls=known))
    assert archive_status.intact and archive_status.valid and archive_status.trusted
    assert "/DSS" in reader.root

    report = portal_report(data)
    assert report.ok and report.level == "B-LTA"
    assert [s.level for s in report.signatures] == ["B-LTA"] * 4
    assert all(s.revocation.state in ("good", "trust_anchor") for s in report.signatures)
    later = portal_report(data, moment=utcnow() + YEARS_10)  # every certificate long expired by then
    assert later.ok and later.level == "B-LTA"
    [archived] = actions("agreement.archived")
    assert archived.object_id == in_force.id


def test_a_signature_made_before_its_org_was_suspended_stays_valid(app, world, in_force):
    data = newest_file(in_force).data
    org_certificate = certificates.current_certificate(world.org)
    time.sleep(1)  # time-stamps and CRLs count in seconds: a revocation in the signature's own second is "before"
    orgs.suspend(world.coordinator, world.org, "Pārbaude")
    db.session.commit()
    assert crl_entry(revocation.current_list().der, org_certificate.serial) is not None

    report = portal_report(data)
    [party] = [s for s in report.signatures if s.signer_serial == world.org.registration_number]
    assert party.ok and party.revocation.state == "good" and party.revocation.revoked_at is not None
    assert report.ok


def test_a_signature_made_after_revocation_is_flagged(app, world):
    """A certificate revoked (suspension) and then used anyway, as a stolen key would be: /verify flags it."""
    from .certificate_helpers import approved_network_agreement, sign_party

    agreement = approved_network_agreement(world)
    sign_party(agreement, 1)  # org B
    row = certificates.certificate_for(world.other_org)
    revocation.revoke(row, "key_compromise", now=utcnow() - timedelta(minutes=5))
    db.session.commit()

    # a signature with the revoked key, made outside the portal, is flagged by /verify
    from portal.signing import pdfsign

    forged = pdfsign.sign_party(newest_file(agreement).data, field_name="party-3", org_key=certificates.org_key(row),
                                org_cert=ca.certificate_from_pem(row.certificate_pem.encode()), ca_cert=network_ca(),
                                signer_name="Kāds", position="valdes loceklis", org_name=world.other_org.name,
                                signed_at=utcnow(), language="lv", timestamper=timestamps.timestamper())
    report = portal_report(forged)
    [bad] = [s for s in report.signatures if s.field_name == "party-3"]
    assert bad.revocation.state == "revoked" and bad.revocation.reason == "key_compromise"
    assert not bad.ok and not report.ok
    page = html(upload_to_verify(anonymous(app), forged))
    assert "The certificate had been revoked on" in page

    # the portal itself never signs with it again: org C's signature is made with a new certificate
    sign_party(agreement, 2)
    db.session.commit()
    assert certificates.current_certificate(world.other_org).serial != row.serial
    assert portal_report(newest_file(agreement).data).ok


def test_the_daily_duties_renew_the_archival_time_stamp_when_it_is_due(app, world, in_force):
    before = newest_file(in_force)
    assert run_daily()["archived"] == 0  # not due yet
    in_force.archive_due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert run_daily()["archived"] == 1
    db.session.commit()
    after = newest_file(in_force)
    assert after.event == "archive" and after.revision == before.revision + 1
    assert after.data.startswith(before.data)
    reader = PdfFileReader(io.BytesIO(after.data))
    assert len(reader.embedded_timestamp_signatures) == 2
    report = portal_report(after.data, moment=utcnow() + YEARS_10)
    assert report.ok and report.level == "B-LTA" and len(report.timestamps) == 2
    assert ltv.renewal_due_at(after.data) > utcnow() + timedelta(days=4 * 365)
    db.session.refresh(in_force)
    assert in_force.archive_due_at > utcnow() + timedelta(days=4 * 365)
    assert [e.action for e in actions("agreement.archived")] == ["agreement.archived"] * 2


def test_a_failed_extension_is_recorded_and_tried_again(app, world, in_force, monkeypatch):
    in_force.archive_due_at = None
    db.session.commit()

    def refuse(*args, **kwargs):
        raise ltv.LongTermValidationError("validation_data", "party-2: no CRL")

    monkeypatch.setattr(ltv, "renew_archival_timestamp", refuse)
    monkeypatch.setattr(ltv, "extend_to_lta", refuse)
    revision = newest_file(in_force).revision
    assert archive.renew_due() == 0
    db.session.commit()
    assert newest_file(in_force).revision == revision
    assert actions("agreement.archive_failed")[-1].outcome == "failed"
    db.session.refresh(in_force)
    assert in_force.archive_due_at > utcnow()


# ---------------------------------------------------------------- /verify in plain words

def test_verify_shows_levels_time_stamps_and_revocation(app, world, in_force):
    page = html(upload_to_verify(anonymous(app), newest_file(in_force).data))
    assert shown_at(page, "document-level").startswith("The document as a whole: B-LTA: all of that, sealed")
    assert page.count('data-testid="signature-evidence"') == 4
    assert page.count('data-testid="signature-level">B-LTA<') == 4
    assert page.count(f"by {app.config['NETWORK_NAME']}.") == 4  # each time-stamp names the authority
    assert "Signed with the network CA’s own certificate: there is nothing to revoke." in page
    assert page.count("The certificate was not revoked on") == 3
    assert page.count("Trusted by the network’s CA only: not a qualified electronic signature.") == 4
    assert page.count('data-testid="document-timestamp"') == 1

    earlier = files_of(in_force)[1].data  # one signature, time-stamped, without the DSS yet: B-T
    page = html(upload_to_verify(anonymous(app), earlier))
    assert "B-T: the signature carries a time-stamp" in page


def test_verify_in_latvian(app, world, in_force):
    client = client_for(app, None)
    client.get("/verify", query_string={"lang": "lv"})
    page = html(upload_to_verify(client, newest_file(in_force).data))
    assert "Laika zīmogi un sertifikātu atsaukšana" in page and "Dokuments kopumā: B-LTA" in page


# ---------------------------------------------------------------- the demo

def test_the_demo_agreements_in_force_are_b_lta_and_still_validate_in_ten_years(app):
    result = app.test_cli_runner().invoke(args=["portal", "demo", "--password", "Latgale seminārs 2017!"])
    assert result.exit_code == 0, result.output
    in_force = db.session.scalars(sa.select(Agreement).where(Agreement.state == "in_force")).all()
    assert len(in_force) == 2
    roots = certificates.network_trust_roots()
    known = [asn1_crl.CertificateList.load(der) for der in revocation.known_crls()]
    for agreement in in_force:
        data = newest_file(agreement).data
        reader = PdfFileReader(io.BytesIO(data))
        for signature in reader.embedded_regular_signatures:  # pyHanko's own verdict on each signature
            status = validate_pdf_signature(signature, validation_context(roots, crls=known),
                                            validation_context(roots, crls=known))
            assert status.bottom_line and status.timestamp_validity.valid, status.pretty_print_details()
        assert len(reader.embedded_timestamp_signatures) == 1
        for moment in (None, utcnow() + YEARS_10):
            report = portal_report(data, moment=moment)
            assert report.ok and report.level == "B-LTA", (agreement.number, moment)
            assert all(s.intact and s.valid and s.trusted and s.timestamp.ok for s in report.signatures)


def test_replacing_the_ca_revokes_what_the_old_one_issued_and_old_signatures_stay_valid(app, world, in_force,
                                                                                      tmp_path):
    from .certificate_helpers import configure_ca

    old_ca = certificates.ensure_authority()
    old_certificate = certificates.current_certificate(world.org)
    old_tsa = timestamps.ensure_tsa_certificate()
    before = newest_file(in_force)
    db.session.commit()
    time.sleep(1)  # the revocation must fall after the old signatures' second
    configure_ca(app, tmp_path, "pem")
    result = run_daily()
    assert result["revoked_after_ca_change"] == 3  # the three parties' certificates
    db.session.commit()
    assert run_daily()["revoked_after_ca_change"] == 0  # done once

    revoked = db.session.scalars(sa.select(CertificateRevocation).where(
        CertificateRevocation.authority_id == old_ca.id)).all()
    assert {r.reason for r in revoked} == {"cessation_of_operation"} and old_tsa.serial not in {r.serial for r in revoked}
    old_crl = db.session.scalar(sa.select(RevocationList.der).where(RevocationList.authority_id == old_ca.id)
                                .order_by(RevocationList.number.desc()).limit(1))
    assert crl_entry(old_crl, old_certificate.serial).reason == "cessation_of_operation"
    # the document of record got an archival time-stamp from the new CA's TSA, and holds, now and in ten years
    after = newest_file(in_force)
    assert result["archived"] == 1 and after.event == "archive" and after.data.startswith(before.data)
    new_tsa = timestamps.ensure_tsa_certificate()
    assert new_tsa.authority_id == certificates.ensure_authority().id != old_ca.id
    for moment in (None, utcnow() + YEARS_10):
        report = portal_report(after.data, moment=moment)
        assert report.ok and report.level == "B-LTA", moment
    last = PdfFileReader(io.BytesIO(after.data)).embedded_timestamp_signatures[-1]
    assert last.signer_cert.dump() == ca.asn1_certificate(ca.certificate_from_pem(new_tsa.certificate_pem.encode())).dump()
