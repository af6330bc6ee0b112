"""A three-party agreement signed through to its document of record: it validates with pyHanko (each
signature, the certification, the timestamps) and its visible stamps name each signer with Latvian letters.

The cryptography alone (portal.signing, without the app) is tested in test_signing.py; here everything goes
through the portal's services, and the PDFs are checked with pyHanko directly."""
import hashlib
import io
import subprocess

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from portal.agreements.pdf import signature_boxes
from portal.agreements.printing import build_document
from portal.certificates import services as certificates
from portal.extensions import db
from portal.signing import ca
from portal.signing.verify import verify_pdf

from .certificate_helpers import (SIGNING_ORDER, approved_network_agreement, english, html, network_ca,
                                  newest_file, pyhanko_check, shown_at, sign_party, signed_network_agreement,
                                  signer_fingerprint)
from .helpers import client_for


def page_count(data: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"])


def page_text(data: bytes, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


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
