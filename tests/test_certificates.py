"""Signatures as the portal makes, keeps and checks them: the network CA and the organisations' certificates in
the database, a three-party agreement signed through to its document of record, the public /verify page
(files and codes, tampered and hostile input), a party's own external signature, the encryption of the stored
keys, certificate issue/rotation/suspension, and a CA loaded from configured files.

The cryptography alone (portal.signing, without the app) is tested in test_signing.py; here everything goes
through the portal's services and HTTP routes, and the PDFs are checked with pyHanko directly.
"""
import hashlib
import io
import os
import re
import subprocess
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from markupsafe import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.agreements import drafting, files as agreement_files, services as agreements, signatures
from portal.origin import Origin, acting_from
from portal.agreements.models import Agreement, AgreementFile, Signature
from portal.agreements.pdf import render_pdf, signature_boxes
from portal.agreements.printing import build_document
from portal.certificates import services as certificates
from portal.certificates.models import CertificateAuthority, OrgCertificate
from portal.errors import NotAllowed
from portal.extensions import db
from portal.signing import ca, keys, pdfsign
from portal.signing.verify import verify_pdf

from .factories import PASSWORD, make_agreement
from .helpers import client_for

NOW = datetime.now(timezone.utc).replace(microsecond=0)
# The three signatories get names with Latvian letters: the stamps must show them as they are.
SIGNER_NAMES = {"coordinator": "Māra Ķēniņa", "representative": "Ilze Ābeltiņa",
                "other_representative": "Līga Žukovska"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
SIGNER_IP = "203.0.113.77"
SIGNER_AGENT = "TestBrowser/1.0 (signing)"


# ---------------------------------------------------------------- helpers

def network_ca() -> x509.Certificate:
    return ca.certificate_from_pem(certificates.ensure_authority().certificate_pem.encode())


def newest_file(agreement) -> AgreementFile:
    db.session.expire_all()
    return agreement_files.current_file(agreement.id)


def files_of(agreement) -> list[AgreementFile]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AgreementFile).where(AgreementFile.agreement_id == agreement.id)
                              .order_by(AgreementFile.revision)).all()


def signatures_of(agreement) -> list[Signature]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Signature).where(Signature.agreement_id == agreement.id)
                              .order_by(Signature.id)).all()


def approved_network_agreement(world) -> Agreement:
    """The network agreement of the three active orgs (coordinating org, B, C), approved: certified, unsigned."""
    for attribute, name in SIGNER_NAMES.items():
        getattr(world, attribute).name = name
    db.session.flush()
    agreement = drafting.draft_network(world.representative, language="lv", valid_from=date.today(),
                                       valid_to=None)
    agreements.submit(world.representative, agreement)
    agreements.approve(world.coordinator, agreement)
    assert [p.org_id for p in agreement.parties] == [world.coord_org.id, world.org.id, world.other_org.id]
    return agreement


SIGNING_ORDER = (1, 0, 2)  # org B signs first, then the coordinating org, then org C: not the printed order


def sign_party(agreement, position: int) -> None:
    party = agreement.parties[position]
    with acting_from(Origin(ip=SIGNER_IP, user_agent=SIGNER_AGENT)):
        signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name,
                        consent=True)


def signed_network_agreement(world) -> Agreement:
    agreement = approved_network_agreement(world)
    for position in SIGNING_ORDER:
        sign_party(agreement, position)
    db.session.commit()
    assert agreement.state == "in_force"
    return agreement


def english(client, path="/verify"):
    """The client's pages in English from now on (the choice is kept in its session)."""
    response = client.get(path, query_string={"lang": "en"})
    assert response.status_code in (200, 302)
    return client


def anonymous(app):
    return english(client_for(app, None))


def html(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field: str, message: str) -> bool:
    """Whether `message` is shown as an error of form field `field` (the `field` macro's markup)."""
    return f'<p class="error" data-field="{field}">{escape(message)}</p>' in page


def upload_to_verify(client, data: bytes, name="agreement.pdf", code=""):
    return client.post("/verify", data={"document": (io.BytesIO(data), name), "code": code},
                       content_type="multipart/form-data")


def shown_at(page: str, name: str) -> str:
    """The text of the first element with data-testid=`name` (tags removed, whitespace collapsed)."""
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>(.*?)</(?:p|span|section|div|td|dd)>', page, re.S)
    assert match, f"no data-testid={name} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def pyhanko_check(data: bytes, roots: list):
    """[(embedded signature, status)] of every signature in `data`, validated by pyHanko against `roots`."""
    reader = PdfFileReader(io.BytesIO(data))
    result = []
    for signature in reader.embedded_regular_signatures:  # document time-stamps: test_long_term_signatures
        context = ValidationContext(trust_roots=[ca.asn1_certificate(r) for r in roots], allow_fetching=False)
        result.append((signature, validate_pdf_signature(signature, context)))
    return result


def signer_fingerprint(signature) -> str:
    return hashlib.sha256(signature.signer_cert.dump()).hexdigest()


def page_count(data: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"])


def page_text(data: bytes, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def add_blank_page(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte_in_signed_range(data: bytes) -> bytes:
    """One bit flipped inside an early content stream: covered by every signature's byte range."""
    damaged = bytearray(data)
    inside = damaged.index(b"stream", 2000) + 200
    damaged[inside] ^= 0x01
    return bytes(damaged)


# ---------------------------------------------------------------- 1, 2: a three-party agreement end to end

def test_three_party_document_of_record_validates_with_pyhanko(app, world):
    agreement = signed_network_agreement(world)
    root = network_ca()

    member = english(client_for(app, world.member), f"/agreements/{agreement.id}")
    response = member.get(f"/agreements/{agreement.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert data == newest_file(agreement).data
    signing_copy = member.get(f"/agreements/{agreement.id}/pdf?copy=signing").data
    assert data.startswith(signing_copy) and len(data) > len(signing_copy)  # only incremental updates

    checked = pyhanko_check(data, [root])
    assert [s.field_name for s, _ in checked] == [
        "network-certification", *(f"party-{position + 1}" for position in SIGNING_ORDER)]
    for signature, status in checked:
        assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True), \
            (signature.field_name, status.pretty_print_details())
        assert status.docmdp_ok is not False, signature.field_name
    certification, certification_status = checked[0]
    assert certification.docmdp_level == MDPPerm.FILL_FORMS
    assert certification_status.docmdp_ok is True
    assert certification_status.modification_level == ModificationLevel.FORM_FILLING
    assert certification.signer_cert.dump() == ca.asn1_certificate(root).dump()
    assert all(s.docmdp_level is None for s, _ in checked[1:])  # approval signatures, not certifications
    # Each signature covers its revision; the B-LTA extension (DSS and document time-stamp) covers the file.
    assert [status.coverage for _, status in checked] == [SignatureCoverageLevel.ENTIRE_REVISION] * 4
    [archive_timestamp] = PdfFileReader(io.BytesIO(data)).embedded_timestamp_signatures
    archive_status = validate_pdf_timestamp(archive_timestamp, ValidationContext(
        trust_roots=[ca.asn1_certificate(root)], allow_fetching=False))
    assert archive_status.valid and archive_status.trusted
    assert archive_status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    for (signature, _status), position in zip(checked[1:], SIGNING_ORDER):
        party = agreement.parties[position]
        subject = signature.signer_cert.subject.native
        assert subject["organization_name"] == ca.short_name(party.org.name)
        assert subject["serial_number"] == party.org.registration_number
        assert str(signature.sig_object["/Name"]) == party.signatory.name
        assert signer_fingerprint(signature) == certificates.current_certificate(party.org).fingerprint

    page = html(member.get(f"/agreements/{agreement.id}"))
    assert shown_at(page, "current-sha") == hashlib.sha256(data).hexdigest()
    assert "Download the document of record (PDF)" in page


def test_visible_stamps_name_each_signer_with_latvian_letters(app, world):
    agreement = approved_network_agreement(world)
    certified = newest_file(agreement).data
    boxes = signature_boxes(build_document(agreement))
    pages = {position: page_count(certified) + page + 1 if page < 0 else page + 1
             for position, (page, _box) in enumerate(boxes)}
    stamp = "Elektroniski parakstīja {}".format
    assert "Elektroniski parakstīja" not in page_text(certified, pages[0])

    signed_so_far = []
    for position in SIGNING_ORDER:
        sign_party(agreement, position)
        db.session.commit()
        signed_so_far.append(position)
        data = newest_file(agreement).data
        for p, party in enumerate(agreement.parties):
            text = page_text(data, pages[p])
            if p in signed_so_far:
                assert stamp(party.signatory.name) in text, (p, text)
            else:
                assert stamp(party.signatory.name) not in text, (p, text)
    assert verify_pdf(data, [network_ca()]).ok


# ---------------------------------------------------------------- 3: the public /verify page

def test_verify_page_confirms_the_document_of_record(app, world):
    agreement = signed_network_agreement(world)
    data = newest_file(agreement).data
    visitor = anonymous(app)

    response = upload_to_verify(visitor, data)
    assert response.status_code == 200
    page = html(response)
    assert page.count('data-testid="signature-row"') == 4
    assert shown_at(page, "verdict") == "Complete: the document of record, signed by all 3 parties."
    assert 'data-verdict="complete"' in page and "verdict-complete" in page
    assert shown_at(page, "held") == (f"This file is the document of record of agreement No. {agreement.number}, "
                                    "byte for byte.")
    assert "no: the signed content was changed" not in page and "no: not issued by the network CA" not in page
    for party in agreement.parties:
        assert party.signatory.name in page and party.org.registration_number in page
    assert hashlib.sha256(data).hexdigest() in page

    # an earlier revision (the copy after the first signature) is recognised as such
    earlier = files_of(agreement)[1]
    page = html(upload_to_verify(visitor, earlier.data))
    assert shown_at(page, "held") == (f"This file is an earlier copy (revision 2) of agreement No. "
                                    f"{agreement.number}; the portal holds a newer one.")
    # ... and its verdict is amber, naming the parties whose signatures it lacks (org B signed first)
    unsigned = [agreement.parties[p].printed_name for p in (0, 2)]
    assert shown_at(page, "verdict") == f"An earlier copy: missing the signatures of {', '.join(unsigned)}."
    assert 'data-verdict="earlier"' in page and "intact and trusted" not in page


def test_verify_page_flags_a_flipped_byte(app, world):
    agreement = signed_network_agreement(world)
    page = html(upload_to_verify(anonymous(app), flip_byte_in_signed_range(newest_file(agreement).data)))
    assert shown_at(page, "verdict") == ("Changed after signing: what the network (Latgales biedrību tīklojums) "
                                       "signed was changed afterwards. Do not rely on this file.")
    assert 'data-verdict="altered"' in page
    assert page.count("no: the signed content was changed") == 4
    # every broken signature is marked as one after which something changed, never "none"
    changes = re.findall(r'data-testid="changes-after">(.*?)</td>', page, re.S)
    assert len(changes) == 4 and all("changed after this signature" in c for c in changes), changes
    assert page.count('class="broken"') == 4
    assert shown_at(page, "held") == "The portal holds no file with exactly these bytes."


def test_verify_page_flags_a_page_added_after_certification(app, world):
    agreement = signed_network_agreement(world)
    page = html(upload_to_verify(anonymous(app), add_blank_page(newest_file(agreement).data)))
    assert shown_at(page, "verdict").startswith("Changed after signing: after the signature of ")
    assert 'data-verdict="altered"' in page
    assert "not allowed changes (e.g. pages added)" in page
    assert "no: the signed content was changed" not in page  # the signed bytes themselves are unchanged


def test_verify_page_says_a_foreign_ca_is_not_trusted(app, world):
    agreement = make_agreement(world, "approved")
    stranger_key, stranger_cert = ca.create_ca("Latgales biedrību tīklojums", now=NOW)  # same name, other key
    document = build_document(agreement)
    fields = [(agreement_files.party_field(i), page, box) for i, (page, box) in enumerate(signature_boxes(document))]
    forged = pdfsign.certify(render_pdf(document), fields=fields, ca_key=stranger_key, ca_cert=stranger_cert,
                             signing_time=NOW)
    key, cert = ca.issue_org_certificate(stranger_key, stranger_cert, org_name=world.org.name,
                                         registration_number=world.org.registration_number, now=NOW)
    forged = pdfsign.sign_party(forged, field_name="party-1", org_key=key, org_cert=cert, ca_cert=stranger_cert,
                                signer_name="Inguna Badune", position="valdes priekšsēdētāja",
                                org_name=world.org.name, signed_at=NOW, language="lv")

    page = html(upload_to_verify(anonymous(app), forged))
    assert shown_at(page, "verdict").startswith("Not trusted: the signature of the network")
    assert 'data-verdict="altered"' in page
    assert page.count("no: not issued by the network CA") == 2
    assert "no: the signed content was changed" not in page


@pytest.mark.parametrize("case", ["not_pdf", "damaged", "encrypted", "too_large", "empty"])
def test_verify_page_explains_files_it_cannot_check(app, world, case):
    app.config["VERIFY_MAX_BYTES"] = 1024 * 1024
    visitor = anonymous(app)
    if case == "empty":
        response = visitor.post("/verify", data={"document": (io.BytesIO(b""), ""), "code": ""},
                                content_type="multipart/form-data")
        assert response.status_code == 200
        assert field_error(html(response), "document", "Choose the PDF file, or type the verification code.")
        return
    data, message = {
        "not_pdf": (b"PK\x03\x04 this is a zip file, not a PDF" * 50, "This is not a PDF file."),
        "damaged": (b"%PDF-1.7\n" + os.urandom(3000), "The PDF is damaged or incomplete and cannot be read."),
        "encrypted": (encrypted_pdf(), "The PDF is encrypted (password-protected): it cannot be checked."),
        "too_large": (b"%PDF-1.7\n" + bytes(1024 * 1024 + 10),
                      "The file is too large: the largest PDF checked here is 1 MB."),
    }[case]
    response = upload_to_verify(visitor, data)
    assert response.status_code == 200
    page = html(response)
    assert shown_at(page, "verify-problem") == message
    assert 'data-testid="verify-report"' not in page


def test_verify_by_code_shows_the_public_record_only(app, world):
    agreement = signed_network_agreement(world)
    draft = make_agreement(world, "draft")
    db.session.commit()
    sha = newest_file(agreement).sha256
    visitor = anonymous(app)

    for typed in (agreement.verification_code, agreement.verification_code.replace("-", "").lower()):
        response = visitor.get("/verify", query_string={"code": typed})
        assert response.status_code == 200
        page = html(response)
        assert 'data-testid="verify-record"' in page, typed
        assert f"Agreement No. {agreement.number}" in page
        assert "<dd>In force</dd>" in page
        assert shown_at(page, "record-sha") == sha
        for party in agreement.parties:
            assert str(escape(party.printed_name)) in page and party.printed_signatory in page
        assert not EMAIL.findall(page), EMAIL.findall(page)
        assert SIGNER_IP not in page and SIGNER_AGENT not in page and "127.0.0.1" not in page

    response = visitor.get("/verify", query_string={"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 200
    page = html(response)
    assert field_error(page, "code", "No agreement of the portal has this verification code.")
    assert 'data-testid="verify-record"' not in page

    response = visitor.get("/verify", query_string={"code": draft.verification_code})
    assert response.status_code == 200
    page = html(response)
    assert field_error(page, "code", "This agreement is still a draft: there is nothing signed to verify yet.")
    assert 'data-testid="verify-record"' not in page and draft.number not in page

    # the code typed into the form (POST, no file) gives the same record
    response = visitor.post("/verify", data={"code": agreement.verification_code}, content_type="multipart/form-data")
    assert response.status_code == 200 and shown_at(html(response), "record-sha") == sha


def test_the_network_ca_certificate_is_downloadable(app, world):
    response = client_for(app, None).get("/verify/network-ca.pem")
    assert response.status_code == 200
    certificate = x509.load_pem_x509_certificate(response.data)
    row = certificates.current_authority_row()
    assert ca.fingerprint_sha256(certificate) == row.fingerprint
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert b"PRIVATE KEY" not in response.data


def test_verify_uploads_are_rate_limited(app, world):
    app.config["VERIFY_RATE_LIMIT"] = "2 per minute"
    visitor = anonymous(app)
    statuses = [upload_to_verify(visitor, b"not a pdf").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert visitor.get("/verify").status_code == 200  # looking at the page is not limited


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


# ---------------------------------------------------------------- 7: a CA from configured files

def configure_ca(app, tmp_path, kind: str):
    key, certificate = ca.create_ca("Latgales biedrību tīklojums (configured)", now=NOW)
    if kind == "pem":
        (tmp_path / "ca.pem").write_bytes(ca.certificate_pem(certificate))
        (tmp_path / "ca.key").write_bytes(keys.dump_private_key(key, b"ca file password"))
        app.config.update(SIGNING_CA_CERT=str(tmp_path / "ca.pem"), SIGNING_CA_KEY=str(tmp_path / "ca.key"),
                          SIGNING_CA_PASSWORD="ca file password")
    else:
        (tmp_path / "ca.p12").write_bytes(pkcs12.serialize_key_and_certificates(
            b"ca", key, certificate, None, serialization.BestAvailableEncryption(b"ca file password")))
        app.config.update(SIGNING_CA_PKCS12=str(tmp_path / "ca.p12"), SIGNING_CA_PASSWORD="ca file password")
    return certificate


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
