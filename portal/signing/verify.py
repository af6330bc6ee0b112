"""Checking an agreement PDF that anyone may upload: every signature, who made it, and whether anything but
signatures changed after the network certified it.

This runs on the public verify page, on files from strangers, so it never raises for bad input: whatever
the file is, the answer is a `Report`, with `problem` set (a short code the page translates) when the file
cannot be checked at all. Validation uses only the trust roots given (the network CA, or configured qualified
roots) and never fetches anything (no OCSP, CRL or AIA requests).

A file is the document of record only if every signature holds (`SignatureReport.ok`) and the last one covers
the whole file (`Report.ok`): bytes appended after the last signature are covered by none.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from pyhanko.pdf_utils.generic import NameObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .ca import asn1_certificate
from .loop import outside_event_loop

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
PDF_HEADER_WINDOW = 1024  # readers accept the %PDF- header anywhere in the first 1024 bytes
# pyHanko also wants "startxref <offset> %%EOF" at the end (%%EOF in the last 1024 bytes), but looks for it by
# reading backwards one byte at a time in Python: seconds for a 20 MB file without line breaks. Checked first.
PDF_TRAILER = re.compile(rb"startxref\s+\d+\s+%%EOF")
PDF_TRAILER_WINDOW = 2048


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    is_certification: bool
    signer_org: str  # the certificate subject's organisation (or common name)
    signer_serial: str  # the subject's serialNumber: the organisation's registration number
    signer_name: str  # the person, from the signature dictionary's /Name ('' if absent)
    signing_time: datetime | None  # as the signer's clock reported it; no time-stamp authority vouches for it
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature over them is correct
    trusted: bool  # the certificate chains to one of the trust roots
    docmdp_ok: bool | None  # None: nothing to judge (no later changes the policy applies to)
    modification_level: str  # what changed after this signature: none, lta_updates, form_filling, annotations, other
    covers_whole_file: bool
    signed_up_to: int = 0  # the end of the signed byte range: the length of the file as it was signed

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.docmdp_ok is not False


@dataclass(frozen=True)
class Report:
    sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)
    problem: str | None = None  # too_large, not_pdf, encrypted, unreadable, no_signatures

    @property
    def ok(self) -> bool:
        return (self.problem is None and bool(self.signatures) and all(s.ok for s in self.signatures)
                and self.signatures[-1].covers_whole_file)


def verify_pdf(data: bytes, trust_roots: list, *, max_bytes: int = MAX_BYTES,
               moment: datetime | None = None) -> Report:
    """Every signature in `data`, in signing order. `trust_roots`: `cryptography` or asn1crypto certificates.
    `moment`: the time to validate certificates at (default: now)."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > max_bytes:
        return Report(digest, problem="too_large")
    if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
        return Report(digest, problem="not_pdf")
    if not PDF_TRAILER.search(data[-PDF_TRAILER_WINDOW:]):
        return Report(digest, problem="unreadable")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return Report(digest, problem="encrypted")
        embedded = reader.embedded_signatures
    except Exception as error:  # a damaged file can fail in many ways inside the parser
        log.info("unreadable PDF %s: %r", digest, error)
        return Report(digest, problem="unreadable")
    if not embedded:
        return Report(digest, problem="no_signatures")
    context = validation_context(trust_roots, moment)
    return Report(digest, [_check(signature, context) for signature in embedded])


def validation_context(trust_roots: list, moment: datetime | None = None) -> ValidationContext:
    return ValidationContext(trust_roots=[asn1_certificate(root) for root in trust_roots],
                             allow_fetching=False, moment=moment)


def _check(signature, context: ValidationContext) -> SignatureReport:
    """One signature's report; a signature pyHanko cannot even evaluate is reported as broken, not raised."""
    name = _field_name(signature)
    try:
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except Exception as error:
        log.info("signature %s could not be validated: %r", name, error)
        return SignatureReport(
            field_name=name, is_certification=False, signer_org="", signer_serial="", signer_name="",
            signing_time=None, intact=False, valid=False, trusted=False, docmdp_ok=False,
            modification_level="unknown", covers_whole_file=False)
    subject = status.signing_cert.subject.native
    level = status.modification_level
    return SignatureReport(
        field_name=name,
        is_certification=is_certification(signature.sig_object),
        signer_org=subject.get("organization_name") or subject.get("common_name") or "",
        signer_serial=subject.get("serial_number") or "",
        signer_name=str(signature.sig_object.get("/Name", "")),
        signing_time=status.signer_reported_dt,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        docmdp_ok=status.docmdp_ok,
        modification_level=level.name.lower() if level is not None else "unknown",
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_up_to=_signed_up_to(signature),
    )


def _field_name(signature) -> str:
    try:
        return str(signature.field_name)
    except Exception:
        return ""


def _signed_up_to(signature) -> int:
    try:
        start, length = int(signature.byte_range[2]), int(signature.byte_range[3])
        return start + length
    except Exception:
        return 0


def is_certification(sig_object) -> bool:
    """A certification signature is the one whose signature reference uses the DocMDP transform."""
    try:
        references = sig_object.get("/Reference") or []
        return any(ref.get_object().get("/TransformMethod") == NameObject("/DocMDP") for ref in references)
    except Exception:
        return False
