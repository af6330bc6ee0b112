"""The public /verify page: it confirms the document of record, flags a flipped byte, a page added after
certification and a foreign CA, explains files it cannot check (tampered and hostile input), shows only the
public record for a code, offers the network CA's certificate and limits the rate of uploads."""
import hashlib
import io
import os
import re

import pytest
from cryptography import x509
from markupsafe import escape

from portal.agreements import files as agreement_files
from portal.agreements.pdf import render_pdf, signature_boxes
from portal.agreements.printing import build_document
from portal.certificates import services as certificates
from portal.extensions import db
from portal.signing import ca, pdfsign

from .certificate_helpers import (NOW, SIGNER_AGENT, SIGNER_IP, add_blank_page, anonymous, encrypted_pdf, field_error,
                                  files_of, flip_byte_in_signed_range, html, newest_file, shown_at,
                                  signed_network_agreement, upload_to_verify)
from .factories import make_agreement
from .helpers import client_for

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


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
