"""Time-stamps (RFC 3161): the network's own time-stamping authority, and the clients that ask one for a token.

A signature time-stamp proves that the signature existed at a time when its certificate was valid, so the
signature stays valid after the certificate expires (PAdES B-T); document time-stamps keep that proof alive
(B-LTA). Where a qualified TSA is configured (`TSA_URL`, e.g. the country's trust service provider, which wants
Basic-auth credentials) the portal asks it over HTTP (`external_timestamper`); otherwise the network runs its
own, `NetworkTSA`, with a certificate from the network CA (`ca.issue_tsa_certificate`).

`NetworkTSA` is two things at once:
- the authority behind the portal's `POST /tsa` route: `respond(query_der) -> reply_der`, where a body that is
  not a time-stamp query at all raises TimeStampQueryError (the route answers 400), and a well-formed query the
  TSA will not serve (a weak digest, an unknown policy) gets an RFC 3161 rejection reply;
- a pyHanko `TimeStamper`, so the portal's own signatures get their tokens in-process, without an HTTP call
  to itself.

It is pyHanko's `DummyTimeStamper` (which builds the TSTInfo) with the token signed by the already loaded key
of any type (the stock class is RSA-only and re-parses the key every time), the parts every token shares
encoded once, and the certificate included only when the query asks for it.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
from datetime import datetime, timezone

from asn1crypto import algos, cms, core, tsp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper, TimeStamper

from .ca import asn1_certificate
from .loop import outside_event_loop

QUERY_CONTENT_TYPE = "application/timestamp-query"
REPLY_CONTENT_TYPE = "application/timestamp-reply"
# A query is a digest, a nonce and a few flags: ~60 bytes from openssl, ~80 from pyHanko. Anything much longer
# is not a query this TSA serves, and is refused before it is parsed.
MAX_QUERY_BYTES = 2048
# The digests whose imprints are accepted, with their lengths. SHA-1 is refused (badAlg): a time-stamp over a
# SHA-1 digest proves little today.
DIGEST_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64}
# The network TSA's policy: an OID under 2.25 (ITU-T X.667, a UUID as a number), which needs no registration.
POLICY = "2.25.38538212910727183239456416531217689118"


class TimeStampQueryError(ValueError):
    """The body is not an RFC 3161 TimeStampReq (or is too long to be one): the web layer answers 400."""


class NetworkTSA(DummyTimeStamper):
    """The network's time-stamping authority. `clock`: returns the current time (timezone-aware); tests pass
    a fixed one, the portal leaves the default (the server's clock, in UTC)."""

    def __init__(self, key, certificate, *, clock=None, policy: str = POLICY):
        self._key = key
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.policy = policy
        self.certificate = asn1_certificate(certificate)
        # Only the TSA's own certificate goes into the tokens (RFC 3161 asks for no more): the CA certificate is
        # every validator's trust root anyway, and each token is embedded in a signature, hex-encoded.
        super().__init__(tsa_cert=self.certificate, tsa_key=None, certs_to_embed=[])
        # The parts every token shares, encoded once. asn1crypto re-encodes a whole structure each time one is
        # put into another (a few ms each); parsed from DER they are taken as they are.
        self._content_type_der = simple_cms_attribute('content_type', 'tst_info').dump()
        # ESS signing-certificate-v2 by the certificate's hash alone (RFC 5035 makes issuerSerial optional):
        # validators compare an issuerSerial's names with LDAP string preparation, slowly for Latvian letters.
        self._signing_certificate_der = simple_cms_attribute('signing_certificate_v2', tsp.SigningCertificateV2({
            'certs': [tsp.ESSCertIDv2({'hash_algorithm': {'algorithm': 'sha256'},
                                       'cert_hash': hashlib.sha256(self.certificate.dump()).digest()})],
        })).dump()
        self._signer_id_der = cms.SignerIdentifier({'issuer_and_serial_number': cms.IssuerAndSerialNumber({
            'issuer': self.certificate.issuer, 'serial_number': self.certificate.serial_number})}).dump()
        self._certificates_der = cms.CertificateSet([cms.CertificateChoices({'certificate': self.certificate})]).dump()

    # ---------------------------------------------------------------- the HTTP endpoint's helper

    def respond(self, query: bytes) -> bytes:
        """The DER TimeStampResp for the DER TimeStampReq `query`: granted with a token, or a rejection that says
        why (RFC 3161 2.4.2). TimeStampQueryError if `query` is not a TimeStampReq at all."""
        response = self.request_tsa_response(parse_query(query))
        if response['status']['status'].native != 'granted':
            return _RejectionResp({'status': response['status']}).dump()
        return response.dump()

    # ---------------------------------------------------------------- pyHanko's TimeStamper interface

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        refusal = self._refusal(req)
        if refusal:
            fail_info, text = refusal
            return tsp.TimeStampResp({'status': tsp.PKIStatusInfo({
                'status': tsp.PKIStatus('rejection'), 'status_string': [text],
                'fail_info': tsp.PKIFailureInfo({fail_info}),
            })})
        moment = self._clock().astimezone(timezone.utc).replace(microsecond=0)
        tst_info = self._build_tst_info(req['message_imprint'], moment, req)
        tst_info_data = tst_info.dump()
        md_algorithm = req['message_imprint']['hash_algorithm']['algorithm'].native
        signature, signed_attrs = self._sign_tst_info(tst_info_data, md_algorithm, moment)
        signed_data = self._signed_data(tst_info_data, md_algorithm, signature, signed_attrs,
                                        with_certificate=bool(req['cert_req'].native))
        token = cms.ContentInfo({'content_type': 'signed_data', 'content': signed_data})
        return tsp.TimeStampResp({'status': tsp.PKIStatusInfo({'status': tsp.PKIStatus('granted')}),
                                  'time_stamp_token': token})

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return self.request_tsa_response(req)

    # ---------------------------------------------------------------- building the token

    def _refusal(self, req: tsp.TimeStampReq) -> tuple[str, str] | None:
        imprint = req['message_imprint']
        algorithm = imprint['hash_algorithm']['algorithm'].native
        if algorithm not in DIGEST_LENGTHS:
            return "bad_alg", f"digest algorithm {algorithm} is not accepted; use SHA-256 or longer"
        if len(imprint['hashed_message'].native) != DIGEST_LENGTHS[algorithm]:
            return "bad_data_format", "the message imprint does not have the length of its digest algorithm"
        requested_policy = req['req_policy'].dotted if req['req_policy'].native is not None else None
        if requested_policy not in (None, self.policy):
            return "unaccepted_policy", f"this TSA issues time-stamps under policy {self.policy} only"
        if req['extensions'].native:
            return "unaccepted_extension", "this TSA accepts no request extensions"
        return None

    def _build_tst_info(self, message_imprint, dt, req) -> tsp.TSTInfo:
        tst_info = super()._build_tst_info(message_imprint, dt, req)
        tst_info['policy'] = tsp.ObjectIdentifier(self.policy)
        tst_info['accuracy'] = tsp.Accuracy({'seconds': 1})  # the time is the server's clock, to the second
        return tst_info

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime):
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        time_type = 'utc_time' if dt.year < 2050 else 'generalized_time'  # RFC 5652 11.3
        signed_attrs = cms.CMSAttributes([
            cms.CMSAttribute.load(self._content_type_der),
            simple_cms_attribute('signing_time', cms.Time({time_type: dt})),
            cms.CMSAttribute.load(self._signing_certificate_der),
            simple_cms_attribute('message_digest', digest.finalize()),
        ])
        return _sign(self._key, signed_attrs.dump(), md_algorithm), signed_attrs

    def _signed_data(self, tst_info_data: bytes, md_algorithm: str, signature: bytes, signed_attrs,
                     *, with_certificate: bool) -> cms.SignedData:
        """DummyTimeStamper's SignedData, with the signature algorithm of the TSA's key and the certificate
        only when the query asks for it (RFC 3161 2.4.1)."""
        digest_algorithm = algos.DigestAlgorithm({'algorithm': md_algorithm})
        signer_info = cms.SignerInfo({
            'version': 'v1', 'sid': cms.SignerIdentifier.load(self._signer_id_der),
            'digest_algorithm': digest_algorithm,
            'signature_algorithm': _signature_algorithm(self._key, md_algorithm),
            'signed_attrs': signed_attrs, 'signature': signature,
        })
        signed_data = {
            'version': 'v3',  # for the EncapsulatedContentInfo
            'digest_algorithms': cms.DigestAlgorithms((digest_algorithm,)),
            'encap_content_info': cms.EncapsulatedContentInfo({
                'content_type': cms.ContentType('tst_info'), 'content': cms.ParsableOctetString(tst_info_data)}),
            'signer_infos': [signer_info],
        }
        if with_certificate:
            signed_data['certificates'] = cms.CertificateSet.load(self._certificates_der)
        return cms.SignedData(signed_data)


class _RejectionResp(core.Sequence):
    """A TimeStampResp without a token. asn1crypto declares the token mandatory, so its TimeStampResp holds a
    rejection but cannot encode one."""
    _fields = [('status', tsp.PKIStatusInfo)]


def parse_query(query: bytes) -> tsp.TimeStampReq:
    """The TimeStampReq in `query`, fully parsed; TimeStampQueryError if it is not one (or too long)."""
    if not isinstance(query, (bytes, bytearray)) or not query:
        raise TimeStampQueryError("the request body is empty")
    if len(query) > MAX_QUERY_BYTES:
        raise TimeStampQueryError(f"a time-stamp query is at most {MAX_QUERY_BYTES} bytes")
    try:
        req = tsp.TimeStampReq.load(bytes(query), strict=True)
        req.native  # asn1crypto parses lazily: force every field now, so a bad one fails here
        if req['version'].native != 'v1':
            raise ValueError("version must be 1")
    except (ValueError, TypeError, KeyError) as error:
        raise TimeStampQueryError(f"not an RFC 3161 time-stamp query: {error}") from error
    return req


def _signature_algorithm(key, md_algorithm: str) -> algos.SignedDigestAlgorithm:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        name = f"{md_algorithm}_ecdsa"
    elif isinstance(key, rsa.RSAPrivateKey):
        name = f"{md_algorithm}_rsa"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        name = "ed25519"
    elif isinstance(key, ed448.Ed448PrivateKey):
        name = "ed448"
    else:
        raise TypeError(f"unsupported TSA key type {type(key).__name__}")
    return algos.SignedDigestAlgorithm({'algorithm': name})


def _sign(key, data: bytes, md_algorithm: str) -> bytes:
    hash_algorithm = get_pyca_cryptography_hash(md_algorithm)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hash_algorithm))
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hash_algorithm)
    return key.sign(data)


# ------------------------------------------------------------------ clients

def external_timestamper(url: str, *, username: str | None = None, password: str | None = None,
                         timeout: float = 10) -> HTTPTimeStamper:
    """A client of a configured TSA (`TSA_URL`), with Basic-auth credentials if it needs them. Make it once per
    process: it remembers the size of the TSA's tokens (one extra request the first time, see token_size)."""
    if (username is None) != (password is None):
        raise ValueError("give both the TSA user name and its password, or neither")
    headers = {}
    if username is not None:  # as a header: aiohttp deprecates its BasicAuth helper
        credentials = base64.b64encode(f"{username}:{password}".encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {credentials}"
    return HTTPTimeStamper(url, headers=headers, timeout=timeout)


def token_size(timestamper: TimeStamper, md_algorithm: str = "sha256") -> int:
    """The length of one of the TSA's tokens, to reserve room for it in a signature. pyHanko asks the TSA once
    for a token over a dummy digest and keeps it in the timestamper."""
    token = outside_event_loop(asyncio.run, timestamper.async_dummy_response(md_algorithm))
    return len(token.dump())


def timestamp_time(token: cms.ContentInfo) -> datetime:
    """genTime of a time-stamp token."""
    return token['content']['encap_content_info']['content'].parsed['gen_time'].native
