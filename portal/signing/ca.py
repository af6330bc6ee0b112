"""The network's certificate authority and the certificates it gives each member organisation.

A signature in the agreement PDF is worth what its certificate chain is worth: the portal signs in an
organisation's name only with a certificate that the network's CA issued to that organisation, and anyone
holding the network CA certificate (downloadable from the portal) can check the file in any PDF reader.

Certificates are made with `cryptography` and handed around as `cryptography.x509.Certificate`; pdfsign and
verify convert them to what pyHanko wants. All dates come from the caller (`now`), never from the clock here,
so tests and the `init` command decide what time it is.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .keys import KeyUnlockError, new_signing_key

COUNTRY = "LV"
# RFC 5280's upper bound for commonName and organizationName (cryptography enforces it). Latvian NGO names are
# often longer ("Daugavpils Universitātes Mūžizglītības, … biedrība „Intelekta parks”"): the certificate holds
# a shortened name, and the registration number (serialNumber) is what identifies the organisation.
NAME_LIMIT = 64
# Issued a little in the past, so a certificate made on a server whose clock is slightly ahead of a reader's
# does not look "not yet valid" there.
BACKDATE = timedelta(minutes=10)


def _require_aware(now: datetime) -> None:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def short_name(name: str, limit: int = NAME_LIMIT) -> str:
    """`name` if it fits, else cut at a word boundary with an ellipsis. The limit counts UTF-8 bytes, as
    cryptography does (every Latvian letter with a diacritic takes two)."""
    name = " ".join(name.split())
    if _utf8_len(name) <= limit:
        return name
    words = name.split(" ")
    while len(words) > 1 and _utf8_len(" ".join(words) + "…") > limit:
        words.pop()
    cut = " ".join(words).rstrip(" ,;:-–")
    while _utf8_len(cut + "…") > limit:  # a single long word
        cut = cut[:-1]
    return cut + "…"


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _signature_hash(key):
    """SHA-256 for EC and RSA keys (a CA loaded from files may be RSA); Ed25519/Ed448 hash internally."""
    return None if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)) else hashes.SHA256()


def create_ca(network_name: str, *, now: datetime, years: int = 20):
    """A new key and self-signed CA certificate for the network: (key, certificate).
    path_length=0: it signs organisation certificates only, never another CA. Besides keyCertSign and cRLSign
    it has digitalSignature and nonRepudiation, because the same key makes the network's certification
    signature on each agreement, and validators require nonRepudiation of a document signer."""
    _require_aware(now)
    key = new_signing_key()
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, short_name(network_name)),
        x509.NameAttribute(NameOID.COMMON_NAME, short_name(network_name)),
    ])
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(_years_later(now, years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, _signature_hash(key))
    )
    return key, certificate


def issue_org_certificate(ca_key, ca_cert: x509.Certificate, *, org_name: str, registration_number: str,
                          now: datetime, days: int = 3 * 365, crl_url: str | None = None):
    """A new key and a certificate for one organisation: (key, certificate).

    Key usage nonRepudiation (content_commitment) besides digitalSignature: validators (pyHanko among them)
    treat a document signature without it as untrusted. The registration number goes into the subject's
    serialNumber, which is where verification reads it back from; names longer than NAME_LIMIT are shortened.
    `crl_url` (the portal's `<BASE_URL>/ca.crl`): where a validator outside the portal finds out whether the
    certificate has been revoked since."""
    _require_aware(now)
    key = new_signing_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, short_name(org_name)),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, registration_number),
        x509.NameAttribute(NameOID.COMMON_NAME, short_name(org_name)),
    ])
    return key, _issue(ca_key, ca_cert, key, subject, not_after=now + timedelta(days=days), now=now,
                       crl_url=crl_url)


# A time-stamp made late in the TSA certificate's life must still verify once the signing certificate has long
# expired; the document time-stamp over it is renewed before this certificate expires (see ltv.renewal_due).
TSA_YEARS = 12


def issue_tsa_certificate(ca_key, ca_cert: x509.Certificate, *, network_name: str, now: datetime,
                          years: int = TSA_YEARS, crl_url: str | None = None):
    """A new key and the certificate of the network's time-stamping authority: (key, certificate).

    RFC 3161 (2.3) wants extended key usage timeStamping as the only purpose, marked critical; `openssl ts
    -verify` refuses the answers of any other certificate. The key signs time-stamps and nothing else."""
    _require_aware(now)
    key = new_signing_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, short_name(network_name)),
        x509.NameAttribute(NameOID.COMMON_NAME, short_name(f"{network_name} TSA")),
    ])
    return key, _issue(ca_key, ca_cert, key, subject, not_after=_years_later(now, years), now=now,
                       crl_url=crl_url, extended_usage=[x509.oid.ExtendedKeyUsageOID.TIME_STAMPING])


def _issue(ca_key, ca_cert: x509.Certificate, key, subject: x509.Name, *, not_after: datetime, now: datetime,
           crl_url: str | None, extended_usage: list | None = None) -> x509.Certificate:
    """An end-entity certificate for `key` signed by the CA, never outliving the CA's own."""
    public_key = key.public_key()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(not_after, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
    )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    return builder.sign(ca_key, _signature_hash(ca_key))


def crl_distribution_urls(certificate: x509.Certificate) -> list[str]:
    """The CRL URLs a certificate names ([] if none)."""
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [name.value for point in points for name in (point.full_name or [])
            if isinstance(name, x509.UniformResourceIdentifier)]


def load_ca_from_files(cert_path: str | Path, key_path: str | Path, password: bytes | None):
    """(key, certificate) from PEM files, e.g. a CA made with openssl. KeyUnlockError on a wrong password."""
    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    try:
        key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=password)
    except (ValueError, TypeError) as error:
        raise KeyUnlockError(f"the CA key in {key_path} could not be unlocked") from error
    _require_matching(key, certificate)
    return key, certificate


def load_ca_from_pkcs12(path: str | Path, password: bytes | None):
    """(key, certificate) from a .p12/.pfx file. KeyUnlockError on a wrong password."""
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), password)
    except (ValueError, TypeError) as error:
        raise KeyUnlockError(f"{path} could not be opened (wrong password or not PKCS#12)") from error
    if key is None or certificate is None:
        raise ValueError(f"{path} does not hold both a private key and its certificate")
    _require_matching(key, certificate)
    return key, certificate


def _require_matching(key, certificate: x509.Certificate) -> None:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if (key.public_key().public_bytes(serialization.Encoding.DER, spki)
            != certificate.public_key().public_bytes(serialization.Encoding.DER, spki)):
        raise ValueError("the private key does not belong to the certificate")


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def certificate_from_pem(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data)


def fingerprint_sha256(certificate: x509.Certificate) -> str:
    """Lower-case hex, no colons: what a person compares with the fingerprint their PDF reader shows."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def asn1_certificate(certificate) -> asn1_x509.Certificate:
    """pyHanko works with asn1crypto certificates; the rest of the portal with `cryptography` ones."""
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
