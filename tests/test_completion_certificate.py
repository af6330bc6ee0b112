"""The completion certificate of an agreement in force: made once at entry into force (by a job with a queue, by
the daily duties when missing), a PDF signed and time-stamped by the network that lists every step of the audit
chain and the document of record's SHA-256; downloadable by whoever may see the agreement; recognized by /verify.
The PDFs are checked with pyHanko and their text read with pdftotext."""
import hashlib
import io
import subprocess

import pytest
import sqlalchemy as sa
from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from portal.agreements import archive, completion, files, services, signatures
from portal.agreements.models import Agreement, AgreementFile, CompletionCertificate
from portal.agreements.schedule import run_daily
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.certificates import revocation, services as certificates
from portal.extensions import db
from portal.origin import Origin, acting_from
from portal.signing.verify import validation_context
from portal.storage import get_storage

from .factories import PASSWORD, make_agreement
from .helpers import client_for
from .agreement_helpers import at_once
from .certificate_helpers import anonymous, flip_byte_in_signed_range, html, shown_at, upload_to_verify
from .test_jobs import queued_paths, work

BROWSERS = ("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1")
ADDRESSES = ("203.0.113.7", "2001:db8::42")


def in_force(world, language="lv") -> Agreement:
    """An agreement signed by both parties, each from an address and a browser of its own."""
    agreement = make_agreement(world, "approved", language=language)
    for party, address, browser in zip(agreement.parties, ADDRESSES, BROWSERS):
        with acting_from(Origin(ip=address, user_agent=browser)):
            signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name,
                            consent=True)
    db.session.commit()
    assert agreement.state == "in_force"
    return agreement


def stored_certificate(agreement) -> tuple[CompletionCertificate, bytes]:
    db.session.expire_all()
    certificate = completion.certificate_of(agreement.id)
    assert certificate is not None
    return certificate, completion.certificate_bytes(certificate)


def pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed: long values wrap anywhere in a table cell."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def contains(text: str, needle: str) -> bool:
    return "".join(needle.split()) in text


def agreement_events(agreement) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "Agreement", AuditEvent.object_id == agreement.id).order_by(AuditEvent.id)).all()


# ---------------------------------------------------------------- the PDF

def test_the_certificate_is_signed_and_time_stamped_by_the_network_and_lists_every_step(app, world):
    agreement = in_force(world)
    certificate, data = stored_certificate(agreement)
    document = files.current_file(agreement.id)
    assert document.event == "lta"  # it names the document of record as extended to B-LTA, as it stays
    assert (certificate.sha256, certificate.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (certificate.document_sha256, certificate.document_revision) == (document.sha256, document.revision)
    assert certificate.language == "lv" and certificate.storage_key == f"agreements/completion/{certificate.sha256}.pdf"

    reader = PdfFileReader(io.BytesIO(data))
    [signature] = reader.embedded_regular_signatures
    roots = certificates.network_trust_roots()
    known = [asn1_crl.CertificateList.load(der) for der in revocation.known_crls()]
    status = validate_pdf_signature(signature, validation_context(roots, crls=known),
                                    validation_context(roots, crls=known))
    assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert status.signing_cert.subject.native["common_name"] == certificates.network_trust_roots()[-1].subject \
        .rfc4514_string().split("CN=")[1].split(",")[0]  # the network CA's own key
    assert signature.docmdp_level.name == "NO_CHANGES"  # certified: nothing may follow

    text = pdf_text(data)
    for words in ("LĪGUMA NOSLĒGŠANAS APLIECINĀJUMS", f"Līgums Nr. {agreement.number}", agreement.title,
                  agreement.verification_code, document.sha256, "Melnraksts sagatavots", "Iesniegts apstiprināšanai",
                  "Apstiprināts, teksts iesaldēts", "Parakstāmais eksemplārs apliecināts",
                  "Stājies spēkā pēc pēdējā paraksta", "arhīva laika zīmogu (B-LTA)"):
        assert contains(text, words), words
    for party, address, browser in zip(agreement.parties, ADDRESSES, BROWSERS):
        assert contains(text, party.printed_name) and contains(text, party.signature.typed_name)
        assert contains(text, address) and contains(text, browser), address
    assert text.count("Parakstīts") == 2
    events = [e for e in agreement_events(agreement) if e.action in completion.STEPS]
    assert [e.action for e in events] == [
        "agreement.drafted", "agreement.submitted", "agreement.approved", "agreement.certified", "agreement.signed",
        "agreement.signed", "agreement.in_force", "agreement.archived"]
    assert contains(text, events[-1].hash)  # the chain's hash of the last step listed
    made = [e for e in agreement_events(agreement) if e.action == "agreement.completion_certified"]
    assert len(made) == 1 and certificate.sha256 in made[0].details and document.sha256 in made[0].details
    assert verify_chain().intact


def test_an_english_agreement_gets_an_english_certificate(app, world):
    agreement = in_force(world, language="en")
    _certificate, data = stored_certificate(agreement)
    text = pdf_text(data)
    for words in ("COMPLETION CERTIFICATE", f"Agreement No. {agreement.number}", "Drafted",
                  "Entered into force with the last signature", "Document of record", "Page 1 of"):
        assert contains(text, words), words
    assert "Parakstīts" not in text


def test_the_certificate_is_not_made_again_and_two_runs_at_once_store_one(app, world):
    agreement = in_force(world)
    first, _ = stored_certificate(agreement)
    assert completion.make_certificate(agreement.id) is False  # it has one
    db.session.delete(first)  # as for an agreement in force before there were certificates
    agreement_id = agreement.id
    db.session.commit()

    results = at_once(app, *(lambda: completion.make_certificate(agreement_id) for _ in range(2)))
    assert sorted(results) == [False, True]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CompletionCertificate)) == 1


def test_the_daily_duties_make_a_missing_certificate(app, world):
    agreement = in_force(world)
    db.session.delete(completion.certificate_of(agreement.id))
    make_agreement(world, "approved")  # not in force: none
    db.session.commit()
    assert run_daily()["completion_certificates"] == 1
    db.session.commit()
    assert run_daily()["completion_certificates"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CompletionCertificate)) == 1


def test_with_a_queue_a_worker_makes_it_after_the_b_lta_extension(queue_app, world):
    agreement = make_agreement(world, "approved")
    work(queue_app)  # the signing copy
    for party in agreement.parties:
        signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name,
                        consent=True)
    db.session.commit()
    assert completion.certificate_of(agreement.id) is None
    assert "portal.agreements.completion:make_certificate" in queued_paths(queue_app)
    page = html(client_for(queue_app, world.representative).get(f"/agreements/{agreement.id}?lang=en"))
    assert 'data-testid="completion-pending"' in page and 'data-testid="completion-link"' not in page

    work(queue_app)
    certificate, _data = stored_certificate(agreement)
    newest = files.current_file(agreement.id)
    assert newest.event == "lta" and certificate.document_sha256 == newest.sha256
    assert [f.event for f in db.session.scalars(sa.select(AgreementFile).where(
        AgreementFile.agreement_id == agreement.id).order_by(AgreementFile.revision))] == [
        "approved", "signed", "signed", "lta"]  # extended once, whichever job came first


# ---------------------------------------------------------------- the agreement page and the download

def test_whoever_sees_the_agreement_downloads_the_certificate_from_its_page(app, world):
    agreement = in_force(world)
    certificate, data = stored_certificate(agreement)
    for person in (world.member, world.representative, world.coordinator):
        client = client_for(app, person)
        page = html(client.get(f"/agreements/{agreement.id}?lang=en"))
        assert "Download the completion certificate (PDF)" in page
        assert shown_at(page, "completion-sha") == f"{certificate.sha256}"
        response = client.get(f"/agreements/{agreement.id}/completion-certificate")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data == data
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="agreement-{agreement.number.replace("/", "-")}-completion-certificate.pdf"')
    stranger = client_for(app, world.other_representative)
    assert stranger.get(f"/agreements/{agreement.id}/completion-certificate").status_code == 404


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_an_agreement_not_in_force_has_no_certificate(app, world, state):
    agreement = make_agreement(world, state)
    db.session.commit()
    client = client_for(app, world.representative)
    assert 'completion-certificate' not in html(client.get(f"/agreements/{agreement.id}"))
    assert client.get(f"/agreements/{agreement.id}/completion-certificate").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CompletionCertificate)) == 0


def test_a_terminated_agreement_keeps_its_certificate(app, world):
    agreement = in_force(world)
    services.terminate(world.coordinator, agreement, "Projekts beidzies")
    db.session.commit()
    _certificate, data = stored_certificate(agreement)
    response = client_for(app, world.member).get(f"/agreements/{agreement.id}/completion-certificate")
    assert response.status_code == 200 and response.data == data


def test_a_certificate_the_file_store_lost_is_a_clear_message_not_an_error(app, world):
    agreement = in_force(world)
    certificate, _ = stored_certificate(agreement)
    get_storage().delete(certificate.storage_key)
    client = client_for(app, world.representative)
    response = client.get(f"/agreements/{agreement.id}/completion-certificate?lang=en")
    assert response.status_code == 302
    assert "cannot be read now" in html(client.get(response.headers["Location"]))


# ---------------------------------------------------------------- /verify

def test_verify_recognizes_the_certificate_and_says_whose_it_is(app, world):
    agreement = in_force(world)
    certificate, data = stored_certificate(agreement)
    page = html(upload_to_verify(anonymous(app), data, name="certificate.pdf"))
    assert 'data-verdict="complete"' in page
    assert shown_at(page, "verdict") == (
        f"A completion certificate of agreement No. {agreement.number}, intact and signed by the network, "
        f"for the document of record with SHA-256 {certificate.document_sha256}.")
    assert shown_at(page, "held") == (f"This file is the completion certificate of agreement No. {agreement.number} "
                                      "that the portal made and holds, byte for byte.")
    assert 'data-match="matches"' in page
    assert "Certification by the network" in page
    assert shown_at(page, "record-completion-sha") == certificate.sha256  # and the agreement's public record
    assert all(address not in page for address in ADDRESSES) and BROWSERS[0] not in page  # never on /verify

    # Years later the document of record carries a new archival time-stamp: the same signatures.
    archive.extend(agreement)
    db.session.commit()
    page = html(upload_to_verify(anonymous(app), data, name="certificate.pdf"))
    assert 'data-match="extended"' in page and files.current_file(agreement.id).sha256 in page


def test_verify_flags_a_changed_certificate(app, world):
    agreement = in_force(world)
    _certificate, data = stored_certificate(agreement)
    page = html(upload_to_verify(anonymous(app), flip_byte_in_signed_range(data), name="certificate.pdf"))
    assert 'data-verdict="altered"' in page and "completion certificate" not in page


# ---------------------------------------------------------------- the demo

def test_the_demo_agreements_in_force_have_their_certificates(app):
    result = app.test_cli_runner().invoke(args=["portal", "demo", "--password", "Latgale seminārs 2017!"])
    assert result.exit_code == 0, result.output
    in_force_now = db.session.scalars(sa.select(Agreement).where(Agreement.state == "in_force")).all()
    assert len(in_force_now) == 2
    for agreement in in_force_now:
        certificate, data = stored_certificate(agreement)
        assert certificate.document_sha256 == files.current_file(agreement.id).sha256
        text = pdf_text(data)
        assert contains(text, "127.0.0.1") and contains(text, "portal demo")
        assert text.count("Parakstīts") == len(agreement.parties)
