"""Accepting a party's own qualified e-signature, made outside the portal on the signing copy.

The party downloads the current signing copy, signs it with its own tool (eParaksts and the like) and uploads
the result. Latvian tools time-stamp the signature (LVRTC's qualified TSA) and may add validation data (DSS,
VRI) and document time-stamps in the same file. The portal cannot see how the tool changed the file, so it
accepts the upload only if it provably is the current copy plus exactly that:

- it starts with the exact bytes of the current copy (so every earlier signature and the text are unchanged),
- exactly one signature was added, in the party's own (empty) field or in a new field, intact, valid, trusted
  by the configured (qualified) trust roots and not revoked at the time its time-stamp proves,
- its signature time-stamp and any document time-stamps added validate,
- nothing else changed: no page, annotation, form field or metadata change (`changes.forbidden_changes`
  names which), nothing pyHanko's difference analysis flags, and after the signature only validation data
  and document time-stamps,
- and no bytes follow the last revision.
"""
from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields

from .changes import CODES, forbidden_changes
from .verify import SignatureReport, verify_pdf

REASONS = ("not_pdf", "encrypted", "too_large", "unreadable", "different_document", "not_one_signature",
           "wrong_field", "invalid", "untrusted", "other_changes", "not_whole_file")
# What exactly was wrong, where a reason covers several cases: for "other_changes" every kind of change found
# (changes.CODES), for "untrusted" "revoked", for "invalid" "timestamp_invalid".
DETAILS = (*CODES, "revoked", "timestamp_invalid")


class ExternalSignatureRejected(Exception):
    """The upload is not acceptable; `code` (one of REASONS) says why, for a translated message; `details`
    (from DETAILS, possibly empty) names what exactly, for a more precise one."""

    def __init__(self, code: str, details: list[str] | None = None):
        super().__init__(": ".join([code, ", ".join(details)]) if details else code)
        self.code = code
        self.details = list(details or [])


def check_external_signature(current_copy: bytes, uploaded: bytes, trust_roots: list, *,
                             field_name: str | None = None, crls=(), ocsps=(), trusted_list=None,
                             moment=None) -> SignatureReport:
    """The report of the one signature the upload adds to `current_copy`, or ExternalSignatureRejected.
    `field_name`: the party's field; a signature in another party's existing field is refused. `crls`,
    `ocsps`, `trusted_list`, `moment`: as for verify_pdf."""
    report = verify_pdf(uploaded, trust_roots, crls=crls, ocsps=ocsps, trusted_list=trusted_list, moment=moment)
    if report.problem == "no_signatures":
        raise ExternalSignatureRejected("not_one_signature")
    if report.problem:
        raise ExternalSignatureRejected(report.problem)
    if len(uploaded) <= len(current_copy) or not uploaded.startswith(current_copy):
        if uploaded == current_copy:
            raise ExternalSignatureRejected("not_one_signature")
        raise ExternalSignatureRejected("different_document")

    new = [s for s in report.signatures if s.signed_up_to > len(current_copy)]
    if len(new) != 1:
        raise ExternalSignatureRejected("not_one_signature")
    signature = new[0]
    current = PdfFileReader(io.BytesIO(current_copy), strict=False)
    if field_name and signature.field_name != field_name and signature.field_name in _field_names(current):
        raise ExternalSignatureRejected("wrong_field")
    if not (signature.intact and signature.valid):
        raise ExternalSignatureRejected("invalid")
    if signature.revocation.state == "revoked":
        raise ExternalSignatureRejected("untrusted", ["revoked"])
    if not signature.trusted:
        raise ExternalSignatureRejected("untrusted")
    stamps = [t for t in report.timestamps if t.signed_up_to > len(current_copy)]
    if (signature.timestamp is not None and not signature.timestamp.ok) or not all(t.ok for t in stamps):
        raise ExternalSignatureRejected("invalid", ["timestamp_invalid"])

    reader = PdfFileReader(io.BytesIO(uploaded), strict=False)
    base_revision = current.xrefs.total_revisions - 1
    changes = _changes(reader, base_revision)
    if changes is not None:
        raise ExternalSignatureRejected("other_changes", changes)
    earlier = [s for s in report.signatures if s is not signature]
    if any(s.docmdp_ok is False for s in earlier) or not _only_validation_data_after(reader, signature):
        raise ExternalSignatureRejected("other_changes")
    if not report.ends_with_revision:
        raise ExternalSignatureRejected("not_whole_file")
    return signature


def _field_names(reader) -> set[str]:
    try:
        return {name for name, _value, _ref in enumerate_sig_fields(reader)}
    except Exception:
        return set()


def _changes(reader, base_revision: int) -> list[str] | None:
    """The named changes since the current copy; [] if pyHanko's difference analysis (at form-filling level,
    whatever the earlier certification allowed) finds more than signing but nothing with a name; None if
    there is nothing but signing."""
    try:
        named = forbidden_changes(reader, base_revision)
        if named:
            return named
        result = DEFAULT_DIFF_POLICY.review_file(reader, base_revision, doc_mdp=MDPPerm.FILL_FORMS)
    except Exception:  # a revision the analysis cannot even read is not "only a signature"
        return []
    if isinstance(result, SuspiciousModification) or result.modification_level > ModificationLevel.FORM_FILLING:
        return []
    return None


def _only_validation_data_after(reader, signature: SignatureReport) -> bool:
    """Whether every revision after the new signature only adds validation data or document time-stamps."""
    signed_revision = next((s.signed_revision for s in reader.embedded_signatures
                            if str(s.field_name) == signature.field_name), None)
    if signed_revision is None:
        return False
    if signed_revision == reader.xrefs.total_revisions - 1:
        return True
    try:
        result = DEFAULT_DIFF_POLICY.review_file(reader, signed_revision, doc_mdp=MDPPerm.FILL_FORMS)
    except Exception:
        return False
    return not isinstance(result, SuspiciousModification) and \
        result.modification_level <= ModificationLevel.LTA_UPDATES
