"""Checking an agreement PDF that anyone may upload: every signature, who made it, when it provably existed,
whether its certificate was good then, and whether anything but signatures changed after the network
certified it.

This runs on the public verify page, on files from strangers, so it never raises for bad input: whatever the
file is, the answer is a `Report`, with `problem` set (a short code the page translates) when the file cannot
be checked at all. Validation uses only the trust roots given (the network CA, configured roots, the CAs and
TSAs of a configured EU trusted list) and the revocation data given or in the file; it never fetches anything.

Validation at the proven time (PAdES, ETSI EN 319 102-1 in its simple form):
- document time-stamps are checked from the last to the first: the last at the validation moment, each
  earlier one at the time of the earliest valid one after it;
- a signature's time-stamp is checked at the time of the first valid document time-stamp after the signature
  (or at the validation moment if there is none);
- the signer's certificate is checked at the time the signature time-stamp proves, or, without a valid one,
  at the time of the first valid document time-stamp after it (else the validation moment). So a certificate
  that has expired since still counts, and one revoked before that time does not.

A file is the document of record only if every signature and document time-stamp holds and the last of them
covers the whole file (`Report.ok`): bytes appended after it are covered by none.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from . import levels
from .ca import asn1_certificate
from .evidence import (TRUST_ANCHOR, UNKNOWN, RevocationStatus, ValidationData, authority_name, dss_contents, revocation_status,
                       signature_timestamp, token_signer, token_time, usable_at)
from .loop import outside_event_loop
from .embedded import covers_whole_file, field_name, is_certification, modification_name, signed_up_to

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
PDF_HEADER_WINDOW = 1024  # readers accept the %PDF- header anywhere in the first 1024 bytes
# pyHanko also wants "startxref <offset> %%EOF" at the end (%%EOF in the last 1024 bytes), but looks for it by
# reading backwards one byte at a time in Python: seconds for a 20 MB file without line breaks. Checked first.
PDF_TRAILER = re.compile(rb"startxref\s+\d+\s+%%EOF")
PDF_TRAILER_WINDOW = 2048
END_OF_FILE = re.compile(rb"%%EOF\s*\Z")


@dataclass(frozen=True)
class TimeStampReport:
    """A signature's time-stamp, or a document time-stamp."""
    time: datetime  # what the TSA vouches for
    authority: str  # the TSA certificate's organisation (or common name)
    intact: bool  # the token is over this signature (this revision)
    valid: bool
    trusted: bool  # the TSA certificate chains to a trust root and was good at `checked_at`
    checked_at: datetime  # when the TSA certificate was validated (a later time-stamp's time, or the moment)
    revocation: RevocationStatus = UNKNOWN  # of the TSA certificate at checked_at
    qualified: bool | None = None  # a qualified time-stamp per the trusted list; None without one

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.revocation.state != "revoked"


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    is_certification: bool
    signer_org: str  # the certificate subject's organisation (or common name)
    signer_serial: str  # the subject's serialNumber: the organisation's registration number
    signer_name: str  # the person, from the signature dictionary's /Name ('' if absent)
    signing_time: datetime | None  # as the signer's clock reported it (the time-stamp is what proves a time)
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature over them is correct
    trusted: bool  # the certificate chains to a trust root and was good at `checked_at`
    docmdp_ok: bool | None  # None: nothing to judge (no later changes the policy applies to)
    modification_level: str  # what changed after this signature: none, lta_updates, form_filling, annotations, other
    covers_whole_file: bool
    signed_up_to: int = 0  # the end of the signed byte range: the length of the file as it was signed
    level: str = "B-B"  # PAdES baseline level: B-B, B-T, B-LT, B-LTA
    timestamp: TimeStampReport | None = None  # the signature time-stamp
    checked_at: datetime | None = None  # the time the certificate was validated at (the proven time)
    revocation: RevocationStatus = UNKNOWN  # of the signer's certificate at checked_at
    trust: str = "untrusted"  # network_ca, trusted_list, configured_root, untrusted
    qualification: str | None = None  # qes, adesig_qc, not_qualified; None without a trusted list

    @property
    def ok(self) -> bool:
        return (self.intact and self.valid and self.trusted and self.docmdp_ok is not False
                and self.revocation.state != "revoked" and (self.timestamp is None or self.timestamp.ok))


@dataclass(frozen=True)
class DocumentTimeStampReport(TimeStampReport):
    field_name: str = ""
    covers_whole_file: bool = False
    signed_up_to: int = 0
    modification_level: str = "unknown"


@dataclass(frozen=True)
class Report:
    sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)
    timestamps: list[DocumentTimeStampReport] = field(default_factory=list)  # document time-stamps
    problem: str | None = None  # too_large, not_pdf, encrypted, unreadable, no_signatures
    checked_at: datetime | None = None  # the validation moment
    ends_with_revision: bool = True  # nothing follows the last revision's %%EOF

    @property
    def ok(self) -> bool:
        """Every signature and document time-stamp holds, and the last of them covers the whole file, or what
        follows it is only validation data (a DSS update), with nothing after the last revision."""
        items = [*self.signatures, *self.timestamps]
        if self.problem is not None or not self.signatures or not all(item.ok for item in items):
            return False
        last = max(items, key=lambda item: item.signed_up_to)
        return self.ends_with_revision and (last.covers_whole_file or last.modification_level == "lta_updates")

    @property
    def level(self) -> str | None:
        """The lowest level among the signatures (what the document as a whole reaches)."""
        return min((s.level for s in self.signatures), key=levels.LEVELS.index, default=None)


def verify_pdf(data: bytes, trust_roots: list, *, crls=(), ocsps=(), moment: datetime | None = None,
               trusted_list=None, network_ca=None, max_bytes: int = MAX_BYTES) -> Report:
    """Every signature and document time-stamp in `data`, in order. `trust_roots`: `cryptography` or
    asn1crypto certificates. `crls`/`ocsps`: DER revocation data known besides the file's own (the network
    CA's current CRL). `moment`: the validation time (default: now). `trusted_list`: a
    `trusted_list.TrustedList`. `network_ca`: signatures chaining to it are reported as trust "network_ca"."""
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
        known = dss_contents(reader) + ValidationData((), tuple(crls), tuple(ocsps))
    except Exception as error:  # a damaged file can fail in many ways inside the parser
        log.info("unreadable PDF %s: %r", digest, error)
        return Report(digest, problem="unreadable")
    signatures = [s for s in embedded if _kind(s) != "/DocTimeStamp"]
    if not signatures:
        return Report(digest, problem="no_signatures")
    checker = _Checker(reader, trust_roots, known, moment or datetime.now(timezone.utc), trusted_list, network_ca)
    last = max(embedded, key=signed_up_to)
    if signed_up_to(last) < len(data):
        checker.review_also = last  # what follows it decides whether the file is complete
    try:
        archive = checker.archive([s for s in embedded if _kind(s) == "/DocTimeStamp"])
        reports = [checker.signature(s) for s in signatures]
    except Exception as error:  # each signature catches its own failures; this is for the file's structure
        log.info("PDF %s could not be checked: %r", digest, error)
        return Report(digest, problem="unreadable")
    return Report(digest, reports, archive, checked_at=checker.moment,
                  ends_with_revision=bool(END_OF_FILE.search(data[-PDF_TRAILER_WINDOW:])))


def validation_context(trust_roots: list, moment: datetime | None = None, *, crls=(), ocsps=(),
                       other_certs=()) -> ValidationContext:
    """A context that never fetches; revocation data issued after `moment` counts for the status at it."""
    return ValidationContext(trust_roots=[asn1_certificate(root) for root in trust_roots],
                             other_certs=list(other_certs), crls=list(crls), ocsps=list(ocsps),
                             allow_fetching=False, moment=moment, retroactive_revinfo=True)


def _kind(signature) -> str:
    try:
        return str(signature.sig_object_type)
    except Exception:
        return ""


class _Checker:
    """Validation of one file at one moment: the archive time-stamp chain first, then each signature."""

    def __init__(self, reader, trust_roots, known: ValidationData, moment: datetime, trusted_list, network_ca):
        self.reader = reader
        self.moment = moment
        self.known = known
        self.trusted_list = trusted_list
        self.roots = [asn1_certificate(root) for root in trust_roots]
        if trusted_list is not None:
            self.roots += list(trusted_list.roots)
        self.network_ca = asn1_certificate(network_ca) if network_ca is not None else None
        self.proofs: list[tuple[int, datetime]] = []  # (signed revision, time) of each valid document time-stamp
        self.first_review = None  # pyHanko's status of the first signature, with its review of later changes
        self._dss: dict[int | None, ValidationData] = {}
        self.review_also = None  # a signature reviewed even when the first review would do
        self._contexts: dict[datetime, ValidationContext] = {}

    def dss_at(self, revision: int | None) -> ValidationData:
        """The DSS as of `revision` (None: as the file ends), read once."""
        if revision not in self._dss:
            handler = self.reader if revision is None else self.reader.get_historical_resolver(revision)
            self._dss[revision] = dss_contents(handler)
        return self._dss[revision]

    def context(self, moment: datetime) -> ValidationContext:
        """One context per moment: every signature's time-stamp is checked at the same time (the first
        document time-stamp's), and a context remembers the paths it has validated."""
        if moment not in self._contexts:
            usable = usable_at(self.known, moment)
            self._contexts[moment] = validation_context(self.roots, moment, crls=usable.crls, ocsps=usable.ocsps,
                                                        other_certs=self.known.certificates)
        return self._contexts[moment]

    def proven_time(self, revision: int) -> datetime:
        """When the revision provably existed: the earliest valid document time-stamp after it, else now."""
        return min((time for rev, time in self.proofs if rev > revision), default=self.moment)

    # ---------------------------------------------------------------- document time-stamps

    def archive(self, timestamps: list) -> list[DocumentTimeStampReport]:
        reports = {}
        for timestamp in sorted(timestamps, key=_revision, reverse=True):
            report = self._document_timestamp(timestamp)
            reports[id(timestamp)] = report
            if report.ok:
                self.proofs.append((_revision(timestamp), report.time))
        return [reports[id(t)] for t in timestamps]

    def _document_timestamp(self, timestamp) -> DocumentTimeStampReport:
        name = field_name(timestamp)
        at = self.proven_time(_revision(timestamp))
        try:
            status = outside_event_loop(validate_pdf_timestamp, timestamp, self.context(at))
            tsa_cert = status.signing_cert
            return DocumentTimeStampReport(
                time=status.timestamp, authority=authority_name(tsa_cert), intact=status.intact,
                valid=status.valid, trusted=status.trusted, checked_at=at,
                revocation=self._revocation(tsa_cert, status.validation_path, at),
                qualified=self._tsa_qualified(tsa_cert, status.timestamp), field_name=name,
                covers_whole_file=covers_whole_file(status), signed_up_to=signed_up_to(timestamp),
                modification_level=modification_name(status))
        except Exception as error:
            log.info("document time-stamp %s could not be validated: %r", name, error)
            return DocumentTimeStampReport(time=datetime.min.replace(tzinfo=timezone.utc), authority="",
                                           intact=False, valid=False, trusted=False, checked_at=at,
                                           field_name=name, signed_up_to=signed_up_to(timestamp))

    # ---------------------------------------------------------------- signatures

    def signature(self, signature) -> SignatureReport:
        """One signature's report; a signature pyHanko cannot even evaluate is reported as broken, not raised."""
        name = field_name(signature)
        try:
            return self._signature(signature, name)
        except Exception as error:
            log.info("signature %s could not be validated: %r", name, error)
            return SignatureReport(
                field_name=name, is_certification=False, signer_org="", signer_serial="", signer_name="",
                signing_time=None, intact=False, valid=False, trusted=False, docmdp_ok=False,
                modification_level="unknown", covers_whole_file=False, signed_up_to=signed_up_to(signature))

    def _signature(self, signature, name: str) -> SignatureReport:
        revision = _revision(signature)
        timestamp_at = self.proven_time(revision)
        token = signature_timestamp(signature.signer_info)
        signer_at = token_time(token) if token is not None else timestamp_at
        status = self._validate(signature, signer_at, timestamp_at)
        timestamp = self._signature_timestamp(status, token, timestamp_at)
        if timestamp is not None and not timestamp.ok and signer_at != timestamp_at:
            signer_at = timestamp_at  # the time-stamp proves nothing: judge the certificate without it
            status = self._validate(signature, signer_at, timestamp_at)
        docmdp_ok, modification = self._changes_after(status)
        certificate = status.signing_cert
        subject = certificate.subject.native
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
            docmdp_ok=docmdp_ok,
            modification_level=modification,
            covers_whole_file=covers_whole_file(status),
            signed_up_to=signed_up_to(signature),
            level=levels.signature_level(self.dss_at, signature, status, timestamp, self.proofs, self.roots),
            timestamp=timestamp,
            checked_at=signer_at,
            revocation=self._revocation(certificate, status.validation_path, signer_at),
            trust=self._trust(status.validation_path),
            qualification=(self.trusted_list.signature_qualification(status.validation_path, signer_at)
                           if self.trusted_list is not None else None),
        )

    def _validate(self, signature, signer_at: datetime, timestamp_at: datetime):
        """pyHanko's validation of the signature, with the certificate judged at `signer_at` and the time-stamp's
        TSA at `timestamp_at`. The review of the changes after a signature reads every object of its revision
        and compares it with each later one; the first signature's review covers every later change, so
        while it finds nothing wrong the later signatures are not reviewed again (see _changes_after)."""
        skip_diff = (self.first_review is not None and self.first_review.docmdp_ok is not False
                     and signature is not self.review_also)
        status = outside_event_loop(validate_pdf_signature, signature, self.context(signer_at),
                                    self.context(timestamp_at), skip_diff=skip_diff)
        if self.first_review is None:
            self.first_review = status
        return status

    def _changes_after(self, status) -> tuple[bool | None, str]:
        """(docmdp_ok, modification level) of a signature: its own review, or, when it was skipped, the
        first signature's, which judged a superset of the changes ("none" if it covers the whole file)."""
        if status.diff_result is not None or status is self.first_review:
            return status.docmdp_ok, modification_name(status)
        if covers_whole_file(status):
            return self.first_review.docmdp_ok, "none"
        return self.first_review.docmdp_ok, modification_name(self.first_review)

    def _signature_timestamp(self, status, token, at: datetime) -> TimeStampReport | None:
        if token is None:
            return None
        ts_status = status.timestamp_validity
        tsa_cert = token_signer(token)
        if ts_status is None:  # pyHanko found the token unusable
            return TimeStampReport(time=token_time(token), authority=authority_name(tsa_cert), intact=False,
                                   valid=False, trusted=False, checked_at=at)
        return TimeStampReport(
            time=ts_status.timestamp, authority=authority_name(ts_status.signing_cert), intact=ts_status.intact,
            valid=ts_status.valid, trusted=ts_status.trusted, checked_at=at,
            revocation=self._revocation(ts_status.signing_cert, ts_status.validation_path, at),
            qualified=self._tsa_qualified(ts_status.signing_cert, ts_status.timestamp))

    # ---------------------------------------------------------------- trust, revocation, qualification

    def _revocation(self, certificate, path, at: datetime) -> RevocationStatus:
        if path is not None and not list(path.iter_certs(include_root=False)):
            return TRUST_ANCHOR  # the signer's certificate is a trust root itself: nothing revokes it
        return revocation_status(certificate, levels.issuer_of(certificate, path, self.known, self.roots), at,
                                 self.known)

    def _trust(self, path) -> str:
        if path is None:
            return "untrusted"
        try:
            anchor = path.trust_anchor.authority.certificate
        except Exception:
            return "configured_root"
        if self.network_ca is not None and anchor.dump() == self.network_ca.dump():
            return "network_ca"
        if self.trusted_list is not None and any(anchor.dump() == r.dump() for r in self.trusted_list.roots):
            return "trusted_list"
        return "configured_root"

    def _tsa_qualified(self, tsa_cert, at: datetime) -> bool | None:
        return self.trusted_list.timestamp_qualified(tsa_cert, at) if self.trusted_list is not None else None


def _revision(signature) -> int:
    return signature.signed_revision
