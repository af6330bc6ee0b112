"""Keeping the document of record verifiable for as long as the agreement matters (PAdES B-LT and B-LTA).

When an agreement enters into force, `extend_to_lta` appends one incremental update to the signed PDF: a DSS
(document security store) with the certificates and revocation data of every signature and of every
time-stamp in it (B-LT; a VRI entry per signature), and a document time-stamp over all of it (B-LTA). Later,
`renew_archival_timestamp` appends the validation data of the last document time-stamp and a new document
time-stamp over that, before the last one's TSA certificate expires or its algorithms weaken (`renewal_due`).
Each step only appends: every earlier revision stays a byte-identical prefix.

Nothing is fetched. The CRLs come from the caller (the network CA's CRL is the portal's own `/ca.crl`); the
revocation data an external signer's tool put into the upload's DSS is reused. Validation data that cannot be
found is an error (LongTermValidationError), not a silently weaker file.
"""
from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta

from asn1crypto import crl as asn1_crl, ocsp as asn1_ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

from .ca import _years_later, asn1_certificate
from .evidence import ValidationData, dss_contents, signature_timestamp, token_signer, token_time, usable_at
from .loop import outside_event_loop
from .tsa import token_size

DOCUMENT_TIMESTAMP_FIELD = "document-timestamp-{}"
# Renew at least this often (the "every N years"), and well before the last time-stamp's TSA
# certificate expires: after that the chain can no longer be extended.
RENEW_EVERY_YEARS = 5
RENEW_BEFORE_EXPIRY = timedelta(days=365)


class LongTermValidationError(RuntimeError):
    """The document could not be extended; `code` says why: unreadable, no_signatures, no_document_timestamp,
    validation_data (a certificate chain or its revocation data is missing; the message names it),
    archive_timestamp_invalid (the last document time-stamp no longer validates), timestamp_unavailable."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def extend_to_lta(pdf: bytes, *, trust_roots: list, timestamper: TimeStamper, now: datetime, crls=(),
                  ocsps=(), certificates=()) -> bytes:
    """`pdf` with one more revision: a DSS with the validation data of every signature and time-stamp in it,
    and a document time-stamp from `timestamper` (B-LTA). `crls`/`ocsps`: DER revocation data to embed (at
    least the network CA's current CRL); `certificates`: extra certificates a chain may need."""
    reader = _reader(pdf)
    signatures = reader.embedded_signatures
    if not signatures:
        raise LongTermValidationError("no_signatures")
    known = ValidationData(tuple(asn1_certificate(c) for c in certificates), tuple(crls), tuple(ocsps))
    known = known + dss_contents(reader)
    return _extend(pdf, reader, signatures, known, trust_roots, timestamper, now)


def renew_archival_timestamp(pdf: bytes, *, trust_roots: list, timestamper: TimeStamper, now: datetime, crls=(),
                             ocsps=(), certificates=()) -> bytes:
    """`pdf` with one more revision: the validation data of its last document time-stamp and a new document
    time-stamp over everything (what pyHanko's `update_archival_timestamp_chain` does, in one revision and
    without fetching). The last time-stamp must still validate now."""
    reader = _reader(pdf)
    archive = reader.embedded_timestamp_signatures
    if not archive:
        raise LongTermValidationError("no_document_timestamp", "extend the document to B-LTA first")
    known = ValidationData(tuple(asn1_certificate(c) for c in certificates), tuple(crls), tuple(ocsps))
    known = known + dss_contents(reader)
    try:
        return _extend(pdf, reader, [archive[-1]], known, trust_roots, timestamper, now)
    except LongTermValidationError as error:
        if error.code == "validation_data":
            raise LongTermValidationError("archive_timestamp_invalid", str(error)) from error
        raise


def renewal_due_at(pdf: bytes, *, every_years: int = RENEW_EVERY_YEARS,
                   before_expiry: timedelta = RENEW_BEFORE_EXPIRY) -> datetime | None:
    """When the archival time-stamp chain must be renewed: `every_years` after the last document time-stamp,
    or `before_expiry` before its TSA certificate expires, whichever comes first. None: the file has no
    document time-stamp (extend_to_lta first)."""
    archive = _reader(pdf).embedded_timestamp_signatures
    if not archive:
        return None
    token = archive[-1].signed_data
    due = _years_later(token_time(token), every_years)
    tsa_certificate = token_signer(token)
    if tsa_certificate is not None:
        due = min(due, tsa_certificate.not_valid_after - before_expiry)
    return due


def renewal_due(pdf: bytes, *, now: datetime, every_years: int = RENEW_EVERY_YEARS,
                before_expiry: timedelta = RENEW_BEFORE_EXPIRY) -> bool:
    """Whether the scheduled job should renew this document now (True also when it has no document
    time-stamp yet: it is not B-LTA)."""
    due = renewal_due_at(pdf, every_years=every_years, before_expiry=before_expiry)
    return due is None or now >= due


# ------------------------------------------------------------------ the update

def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as error:
        raise LongTermValidationError("unreadable", str(error)) from error


def _extend(pdf: bytes, reader: PdfFileReader, covered: list, known: ValidationData, trust_roots: list,
            timestamper: TimeStamper, now: datetime) -> bytes:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    roots = [asn1_certificate(root) for root in trust_roots]
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    crls = [asn1_crl.CertificateList.load(der) for der in known.crls]
    ocsps = [asn1_ocsp.OCSPResponse.load(der) for der in known.ocsps]
    for signature in covered:
        paths = outside_event_loop(_chains, signature, known, roots, now)
        DocumentSecurityStore.supply_dss_in_writer(writer, signature.pkcs7_content, paths=paths, crls=crls,
                                                   ocsps=ocsps, embed_roots=True)
    names = {str(s.field_name) for s in reader.embedded_signatures}
    number = 1 + len(reader.embedded_timestamp_signatures)
    while DOCUMENT_TIMESTAMP_FIELD.format(number) in names:
        number += 1
    stamper = PdfTimeStamper(timestamper, field_name=DOCUMENT_TIMESTAMP_FIELD.format(number))
    try:
        reserved = 2 * token_size(timestamper) + 1024  # hex digits; an outside TSA's tokens vary a little
        output = outside_event_loop(stamper.timestamp_pdf, writer, "sha256", bytes_reserved=reserved)
    except TimestampRequestError as error:
        raise LongTermValidationError("timestamp_unavailable", str(error)) from error
    return output.getvalue()


def _chains(signature, known: ValidationData, roots: list, now: datetime) -> list:
    """The validation paths of a signature's certificate and of its signature time-stamp's TSA (or of a
    document time-stamp's TSA), each validated with its revocation data at the time that matters: a signature
    at the time its time-stamp proves (its certificate may have expired since), a time-stamp now."""
    async def validate_all():
        token = signature_timestamp(signature.signer_info) if signature.sig_object_type == "/Sig" else None
        is_timestamp = signature.sig_object_type == "/DocTimeStamp"
        jobs = [(signature.signed_data, now if (is_timestamp or token is None) else token_time(token))]
        if token is not None:
            jobs.append((token, now))
        return [await _path(signed_data, known, roots, moment, str(signature.field_name))
                for signed_data, moment in jobs]

    return asyncio.run(validate_all())


async def _path(signed_data, known: ValidationData, roots: list, moment: datetime, field_name: str):
    usable = usable_at(known, moment)
    context = ValidationContext(trust_roots=roots, other_certs=list(known.certificates), crls=list(usable.crls),
                                ocsps=list(usable.ocsps), allow_fetching=False, moment=moment,
                                retroactive_revinfo=True, revocation_mode="hard-fail")
    info = extract_certificate_info(signed_data)
    validator = CertificateValidator(info.signer_cert, intermediate_certs=info.other_certs,
                                     validation_context=context)
    try:
        return await validator.async_validate_usage(set())
    except (PathBuildingError, PathValidationError, ValidationError) as error:
        subject = info.signer_cert.subject.human_friendly
        raise LongTermValidationError("validation_data", f"{field_name}: {subject}: {error}") from error
