"""portal.signing's long-term signatures without the app: the network TSA (checked from outside with Debian's
openssl, and over real HTTP with Basic auth), CRLs, B-T signatures, the B-LT/B-LTA extension and its renewal,
and verification at the proven time (expiry, revocation before and after signing, 10 years ahead), cross-checked
with pyHanko's own ETSI EN 319 102-1 long-term validation.

The CA, the TSA and one agreement signed by three parties (B-T, then B-LTA) are made once per module.
"""
import asyncio
import base64
import hashlib
import io
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import cms, core, crl as asn1_crl, tsp
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (LocalKnowledge, PdfSignatureValidationSpec,
                                                 RevinfoOnlineFetchingRule, RevocationInfoGatheringSpec,
                                                 SignatureValidationSpec)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer
from werkzeug.wrappers import Request, Response

from portal.agreements.pdf import render_pdf
from portal.signing import ca, crl, ltv, pdfsign, tsa
from portal.signing.verify import validation_context, verify_pdf

from .http_server import serving
from .test_signing import NETWORK, PARTIES, agreement, field_specs

NOW = datetime.now(timezone.utc).replace(microsecond=0)
CRL_URL = "https://tiklojums.example.lv/ca.crl"
YEAR = timedelta(days=365)


class Clock:
    """The TSA's clock, set by a test (the TSA vouches for the time it reads here)."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture(scope="module")
def network():
    return ca.create_ca(NETWORK, now=NOW - timedelta(days=1))


@pytest.fixture(scope="module")
def tsa_cert(network):
    return ca.issue_tsa_certificate(*network, network_name=NETWORK, now=NOW - timedelta(days=1), crl_url=CRL_URL)


@pytest.fixture(scope="module")
def authority(network, tsa_cert):
    # The clock is fixed: under xdist a module's tests can run many minutes after it was imported.
    return tsa.NetworkTSA(*tsa_cert, clock=Clock(NOW))


@pytest.fixture(scope="module")
def orgs(network):
    return [ca.issue_org_certificate(*network, org_name=p.name, registration_number=p.registration_number,
                                     now=NOW - timedelta(days=1), crl_url=CRL_URL) for p in PARTIES]


def crl_at(network, moment, revoked=(), number=1) -> bytes:
    return crl.build_crl(*network, revoked, now=moment, number=number)


def sign(pdf, i, org, ca_cert, timestamper) -> bytes:
    key, cert = org
    party = PARTIES[i]
    return pdfsign.sign_party(pdf, field_name=f"party-{i + 1}", org_key=key, org_cert=cert, ca_cert=ca_cert,
                              signer_name=party.representative_name, position=party.representative_position,
                              org_name=party.name, signed_at=NOW, language="lv", timestamper=timestamper)


def signed_agreement(network, orgs, timestamper) -> bytes:
    doc = agreement()
    pdf = pdfsign.certify(render_pdf(doc), fields=field_specs(doc), ca_key=network[0], ca_cert=network[1],
                          signing_time=NOW, timestamper=timestamper)
    for i, org in enumerate(orgs):
        pdf = sign(pdf, i, org, network[1], timestamper)
    return pdf


@pytest.fixture(scope="module")
def b_t(network, orgs, authority):
    return signed_agreement(network, orgs, authority)


@pytest.fixture(scope="module")
def b_lta(b_t, network, authority):
    return ltv.extend_to_lta(b_t, trust_roots=[network[1]], timestamper=authority, now=NOW,
                             crls=[crl_at(network, NOW)])


# ------------------------------------------------------------------ certificates and CRLs

def test_the_tsa_certificate_is_for_time_stamping_only(network, tsa_cert):
    _key, cert = tsa_cert
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(network[1])
    assert ca.crl_distribution_urls(cert) == [CRL_URL]
    assert cert.not_valid_after_utc - NOW > 11 * YEAR


def test_org_certificates_name_the_crl(orgs):
    assert all(ca.crl_distribution_urls(cert) == [CRL_URL] for _key, cert in orgs)


def test_the_crl_lists_revocations_with_reasons_and_is_signed_by_the_ca(network, orgs):
    suspended, rotated = orgs[0][1], orgs[1][1]
    der = crl.build_crl(*network, [(suspended.serial_number, NOW - timedelta(hours=2), "privilege_withdrawn"),
                                   crl.Revocation(rotated.serial_number, NOW - timedelta(hours=1), "superseded")],
                        now=NOW, number=7)
    parsed = crl.load_crl(der)
    assert parsed.is_signature_valid(network[1].public_key())
    assert parsed.issuer == network[1].subject
    assert parsed.next_update_utc == NOW + crl.VALIDITY
    assert parsed.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 7
    assert crl.revocation_of(der, suspended.serial_number) == crl.Revocation(
        suspended.serial_number, NOW - timedelta(hours=2), "privilege_withdrawn")
    assert crl.revocation_of(der, rotated.serial_number).reason == "superseded"
    assert crl.revocation_of(der, orgs[2][1].serial_number) is None
    text = subprocess.run(["openssl", "crl", "-inform", "DER", "-noout", "-text"], input=der,
                          capture_output=True, check=True).stdout.decode()
    assert "Privilege Withdrawn" in text and "Superseded" in text
    with pytest.raises(ValueError):
        crl.build_crl(*network, [(1, NOW, "bored")], now=NOW, number=8)


def test_the_crl_is_due_for_regeneration_before_next_update(network):
    der = crl_at(network, NOW)
    assert not crl.regeneration_due(der, now=NOW + timedelta(days=1))
    assert crl.regeneration_due(der, now=NOW + crl.VALIDITY - crl.DUE_BEFORE)
    assert crl.regeneration_due(None, now=NOW)


# ------------------------------------------------------------------ the TSA, from outside

def openssl(*args, cwd):
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("with_certificate", [True, False])
def test_openssl_ts_query_and_verify(authority, network, tsa_cert, tmp_path, with_certificate):
    (tmp_path / "agreement.pdf").write_bytes(b"%PDF-1.7 an agreement")
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem(network[1]))
    (tmp_path / "tsa.pem").write_bytes(ca.certificate_pem(tsa_cert[1]))
    query = ["ts", "-query", "-data", "agreement.pdf", "-sha256", "-out", "request.tsq"]
    assert openssl(*query, *(["-cert"] if with_certificate else []), cwd=tmp_path).returncode == 0

    reply = authority.respond((tmp_path / "request.tsq").read_bytes())
    (tmp_path / "reply.tsr").write_bytes(reply)

    verify = ["ts", "-verify", "-queryfile", "request.tsq", "-in", "reply.tsr", "-CAfile", "ca.pem"]
    if not with_certificate:  # then the reply carries no certificate: openssl needs the TSA's
        verify += ["-untrusted", "tsa.pem"]
    checked = openssl(*verify, cwd=tmp_path)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr
    text = openssl("ts", "-reply", "-in", "reply.tsr", "-text", cwd=tmp_path).stdout
    assert "Status: Granted." in text and f"Policy OID: {tsa.POLICY}" in text
    assert "TSA: DirName:" in text and "Accuracy: 0x01 seconds" in text
    token = tsp.TimeStampResp.load(reply)['time_stamp_token']['content']
    assert len(token['certificates']) == (1 if with_certificate else 0)  # the TSA's, not the root


def test_openssl_refuses_a_reply_for_other_data(authority, network, tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"one document")
    (tmp_path / "b.pdf").write_bytes(b"another document")
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem(network[1]))
    openssl("ts", "-query", "-data", "a.pdf", "-sha256", "-cert", "-out", "a.tsq", cwd=tmp_path)
    (tmp_path / "a.tsr").write_bytes(authority.respond((tmp_path / "a.tsq").read_bytes()))
    checked = openssl("ts", "-verify", "-data", "b.pdf", "-in", "a.tsr", "-CAfile", "ca.pem", cwd=tmp_path)
    assert checked.returncode != 0


class Reply(core.Sequence):
    """TimeStampResp as RFC 3161 has it (asn1crypto's makes the token mandatory, so cannot read a refusal)."""
    _fields = [('status', tsp.PKIStatusInfo), ('time_stamp_token', cms.ContentInfo, {'optional': True})]


def test_a_sha1_query_is_rejected_with_bad_alg(authority, tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"one document")
    openssl("ts", "-query", "-data", "a.pdf", "-sha1", "-out", "a.tsq", cwd=tmp_path)
    (tmp_path / "a.tsr").write_bytes(authority.respond((tmp_path / "a.tsq").read_bytes()))
    text = openssl("ts", "-reply", "-in", "a.tsr", "-text", cwd=tmp_path).stdout
    assert "Status: Rejected." in text and "unrecognized or unsupported algorithm identifier" in text
    assert "TST info:\nNot included." in text


def test_a_query_for_another_policy_or_a_wrong_digest_length_is_rejected(authority):
    _nonce, request = TimeStamper().request_cms(hashlib.sha256(b"x").digest(), "sha256")
    request['req_policy'] = "1.2.3.4"
    reply = Reply.load(authority.respond(request.dump()))
    assert reply['status']['status'].native == "rejection"
    assert reply['status']['fail_info'].native == {"unaccepted_policy"}
    _nonce, request = TimeStamper().request_cms(b"\x00" * 20, "sha256")  # 20 bytes is no SHA-256 digest
    assert Reply.load(authority.respond(request.dump()))['status']['fail_info'].native == {"bad_data_format"}


@pytest.mark.parametrize("body", [
    b"", b"\x30\x03\x02\x01\x01", b"\x30\x80garbage", b"not asn.1 at all", b"\x30" + b"\x82\x10\x00" + bytes(4096),
    bytes(tsa.MAX_QUERY_BYTES + 1), None,
])
def test_malformed_or_oversized_queries_raise_a_clear_error(authority, body):
    with pytest.raises(tsa.TimeStampQueryError):
        authority.respond(body)


def test_a_certificate_is_not_a_query(authority, network):
    from cryptography.hazmat.primitives.serialization import Encoding
    with pytest.raises(tsa.TimeStampQueryError):
        authority.respond(network[1].public_bytes(Encoding.DER))


def test_the_reply_answers_the_nonce_and_digest_at_the_tsa_time(network, tsa_cert):
    clock = Clock(NOW + timedelta(days=3))
    authority = tsa.NetworkTSA(*tsa_cert, clock=clock)
    digest = hashlib.sha256(b"the document").digest()
    nonce, request = TimeStamper().request_cms(digest, "sha256")
    token = tsp.TimeStampResp.load(authority.respond(request.dump()))['time_stamp_token']
    info = token['content']['encap_content_info']['content'].parsed
    assert info['nonce'].native == nonce and info['message_imprint']['hashed_message'].native == digest
    assert info['gen_time'].native == clock.moment
    assert tsa.timestamp_time(token) == clock.moment


# ------------------------------------------------------------------ a configured TSA over HTTP

def tsa_app(authority, user, password):
    """What the portal's POST /tsa route does, plus the Basic auth a qualified TSA asks for."""
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    @Request.application
    def app(request):
        if request.headers.get("Authorization") != expected:
            return Response("credentials required", 401, {"WWW-Authenticate": 'Basic realm="tsa"'})
        if request.mimetype != tsa.QUERY_CONTENT_TYPE:
            return Response("not a time-stamp query", 415)
        try:
            return Response(authority.respond(request.get_data()), mimetype=tsa.REPLY_CONTENT_TYPE)
        except tsa.TimeStampQueryError as error:
            return Response(str(error), 400)
    return app


@pytest.fixture(scope="module")
def tsa_url(authority):
    with serving(tsa_app(authority, "portal", "s3cret")) as base:
        yield base + "/tsa"


def test_signing_with_a_configured_tsa_over_http_with_basic_auth(tsa_url, network, orgs):
    doc = agreement()
    timestamper = tsa.external_timestamper(tsa_url, username="portal", password="s3cret")
    pdf = pdfsign.certify(render_pdf(doc), fields=field_specs(doc), ca_key=network[0], ca_cert=network[1],
                          signing_time=NOW, timestamper=timestamper)
    report = verify_pdf(pdf, [network[1]])
    assert report.ok and report.signatures[0].level == "B-T"
    assert report.signatures[0].timestamp.authority == NETWORK


def test_a_tsa_that_refuses_the_credentials_stops_the_signature(tsa_url, network, orgs):
    doc = agreement()
    wrong = tsa.external_timestamper(tsa_url, username="portal", password="wrong")
    with pytest.raises(pdfsign.TimeStampUnavailable):
        pdfsign.certify(render_pdf(doc), fields=field_specs(doc), ca_key=network[0], ca_cert=network[1],
                        signing_time=NOW, timestamper=wrong)
    with pytest.raises(ValueError):
        tsa.external_timestamper(tsa_url, username="portal")


# ------------------------------------------------------------------ B-T

def test_every_signature_carries_a_time_stamp_from_the_network_tsa(b_t, network):
    reader = PdfFileReader(io.BytesIO(b_t))
    context = validation_context([network[1]])
    for signature in reader.embedded_signatures:
        status = validate_pdf_signature(signature, context, context)
        assert status.bottom_line, signature.field_name
        stamp = status.timestamp_validity
        assert stamp is not None and stamp.trusted and stamp.intact and stamp.valid
        assert abs(stamp.timestamp - NOW) < timedelta(minutes=5)
        assert stamp.signing_cert.subject.native["common_name"] == f"{NETWORK} TSA"
    report = verify_pdf(b_t, [network[1]], crls=[crl_at(network, NOW)], network_ca=network[1])
    assert report.ok and report.level == "B-T" and report.timestamps == []
    assert {s.trust for s in report.signatures} == {"network_ca"}
    assert [s.revocation.state for s in report.signatures] == ["trust_anchor", "good", "good", "good"]


# ------------------------------------------------------------------ B-LT and B-LTA

def test_the_extension_appends_a_dss_and_a_document_time_stamp(b_t, b_lta, network):
    assert b_lta.startswith(b_t)
    reader = PdfFileReader(io.BytesIO(b_lta))
    assert reader.xrefs.total_revisions == PdfFileReader(io.BytesIO(b_t)).xrefs.total_revisions + 1
    dss = reader.root["/DSS"]
    assert len(dss["/VRI"]) == 4 and len(dss["/CRLs"]) == 1 and len(dss["/Certs"]) >= 5
    report = verify_pdf(b_lta, [network[1]], crls=[crl_at(network, NOW)], network_ca=network[1])
    assert report.ok and report.level == "B-LTA"
    assert [s.level for s in report.signatures] == ["B-LTA"] * 4
    (stamp,) = report.timestamps
    assert stamp.ok and stamp.field_name == "document-timestamp-1" and stamp.covers_whole_file
    assert stamp.authority == NETWORK and stamp.revocation.state == "good"


def test_ten_years_ahead_the_b_lta_document_still_validates(b_lta, network, orgs):
    """Every organisation's certificate has long expired; the time-stamps prove they were valid then."""
    later = NOW + 10 * YEAR
    assert all(cert.not_valid_after_utc < later for _key, cert in orgs)
    report = verify_pdf(b_lta, [network[1]], crls=[crl_at(network, later - timedelta(hours=1))],
                        moment=later, network_ca=network[1])
    assert report.ok and report.level == "B-LTA", report
    for signature in report.signatures:
        assert signature.trusted and signature.checked_at < NOW + timedelta(minutes=5)
        assert signature.timestamp.checked_at == report.timestamps[0].time
    assert report.timestamps[0].checked_at == later


def test_pyhanko_ades_long_term_validation_agrees_ten_years_ahead(b_lta, network):
    """pyHanko's own ETSI EN 319 102-1 algorithm (past signature validation on the document time-stamp
    chain), with revocation data required, accepts every signature."""
    later = NOW + 10 * YEAR
    fresh = asn1_crl.CertificateList.load(crl_at(network, later - timedelta(hours=1)))
    required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[ca.asn1_certificate(network[1])]),
            revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(required, required))),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=LocalKnowledge(known_crls=[CRLContainer(fresh)])))
    timing = ValidationTimingInfo(later, later, point_in_time_validation=False)
    reader = PdfFileReader(io.BytesIO(b_lta))
    for signature in reader.embedded_regular_signatures:
        result = asyncio.run(ades_lta_validation(signature, spec, timing_info=timing))
        assert result.ades_subindic == AdESPassed.OK, (signature.field_name, result.failure_msg)
        assert result.best_signature_time < NOW + timedelta(minutes=5)


def test_without_time_stamps_expired_certificates_fail_ten_years_ahead(network, orgs):
    plain = signed_agreement(network, orgs, None)
    report = verify_pdf(plain, [network[1]], crls=[crl_at(network, NOW + 10 * YEAR)], moment=NOW + 10 * YEAR)
    assert not report.ok and report.level == "B-B"
    assert [s.trusted for s in report.signatures] == [True, False, False, False]


def test_extension_needs_the_revocation_data(b_t, network, authority):
    with pytest.raises(ltv.LongTermValidationError) as refused:
        ltv.extend_to_lta(b_t, trust_roots=[network[1]], timestamper=authority, now=NOW)
    assert refused.value.code == "validation_data" and "no revocation information" in str(refused.value)
    with pytest.raises(ltv.LongTermValidationError) as refused:
        ltv.extend_to_lta(render_pdf(agreement()), trust_roots=[network[1]], timestamper=authority, now=NOW)
    assert refused.value.code == "no_signatures"


def test_a_flipped_byte_in_the_document_time_stamp_fails_without_raising(b_lta, network):
    data = bytearray(b_lta)
    contents = data.rindex(b"/Contents <") + len(b"/Contents <") + 400
    data[contents] = ord("0") if data[contents] != ord("0") else ord("1")
    report = verify_pdf(bytes(data), [network[1]], crls=[crl_at(network, NOW)])
    assert not report.ok and not report.timestamps[0].ok
    assert all(s.level != "B-LTA" for s in report.signatures)


# ------------------------------------------------------------------ renewal

def test_renewal_is_due_before_the_tsa_certificate_expires_or_after_n_years(b_lta, tsa_cert):
    due = ltv.renewal_due_at(b_lta)
    assert due == min(ltv.renewal_due_at(b_lta, every_years=5),
                      tsa_cert[1].not_valid_after_utc - ltv.RENEW_BEFORE_EXPIRY)
    stamped = verify_pdf(b_lta, []).timestamps[0].time
    assert ltv.renewal_due_at(b_lta, every_years=2) == stamped.replace(year=stamped.year + 2)
    assert ltv.renewal_due_at(b_lta, every_years=20) == tsa_cert[1].not_valid_after_utc - ltv.RENEW_BEFORE_EXPIRY
    assert not ltv.renewal_due(b_lta, now=NOW + YEAR)
    assert ltv.renewal_due(b_lta, now=NOW + 5 * YEAR + timedelta(days=2))


def test_a_renewed_chain_outlives_the_first_tsa_certificate(network, orgs):
    """The first TSA certificate lasts two years. Renewed after one year with a new TSA certificate, the
    document validates six years on; without the renewal it does not."""
    short_key, short_cert = ca.issue_tsa_certificate(*network, network_name=NETWORK, now=NOW - timedelta(days=1),
                                                     years=2, crl_url=CRL_URL)
    first = tsa.NetworkTSA(short_key, short_cert)
    lta = ltv.extend_to_lta(signed_agreement(network, orgs, first), trust_roots=[network[1]], timestamper=first,
                            now=NOW, crls=[crl_at(network, NOW)])
    assert ltv.renewal_due_at(lta) == short_cert.not_valid_after_utc - ltv.RENEW_BEFORE_EXPIRY

    a_year_on = NOW + YEAR
    second_key, second_cert = ca.issue_tsa_certificate(*network, network_name=NETWORK, now=a_year_on,
                                                       crl_url=CRL_URL)
    second = tsa.NetworkTSA(second_key, second_cert, clock=Clock(a_year_on))
    renewed = ltv.renew_archival_timestamp(lta, trust_roots=[network[1]], timestamper=second, now=a_year_on,
                                           crls=[crl_at(network, a_year_on, number=2)])
    assert renewed.startswith(lta)

    six_years_on = NOW + 6 * YEAR
    current = [crl_at(network, six_years_on, number=3)]
    report = verify_pdf(renewed, [network[1]], crls=current, moment=six_years_on)
    assert report.ok and report.level == "B-LTA", report
    first_stamp, second_stamp = report.timestamps
    assert second_stamp.time == a_year_on and second_stamp.checked_at == six_years_on
    assert first_stamp.ok and first_stamp.checked_at == a_year_on
    assert ltv.renewal_due_at(renewed) == a_year_on.replace(year=a_year_on.year + ltv.RENEW_EVERY_YEARS)

    unrenewed = verify_pdf(lta, [network[1]], crls=current, moment=six_years_on)
    assert not unrenewed.ok and not unrenewed.timestamps[0].trusted


def test_renewal_refuses_a_document_without_a_document_time_stamp(b_t, network, authority):
    with pytest.raises(ltv.LongTermValidationError) as refused:
        ltv.renew_archival_timestamp(b_t, trust_roots=[network[1]], timestamper=authority, now=NOW,
                                     crls=[crl_at(network, NOW)])
    assert refused.value.code == "no_document_timestamp"
    assert ltv.renewal_due_at(b_t) is None and ltv.renewal_due(b_t, now=NOW)


def test_renewal_refuses_a_chain_whose_last_time_stamp_no_longer_validates(b_lta, network, authority, tsa_cert):
    too_late = tsa_cert[1].not_valid_after_utc + timedelta(days=1)
    with pytest.raises(ltv.LongTermValidationError) as refused:
        ltv.renew_archival_timestamp(b_lta, trust_roots=[network[1]], timestamper=authority, now=too_late,
                                     crls=[crl_at(network, too_late)])
    assert refused.value.code == "archive_timestamp_invalid"


# ------------------------------------------------------------------ revocation at the proven time

@pytest.fixture(scope="module")
def revoked_org(network):
    """An organisation whose certificate the CA revokes (suspension)."""
    return ca.issue_org_certificate(*network, org_name="Biedrība „Apturētā”", registration_number="40008000001",
                                    now=NOW - timedelta(days=2), crl_url=CRL_URL)


def test_a_signature_made_after_the_revocation_is_not_valid(network, revoked_org, authority):
    certified = signed_agreement(network, [], authority)
    signed = sign(certified, 0, revoked_org, network[1], authority)
    revoked_at = NOW - timedelta(hours=1)  # before the time-stamp (the TSA's clock is the real one)
    listing = crl_at(network, NOW, [(revoked_org[1].serial_number, revoked_at, "privilege_withdrawn")])
    report = verify_pdf(signed, [network[1]], crls=[listing], moment=NOW + timedelta(hours=1))
    party = report.signatures[1]
    assert not report.ok and not party.ok and not party.trusted
    assert party.revocation.state == "revoked" and party.revocation.revoked_at == revoked_at
    assert party.revocation.reason == "privilege_withdrawn"
    assert report.signatures[0].ok


def test_a_signature_made_before_the_revocation_stays_valid(network, revoked_org, authority):
    certified = signed_agreement(network, [], authority)
    signed = sign(certified, 0, revoked_org, network[1], authority)
    revoked_at = NOW + timedelta(days=1)
    listing = crl_at(network, revoked_at + timedelta(hours=1),
                     [(revoked_org[1].serial_number, revoked_at, "privilege_withdrawn")], number=2)
    later = NOW + timedelta(days=2)
    report = verify_pdf(signed, [network[1]], crls=[listing], moment=later)
    party = report.signatures[1]
    assert report.ok and party.ok and party.level == "B-T"
    assert party.revocation.state == "good" and party.revocation.revoked_at == revoked_at
    assert party.checked_at < revoked_at


# ------------------------------------------------------------------ hostile input

def test_damaged_b_lta_files_give_a_report_never_an_exception(b_lta, network):
    """Flipped bytes across the file (text, signatures, time-stamp tokens, DSS, cross-reference tables) and cut
    files: every answer is a Report, and none of the damaged ones passes as the document of record."""
    current = [crl_at(network, NOW)]
    markers = [b"/DSS", b"/CRLs", b"/Contents <", b"/ByteRange", b"xref", b"startxref", b"/Type /Page", b"stream"]
    for marker in markers:
        at = b_lta.rindex(marker) + len(marker) + 3
        damaged = bytearray(b_lta)
        damaged[at] = (damaged[at] + 1) % 256
        report = verify_pdf(bytes(damaged), [network[1]], crls=current)
        assert report.problem or not report.ok, marker
    for cut in (len(b_lta) // 2, len(b_lta) - 2000, len(b_lta) - 40):
        report = verify_pdf(b_lta[:cut], [network[1]], crls=current)
        assert not report.ok
