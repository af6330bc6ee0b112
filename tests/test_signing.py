"""portal.signing without the app: keys, the network CA, certifying and signing a three-party agreement,
verifying it (and damaged, altered or foreign files), and accepting a party's own external signature.

The CA, the organisations' keys and the signed stages of one agreement are made once per module: every test
reads them, none changes them. The fully signed PDF is written to test-artifacts/pdf/signed-agreement.pdf
(`pdftoppm -png -r 100 -f 2 -l 2` shows the stamps).
"""
import base64
import hashlib
import io
import os
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.agreements.document import AgreementDocument, Clause, Party
from portal.agreements.pdf import render_pdf, signature_boxes
from portal.signing import ca, keys, pdfsign
from portal.signing.external import ExternalSignatureRejected, check_external_signature
from portal.signing.verify import verify_pdf

from .certificate_helpers import encrypted_pdf

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
RIGA = timezone(timedelta(hours=2))
NETWORK = "Latgales biedrību tīklojums"
NOW = datetime.now(timezone.utc).replace(microsecond=0)

PARTIES = [
    Party("Biedrība „Baltā māja”", "40008031234", "Rīgas iela 77, Līvāni, Līvānu novads, LV-5316",
          "Inguna Badune", "valdes priekšsēdētāja"),
    Party("Daugavpils Universitātes Mūžizglītības, kultūras un zinātnes komunikācijas biedrība „Intelekta parks”",
          "40008198765", "Vienības iela 13, Daugavpils, LV-5401", "Maija Burima", "valdes priekšsēdētāja"),
    Party("Biedrība „ATTĪSTĪBAI”", "40008045678", "Skolas iela 5, Izvalta, Krāslavas novads, LV-5668",
          "Līga Žukovska", "valdes locekle"),
]


def agreement(number: str = "LBT-2026/07") -> AgreementDocument:
    return AgreementDocument(
        number=number, title="Sadarbības līgums", language="lv", network_name=NETWORK, parties=PARTIES,
        clauses=[Clause(1, "Līguma priekšmets", "Puses sadarbojas resursu apmaiņā.\nSadarbība ir brīvprātīga."),
                 Clause(2, "Nobeiguma noteikumi", "Strīdus Puses risina sarunu ceļā.")],
        valid_from=date(2026, 12, 1), valid_to=None, place="Daugavpilī", verification_code="7K3F-9Q2M",
        verify_url="https://tiklojums.example.lv/verify/7K3F-9Q2M", created=NOW,
    )


def field_specs(doc: AgreementDocument) -> list[tuple[str, int, tuple]]:
    return [(f"party-{i + 1}", page, box) for i, (page, box) in enumerate(signature_boxes(doc))]


def signed_at(i: int) -> datetime:
    return NOW + timedelta(minutes=5 * (i + 1))


# ------------------------------------------------------------------ module fixtures

@pytest.fixture(scope="module")
def network():
    return ca.create_ca(NETWORK, now=NOW)


@pytest.fixture(scope="module")
def orgs(network):
    ca_key, ca_cert = network
    return [ca.issue_org_certificate(ca_key, ca_cert, org_name=p.name, registration_number=p.registration_number,
                                     now=NOW) for p in PARTIES]


@pytest.fixture(scope="module")
def certified(network):
    ca_key, ca_cert = network
    return pdfsign.certify(render_pdf(agreement()), fields=field_specs(agreement()), ca_key=ca_key,
                           ca_cert=ca_cert, signing_time=NOW)


def sign_as(pdf: bytes, i: int, org, ca_cert, language="lv") -> bytes:
    key, cert = org
    party = PARTIES[i]
    return pdfsign.sign_party(pdf, field_name=f"party-{i + 1}", org_key=key, org_cert=cert, ca_cert=ca_cert,
                              signer_name=party.representative_name, position=party.representative_position,
                              org_name=party.name, signed_at=signed_at(i), language=language)


@pytest.fixture(scope="module")
def stages(certified, orgs, network):
    """The file after certification and after each party's signature: [certified, 1 signed, 2 signed, 3 signed]."""
    result = [certified]
    for i, org in enumerate(orgs):
        result.append(sign_as(result[-1], i, org, network[1]))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "signed-agreement.pdf").write_bytes(result[-1])
    return result


@pytest.fixture(scope="module")
def qualified():
    """A stand-in for a qualified trust service: another CA the portal is configured to trust for uploads."""
    return ca.create_ca("Test Qualified Trust Service", now=NOW)


# ------------------------------------------------------------------ keys and certificates

def test_dumped_key_opens_only_with_its_own_secret_and_purpose():
    key = keys.new_signing_key()
    password = keys.key_encryption_password("configured secret", "org:42")
    pem = keys.dump_private_key(key, password)

    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    raw = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    assert raw not in pem and raw not in pem_body(pem)
    assert keys.load_private_key(pem, password).private_numbers() == key.private_numbers()
    with pytest.raises(keys.KeyUnlockError):
        keys.load_private_key(pem, keys.key_encryption_password("another secret", "org:42"))
    with pytest.raises(keys.KeyUnlockError):
        keys.load_private_key(pem, keys.key_encryption_password("configured secret", "org:43"))


def pem_body(pem: bytes) -> bytes:
    return base64.b64decode(b"".join(pem.splitlines()[1:-1]))


def test_key_passwords_are_derived_per_purpose_and_printable():
    a = keys.key_encryption_password("s", "ca")
    assert a == keys.key_encryption_password("s", "ca")
    assert a != keys.key_encryption_password("s", "org:1")
    assert a.isascii() and len(a) >= 40


def test_org_certificate_is_for_signing_documents_and_chains_to_the_ca(network, orgs):
    ca_key, ca_cert = network
    _key, cert = orgs[1]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(ca_cert)
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    subject = cert.subject
    assert subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value == "40008198765"
    assert subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)[0].value == "LV"
    # 114 characters: longer than a certificate name may be, so shortened at a word
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value.startswith(
        "Daugavpils Universitātes Mūžizglītības")
    assert orgs[0][1].serial_number != orgs[1][1].serial_number


def test_ca_certificate(network):
    _key, ca_cert = network
    constraints = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca and constraints.path_length == 0
    usage = ca_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert ca_cert.subject == ca_cert.issuer
    assert ca.certificate_from_pem(ca.certificate_pem(ca_cert)) == ca_cert
    assert len(ca.fingerprint_sha256(ca_cert)) == 64


def test_ca_loads_from_pem_files_and_pkcs12(network, tmp_path):
    ca_key, ca_cert = network
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem(ca_cert))
    (tmp_path / "ca.key").write_bytes(keys.dump_private_key(ca_key, b"pass"))
    key, cert = ca.load_ca_from_files(tmp_path / "ca.pem", tmp_path / "ca.key", b"pass")
    assert cert == ca_cert and key.private_numbers() == ca_key.private_numbers()
    with pytest.raises(keys.KeyUnlockError):
        ca.load_ca_from_files(tmp_path / "ca.pem", tmp_path / "ca.key", b"wrong")

    (tmp_path / "ca.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"ca", ca_key, ca_cert, None, serialization.BestAvailableEncryption(b"p12")))
    key, cert = ca.load_ca_from_pkcs12(tmp_path / "ca.p12", b"p12")
    assert cert == ca_cert
    with pytest.raises(keys.KeyUnlockError):
        ca.load_ca_from_pkcs12(tmp_path / "ca.p12", b"nope")


# ------------------------------------------------------------------ certify, sign, verify

def test_three_party_agreement_verifies(stages, network):
    report = verify_pdf(stages[-1], [network[1]])

    assert report.problem is None and report.ok
    assert [s.field_name for s in report.signatures] == ["network-certification", "party-1", "party-2", "party-3"]
    certification, *approvals = report.signatures
    assert certification.is_certification and not any(s.is_certification for s in approvals)
    assert certification.signer_org == NETWORK and certification.signer_name == NETWORK
    for s in report.signatures:
        assert (s.intact, s.valid, s.trusted, s.ok) == (True, True, True, True)
        assert s.docmdp_ok is not False
    for i, s in enumerate(approvals):
        assert s.signer_name == PARTIES[i].representative_name
        assert s.signer_serial == PARTIES[i].registration_number
        assert s.signing_time == signed_at(i)
        assert s.modification_level in ("none", "form_filling")
    assert approvals[0].signer_org == "Biedrība „Baltā māja”"
    assert certification.signing_time == NOW
    assert [s.covers_whole_file for s in report.signatures] == [False, False, False, True]
    assert report.sha256 == hashlib.sha256(stages[-1]).hexdigest()


def test_each_signature_stays_valid_after_the_later_ones(stages, network):
    for n, pdf in enumerate(stages):
        report = verify_pdf(pdf, [network[1]])
        assert report.ok, (n, report)
        assert len(report.signatures) == n + 1
        assert stages[-1].startswith(pdf)  # every signature only appended an update


def test_the_stamp_shows_the_signer_with_latvian_letters(stages):
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=stages[-1],
                          capture_output=True, check=True).stdout.decode()
    assert "Elektroniski parakstīja Līga Žukovska" in text
    assert "valdes priekšsēdētāja" in text
    local = signed_at(0).astimezone(pdfsign.LOCAL_TIME)
    assert f"plkst. {local:%H:%M}" in text


def test_signing_a_field_twice_or_a_missing_field_fails(stages, orgs, network):
    with pytest.raises(pdfsign.SigningError):
        sign_as(stages[1], 0, orgs[0], network[1])  # party-1 is already signed
    key, cert = orgs[0]
    with pytest.raises(pdfsign.SigningError):
        pdfsign.sign_party(stages[0], field_name="party-9", org_key=key, org_cert=cert, ca_cert=network[1],
                           signer_name="X", position="Y", org_name="Z", signed_at=NOW, language="en")


def test_an_english_stamp(certified, orgs, network):
    signed = sign_as(certified, 1, orgs[1], network[1], language="en")
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=signed,
                          capture_output=True, check=True).stdout.decode()
    local = signed_at(1).astimezone(pdfsign.LOCAL_TIME)
    assert "Electronically signed by Maija Burima" in text
    assert f"{local.day} " in text and f"{local:%H:%M} (Riga time)" in text
    assert verify_pdf(signed, [network[1]]).ok


def test_a_certified_document_cannot_be_certified_again(certified, network):
    with pytest.raises(pdfsign.SigningError):
        pdfsign.certify(certified, fields=[("party-9", -1, (10, 10, 100, 50))], ca_key=network[0],
                        ca_cert=network[1], signing_time=NOW)
    with pytest.raises(pdfsign.SigningError):
        pdfsign.certify(b"%PDF-1.7 nothing else", fields=[], ca_key=network[0], ca_cert=network[1],
                        signing_time=NOW)


def test_a_flipped_byte_breaks_the_signatures_that_cover_it(stages, network):
    data = bytearray(stages[-1])
    inside = data.index(b"stream", 2000) + 200  # inside an early stream, covered by every signature
    data[inside] ^= 0x01
    report = verify_pdf(bytes(data), [network[1]])
    assert not report.ok
    assert report.signatures and not any(s.intact for s in report.signatures)


def add_blank_page(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_page_added_after_certification_fails_docmdp(stages, network):
    report = verify_pdf(add_blank_page(stages[-1]), [network[1]])
    assert not report.ok
    certification = report.signatures[0]
    assert certification.intact and certification.valid and certification.trusted
    assert certification.docmdp_ok is False and not certification.ok
    assert report.signatures[-1].modification_level == "other"


def test_a_foreign_ca_is_not_trusted(stages, qualified):
    report = verify_pdf(stages[-1], [qualified[1]])
    assert not report.ok
    assert all(s.intact and s.valid and not s.trusted for s in report.signatures)


def test_signatures_are_judged_at_the_validation_moment(stages, network):
    """No time-stamps: once an organisation's certificate has expired (3 years), its signature is no longer
    trusted at "now"; validating at the time of signing still works. The web layer decides which to show."""
    later = verify_pdf(stages[-1], [network[1]], moment=NOW + timedelta(days=4 * 365))
    assert [s.trusted for s in later.signatures] == [True, False, False, False]
    assert verify_pdf(stages[-1], [network[1]], moment=signed_at(2)).ok


def test_bytes_after_the_last_signature_are_not_the_document_of_record(stages, network):
    report = verify_pdf(stages[-1] + b"\n% appended\n", [network[1]])
    assert report.signatures and not report.signatures[-1].covers_whole_file and not report.ok


# ------------------------------------------------------------------ bad input never raises

@pytest.mark.parametrize("data, problem", [
    (os.urandom(5000), "not_pdf"),
    (b"", "not_pdf"),
    (b"%PDF-1.7\n" + os.urandom(5000), "unreadable"),
    (b"%PDF-1.7\n%%EOF", "unreadable"),
])
def test_garbage_gives_a_problem_code(data, problem, network):
    report = verify_pdf(data, [network[1]])
    assert report.problem == problem and not report.ok and report.signatures == []


def test_truncated_files_give_a_problem_or_a_failing_report(stages, network):
    full = stages[-1]
    for cut in (len(full) // 3, len(full) // 2, len(full) - 300, len(full) - 5):
        report = verify_pdf(full[:cut], [network[1]])
        assert not report.ok, cut


def test_encrypted_huge_and_unsigned_files(network):
    assert verify_pdf(encrypted_pdf(), [network[1]]).problem == "encrypted"
    huge = b"%PDF-1.7\n" + bytes(25 * 1024 * 1024)
    assert verify_pdf(huge, [network[1]]).problem == "too_large"
    assert verify_pdf(render_pdf(agreement()), [network[1]]).problem == "no_signatures"


def test_a_big_file_without_a_trailer_is_refused_quickly(network):
    start = time.perf_counter()
    assert verify_pdf(b"%PDF-1.7\n" + bytes(19 * 1024 * 1024), [network[1]]).problem == "unreadable"
    assert time.perf_counter() - start < 2  # pyHanko alone takes ~5 s to give up on this file


# ------------------------------------------------------------------ a party's external signature

def external_sign(pdf: bytes, field: int, signer_ca, org_name="Inguna Badune") -> bytes:
    """A signature the party made with its own (qualified) certificate, from another trust service."""
    key, cert = ca.issue_org_certificate(*signer_ca, org_name=org_name, registration_number="PNOLV-010180-12345",
                                         now=NOW)
    return pdfsign.sign_party(pdf, field_name=f"party-{field}", org_key=key, org_cert=cert, ca_cert=signer_ca[1],
                              signer_name="Inguna Badune", position="valdes priekšsēdētāja",
                              org_name="Biedrība „Baltā māja”", signed_at=NOW, language="lv")


def test_external_signature_is_accepted(stages, qualified):
    uploaded = external_sign(stages[1], 2, qualified)
    report = check_external_signature(stages[1], uploaded, [qualified[1]])
    assert report.field_name == "party-2" and report.trusted and report.covers_whole_file
    assert report.signer_name == "Inguna Badune"


def test_external_signature_from_another_tool_in_a_new_invisible_field_is_accepted(stages, qualified):
    """As a party's own signing software would do it: stock pyHanko, its own new field, no /Name."""
    key, cert = ca.issue_org_certificate(*qualified, org_name="Inguna Badune", registration_number="PNOLV-1",
                                         now=NOW)
    signer = signers.SimpleSigner(
        signing_cert=ca.asn1_certificate(cert), cert_registry=SimpleCertificateStore.from_certs([]),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(stages[1])),
                           signers.PdfSignatureMetadata(field_name="eParaksts", subfilter=SigSeedSubFilter.PADES),
                           signer=signer, existing_fields_only=False)
    report = check_external_signature(stages[1], out.getvalue(), [qualified[1]])
    assert report.field_name == "eParaksts" and report.signer_name == "" and report.signer_serial == "PNOLV-1"


def test_external_signature_on_another_document_is_rejected(stages, network, qualified):
    other = pdfsign.certify(render_pdf(agreement("LBT-2026/08")), fields=field_specs(agreement()),
                            ca_key=network[0], ca_cert=network[1], signing_time=NOW)
    assert reject_code(stages[1], external_sign(other, 2, qualified), qualified) == "different_document"
    # the same agreement, but signed on an older copy (before party 1 signed)
    assert reject_code(stages[1], external_sign(stages[0], 2, qualified), qualified) == "different_document"
    assert reject_code(stages[1], b"not a pdf at all", qualified) == "not_pdf"
    assert reject_code(stages[1], encrypted_pdf(), qualified) == "encrypted"


def reject_code(current: bytes, uploaded: bytes, trust) -> str:
    with pytest.raises(ExternalSignatureRejected) as rejected:
        check_external_signature(current, uploaded, [trust[1]])
    return rejected.value.code


def test_external_signature_that_adds_a_page_is_rejected(stages, qualified):
    uploaded = external_sign(add_blank_page(stages[1]), 2, qualified)
    assert reject_code(stages[1], uploaded, qualified) == "other_changes"


def test_external_signature_by_an_untrusted_ca_is_rejected(stages, qualified):
    stranger = ca.create_ca("Unknown Trust Service", now=NOW)
    assert reject_code(stages[1], external_sign(stages[1], 2, stranger), qualified) == "untrusted"


def test_two_new_signatures_or_none_are_rejected(stages, qualified):
    twice = external_sign(external_sign(stages[1], 2, qualified), 3, qualified)
    assert reject_code(stages[1], twice, qualified) == "not_one_signature"
    assert reject_code(stages[1], stages[1], qualified) == "not_one_signature"


def test_external_signature_with_bytes_appended_is_rejected(stages, qualified):
    uploaded = external_sign(stages[1], 2, qualified) + b"\n% appended\n"
    assert reject_code(stages[1], uploaded, qualified) == "not_whole_file"



def test_signing_and_verifying_work_inside_a_running_event_loop(certified, orgs, network):
    """pyHanko's sync API calls asyncio.run, which fails in a thread that runs an event loop (an async server,
    or Playwright's sync API earlier in the same test process): the portal must sign and verify there too."""
    import asyncio

    async def sign_and_verify():
        assert asyncio.get_running_loop()
        signed = sign_as(certified, 0, orgs[0], network[1])
        return verify_pdf(signed, [network[1]])

    report = asyncio.run(sign_and_verify())
    assert report.problem is None
    assert [s.ok for s in report.signatures] == [True, True]
