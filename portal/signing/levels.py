"""The PAdES baseline level a signature reaches (ETSI EN 319 142-1), judged from what the file holds:

- B-B: the signature alone;
- B-T: plus a signature time-stamp that validates;
- B-LT: plus, in the DSS, revocation data for every certificate of the signer's chain and of the time-stamp's
  TSA chain (the trust anchors excepted);
- B-LTA: plus a valid document time-stamp whose revision already held that DSS.
"""
from __future__ import annotations

from .evidence import ValidationData, revocation_status

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


def signature_level(dss_at, signature, status, timestamp, proofs: list[tuple[int, object]], roots: list) -> str:
    """`dss_at(revision)`: the DSS contents as of a revision (None: the file's last); `timestamp`: verify's
    TimeStampReport of the signature time-stamp (or None); `proofs`: (revision, time) of the valid document
    time-stamps."""
    if timestamp is None or not timestamp.ok:
        return "B-B"
    ts_status = status.timestamp_validity
    chains = [(status.signing_cert, status.validation_path, timestamp.time),
              (ts_status.signing_cert, ts_status.validation_path, timestamp.checked_at)]
    if not _holds_revocation_data(dss_at(None), chains, roots):
        return "B-T"
    for revision, _time in sorted(proofs):
        if revision > signature.signed_revision and _holds_revocation_data(dss_at(revision), chains, roots):
            return "B-LTA"
    return "B-LT"


def _holds_revocation_data(dss: ValidationData, chains, roots: list) -> bool:
    for leaf, path, moment in chains:
        if path is None:
            return False
        for certificate in path.iter_certs(include_root=False):  # none if the signer is a trust anchor itself
            issuer = issuer_of(certificate, path, dss, roots)
            if revocation_status(certificate, issuer, moment, dss).state == "unknown":
                return False
    return True


def issuer_of(certificate, path, known: ValidationData, roots: list):
    """The certificate that issued `certificate`: the one before it on its validation path, else one with the
    issuer's name among the known certificates and roots (None if there is none)."""
    if path is not None:
        chain = list(path.iter_certs(include_root=True))
        for above, below in zip(chain, chain[1:]):
            if below.dump() == certificate.dump():
                return above
    for candidate in (*known.certificates, *roots):
        if candidate.subject.dump() == certificate.issuer.dump() and candidate.dump() != certificate.dump():
            return candidate
    return None
