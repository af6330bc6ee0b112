"""What a signed PDF carries as evidence besides its signatures, read without judging it: the signature
time-stamp tokens, the validation data in its DSS, and the revocation status a set of CRLs and OCSP responses
gives a certificate at a moment.

Shared by ltv (which adds evidence) and verify (which weighs it). Certificates here are asn1crypto's, as in
pyHanko; CRLs and OCSP responses are handed around as DER bytes.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, ocsp as asn1_ocsp, x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.sign.general import extract_certificate_info, get_pyca_cryptography_hash
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter


# ------------------------------------------------------------------ time-stamp tokens

def signature_timestamp(signer_info: cms.SignerInfo) -> cms.SignedData | None:
    """The first signature time-stamp token (unsigned attribute) of a CMS signature, or None."""
    return next(extract_tst_data_iter(signer_info, signed=False), None)


def token_time(token: cms.SignedData) -> datetime:
    return token['encap_content_info']['content'].parsed['gen_time'].native


def token_signer(token: cms.SignedData) -> asn1_x509.Certificate | None:
    """The TSA certificate embedded in a token (None if the TSA sent none)."""
    try:
        return extract_certificate_info(token).signer_cert
    except Exception:
        return None


def authority_name(certificate: asn1_x509.Certificate | None) -> str:
    """Organisation, else common name, of a certificate's subject ('' for none)."""
    if certificate is None:
        return ""
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


# ------------------------------------------------------------------ the DSS

@dataclass(frozen=True)
class ValidationData:
    certificates: tuple = ()  # asn1crypto certificates
    crls: tuple = ()  # DER
    ocsps: tuple = ()  # DER

    def __add__(self, other: ValidationData) -> ValidationData:
        return ValidationData(_unique(self.certificates + other.certificates, lambda c: c.dump()),
                              _unique(self.crls + other.crls), _unique(self.ocsps + other.ocsps))

    @property
    def empty(self) -> bool:
        return not (self.certificates or self.crls or self.ocsps)


def _unique(items, key=lambda item: item):
    seen, result = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            result.append(item)
    return tuple(result)


def dss_contents(reader) -> ValidationData:
    """Everything in the document's DSS (nothing if it has none)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationData()
    return ValidationData(
        tuple(dss.load_certs()),
        tuple(ref.get_object().read_data(DecodePurpose.CRL) for ref in dss.crls),
        tuple(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE) for ref in dss.ocsps),
    )


def vri_keys(reader) -> set[str]:
    """The signatures (VRI keys: upper-case hex SHA-1 of their /Contents) the DSS has entries for."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return set()
    return {str(key).lstrip("/").upper() for key in dss.vri_entries}


def usable_at(data: ValidationData, moment: datetime) -> ValidationData:
    """The revocation data a validator may use at `moment`: pyHanko treats a CRL or OCSP response whose
    nextUpdate has passed as a reason to give up ("try later"), though it says nothing wrong. Stale ones are
    left out here; revocation_status still reads them, so a revocation they list is never missed."""
    return ValidationData(data.certificates,
                          tuple(c for c in data.crls if not _stale(_crl_next_update(c), moment)),
                          tuple(o for o in data.ocsps if not _stale(_ocsp_next_update(o), moment)))


def _stale(next_update: datetime | None, moment: datetime) -> bool:
    return next_update is not None and next_update < moment


def _crl_next_update(der: bytes) -> datetime | None:
    try:
        return x509.load_der_x509_crl(der).next_update_utc
    except ValueError:
        return None


def _ocsp_next_update(der: bytes) -> datetime | None:
    """The latest nextUpdate of the response's entries (None: unreadable, or none given)."""
    try:
        basic = asn1_ocsp.OCSPResponse.load(der)['response_bytes']['response'].parsed
        updates = [single['next_update'].native for single in basic['tbs_response_data']['responses']]
    except (ValueError, TypeError, KeyError):
        return None
    return max(updates) if updates and None not in updates else None


# ------------------------------------------------------------------ revocation status at a moment

@dataclass(frozen=True)
class RevocationStatus:
    state: str  # good, revoked (at or before the moment), unknown (no authentic data covers it), trust_anchor
    revoked_at: datetime | None = None  # also set for "good" when the certificate was revoked only later
    reason: str | None = None
    source: str | None = None  # crl, ocsp


UNKNOWN = RevocationStatus("unknown")
TRUST_ANCHOR = RevocationStatus("trust_anchor")  # a root certificate: revocation does not apply


def revocation_status(certificate: asn1_x509.Certificate, issuer: asn1_x509.Certificate | None,
                      moment: datetime, data: ValidationData) -> RevocationStatus:
    """What the authentic CRLs and OCSP responses in `data` say about `certificate` at `moment`.

    A listed revocation counts whenever the list was issued (a revocation is not undone); "good" needs a list
    that was current at `moment` or issued after it. Only data signed by `issuer` (or, for OCSP, by a
    responder it delegated to) is read; without the issuer nothing can be said."""
    if issuer is None:
        return UNKNOWN
    try:
        cert = x509.load_der_x509_certificate(certificate.dump())
        issuer_cert = x509.load_der_x509_certificate(issuer.dump())
    except ValueError:
        return UNKNOWN
    found = [s for s in (_from_crl(der, cert, issuer_cert, moment) for der in data.crls) if s]
    found += [s for s in (_from_ocsp(der, cert, issuer_cert, moment) for der in data.ocsps) if s]
    revoked = [s for s in found if s.revoked_at is not None and s.revoked_at <= moment]
    if revoked:
        return min(revoked, key=lambda s: s.revoked_at)
    good = [s for s in found if s.state == "good"]
    if good:
        later = [s for s in good if s.revoked_at is not None]
        return min(later, key=lambda s: s.revoked_at) if later else good[0]
    return UNKNOWN


@functools.lru_cache(maxsize=256)
def _authentic_crl(der: bytes, issuer_der: bytes):
    """The CRL if `issuer_der`'s certificate signed it, else None (remembered: a file holds the same CRL for
    every signature, and the portal's CRL is the same for every file)."""
    try:
        crl = x509.load_der_x509_crl(der)
        issuer = x509.load_der_x509_certificate(issuer_der)
        if crl.issuer == issuer.subject and crl.is_signature_valid(issuer.public_key()):
            return crl
    except (ValueError, TypeError, InvalidSignature):
        pass
    return None


def _from_crl(der: bytes, cert, issuer_cert, moment: datetime) -> RevocationStatus | None:
    crl = _authentic_crl(der, issuer_cert.public_bytes(Encoding.DER))
    if crl is None or crl.issuer != cert.issuer:
        return None
    try:
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    except (ValueError, TypeError):
        return None
    if entry is not None:
        return RevocationStatus("revoked" if entry.revocation_date_utc <= moment else "good",
                                entry.revocation_date_utc, _crl_reason(entry), "crl")
    covers = crl.last_update_utc >= moment or (crl.next_update_utc is None or crl.next_update_utc >= moment)
    return RevocationStatus("good", source="crl") if covers else None


def _crl_reason(entry) -> str:
    try:
        return entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
    except x509.ExtensionNotFound:
        return "unspecified"


def _from_ocsp(der: bytes, cert, issuer_cert, moment: datetime) -> RevocationStatus | None:
    """Read with asn1crypto: cryptography's strict parser refuses responses some responders really send
    (fractions of a second in producedAt)."""
    try:
        response = asn1_ocsp.OCSPResponse.load(der)
        if response['response_status'].native != 'successful':
            return None
        basic = response['response_bytes']['response'].parsed
        if not _ocsp_signed_by(basic, issuer_cert):
            return None
        for single in basic['tbs_response_data']['responses']:
            cert_id = single['cert_id']
            if cert_id['serial_number'].native != cert.serial_number or not _same_issuer(cert_id, issuer_cert):
                continue
            status = single['cert_status']
            if status.name == 'revoked':
                revoked_at = status.chosen['revocation_time'].native
                reason = status.chosen['revocation_reason'].native or "unspecified"
                return RevocationStatus("revoked" if revoked_at <= moment else "good", revoked_at, reason, "ocsp")
            if status.name == 'good':
                this_update, next_update = single['this_update'].native, single['next_update'].native
                covers = this_update >= moment or next_update is None or next_update >= moment
                return RevocationStatus("good", source="ocsp") if covers else None
    except (ValueError, TypeError, KeyError):
        return None
    return None


def _same_issuer(cert_id, issuer_cert) -> bool:
    """Whether the CertID names `issuer_cert` (hashes of its subject and of its public key)."""
    issuer = asn1_x509.Certificate.load(issuer_cert.public_bytes(Encoding.DER))
    algorithm = cert_id['hash_algorithm']['algorithm'].native
    key_bits = issuer.public_key['public_key'].contents[1:]  # the BIT STRING's value without its unused-bits byte
    return (hashlib.new(algorithm, issuer.subject.dump()).digest() == cert_id['issuer_name_hash'].native
            and hashlib.new(algorithm, key_bits).digest() == cert_id['issuer_key_hash'].native)


def _ocsp_signed_by(basic, issuer_cert) -> bool:
    """Signed by the issuer itself, or by a responder certificate the issuer gave OCSPSigning."""
    candidates = [issuer_cert]
    for embedded in basic['certs'] or ():
        try:
            responder = x509.load_der_x509_certificate(embedded.dump())
            responder.verify_directly_issued_by(issuer_cert)
            usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
            continue
        if x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING in usage:
            candidates.append(responder)
    algorithm = basic['signature_algorithm']
    try:
        hash_algorithm = get_pyca_cryptography_hash(algorithm.hash_algo)
    except (ValueError, KeyError, AttributeError):
        return False
    signature, data = basic['signature'].native, basic['tbs_response_data'].dump()
    return any(_verifies(c.public_key(), signature, data, hash_algorithm) for c in candidates)


def _verifies(public_key, signature: bytes, data: bytes, hash_algorithm) -> bool:
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hash_algorithm))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
        else:
            public_key.verify(signature, data)
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True
