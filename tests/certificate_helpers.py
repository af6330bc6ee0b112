"""Helpers of the tests of signatures through the portal (test_document_of_record.py, test_verify_page.py,
test_external_signatures.py, test_certificate_keys.py, test_org_certificates.py, and others that sign or
verify): the network CA, a network agreement approved and signed party by party, the /verify page as a
visitor, and PDFs read, altered and checked with pyHanko directly."""
import hashlib
import io
import re
from datetime import date, datetime, timezone

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from markupsafe import escape
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.agreements import drafting, files as agreement_files, services as agreements, signatures
from portal.origin import Origin, acting_from
from portal.agreements.models import Agreement, AgreementFile, Signature
from portal.certificates import services as certificates
from portal.extensions import db
from portal.signing import ca, keys

from .factories import PASSWORD
from .helpers import client_for

NOW = datetime.now(timezone.utc).replace(microsecond=0)
# The three signatories get names with Latvian letters: the stamps must show them as they are.
SIGNER_NAMES = {"coordinator": "Māra Ķēniņa", "representative": "Ilze Ābeltiņa",
                "other_representative": "Līga Žukovska"}
SIGNER_IP = "203.0.113.77"
SIGNER_AGENT = "TestBrowser/1.0 (signing)"


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


def add_blank_page(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte_in_signed_range(data: bytes) -> bytes:
    """One bit flipped inside an early content stream: covered by every signature's byte range."""
    damaged = bytearray(data)
    inside = damaged.index(b"stream", 2000) + 200
    damaged[inside] ^= 0x01
    return bytes(damaged)


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


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
