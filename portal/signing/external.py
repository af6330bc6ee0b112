"""Accepting a party's own qualified e-signature, made outside the portal on the signing copy.

The party downloads the current signing copy, signs it with its own tool (eParaksts and the like) and uploads
the result. The portal cannot see how the tool changed the file, so it accepts the upload only if the upload
provably is the current copy plus exactly one signature and nothing else:

- it starts with the exact bytes of the current copy (so every earlier signature and the text are unchanged),
- exactly one signature was added, intact, valid and trusted by the configured (qualified) trust roots,
- the changes after the current copy are no more than filling or adding a signature field (pyHanko's diff
  analysis at form-filling level, and no earlier signature's DocMDP is violated),
- and the new signature covers the whole upload (nothing was appended after it).
"""
from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.fields import MDPPerm

from .verify import SignatureReport, verify_pdf

REASONS = ("not_pdf", "encrypted", "too_large", "unreadable", "different_document", "not_one_signature",
           "invalid", "untrusted", "other_changes", "not_whole_file")


class ExternalSignatureRejected(Exception):
    """The upload is not acceptable; `code` (one of REASONS) says why, for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_external_signature(current_copy: bytes, uploaded: bytes, trust_roots: list) -> SignatureReport:
    """The report of the one signature the upload adds to `current_copy`, or ExternalSignatureRejected."""
    report = verify_pdf(uploaded, trust_roots)
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
    if not (signature.intact and signature.valid):
        raise ExternalSignatureRejected("invalid")
    if not signature.trusted:
        raise ExternalSignatureRejected("untrusted")
    earlier = [s for s in report.signatures if s is not signature]
    if any(s.docmdp_ok is False for s in earlier) or not _only_signing_since(current_copy, uploaded):
        raise ExternalSignatureRejected("other_changes")
    if not signature.covers_whole_file:
        raise ExternalSignatureRejected("not_whole_file")
    return signature


def _only_signing_since(current_copy: bytes, uploaded: bytes) -> bool:
    """Whether every revision the upload adds after the current copy only fills or adds signature fields
    (pyHanko's diff rules, judged at form-filling level whatever the earlier certification allowed)."""
    try:
        base_revision = PdfFileReader(io.BytesIO(current_copy), strict=False).xrefs.total_revisions - 1
        result = DEFAULT_DIFF_POLICY.review_file(
            PdfFileReader(io.BytesIO(uploaded), strict=False), base_revision, doc_mdp=MDPPerm.FILL_FORMS)
    except Exception:  # a revision the diff analysis cannot even read is not "only a signature"
        return False
    if isinstance(result, SuspiciousModification):
        return False
    return result.modification_level <= ModificationLevel.FORM_FILLING
