"""A stand-in for LVRTC (eParaksts): a qualified trust service declared with certomancer and served over real
HTTP while the tests run (its Animator, a WSGI app, on 127.0.0.1): a root CA, a qualified CA that issues a
natural person's signing certificate (QcCompliance, QcSSCD, QcType eSign), an OCSP responder, CRLs, a
time-stamping authority and a trusted-list operator. Also an ETSI TS 119 612 trusted list that names them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from asn1crypto import pem
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel, ServiceLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml.etree import fromstring, tostring
from pyhanko.generated.etsi import ts_119612
from pyhanko.sign.ades import qualified_asn1  # noqa: F401  (registers the qcStatements extension with asn1crypto)
from pyhanko.sign.validation.qualified.eutl_parse import STATUS_GRANTED
from pyhanko.sign.validation.qualified.tsp import CA_QC_URI, QTST_URI
from signxml import SignatureMethod
from signxml.xades import XAdESSigner
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.models.datatype import XmlDateTime

ARCH = "lvrtc"
TSP = "Test Trust Services"
KEYS = ("root", "qualified-ca", "ocsp", "tsa", "signer", "revoked-signer", "tlso")
QC_STATEMENTS = [{"statement_id": "qc_compliance"}, {"statement_id": "qc_sscd"},
                 {"statement_id": "qc_type", "statement_info": ["qct_esign"]}]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _signer(valid_from, valid_to, revoked_since=None) -> dict:
    spec = {
        "issuer": "qualified-ca",
        "validity": {"valid-from": _iso(valid_from), "valid-to": _iso(valid_to)},
        "extensions": [
            {"id": "key_usage", "critical": True,
             "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}},
            {"id": "crl_distribution_points",
             "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["qualified-ca"]}}},
            {"id": "authority_information_access",
             "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["qualified-ca"]}}},
            {"id": "qc_statements", "value": QC_STATEMENTS},
        ],
    }
    if revoked_since is not None:
        spec["revocation"] = {"revoked-since": _iso(revoked_since), "reason": "key_compromise"}
    return spec


def _config(now: datetime, key_dir: Path) -> dict:
    long_ago, far = now - timedelta(days=3650), now + timedelta(days=3650)
    ca_usage = {"id": "key_usage", "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign", "crl_sign"]}}
    root_crl = {"id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}}
    return {
        "keysets": {ARCH: {"path-prefix": str(key_dir),
                           "keys": {name: {"path": f"{name}.key.pem"} for name in KEYS}}},
        "pki-architectures": {ARCH: {
            "keyset": ARCH,
            "entity-defaults": {"country-name": "LV"},
            "entities": {
                "root": {"organization-name": TSP, "common-name": "Test Root CA"},
                "qualified-ca": {"organization-name": TSP, "common-name": "Test Qualified CA"},
                "ocsp": {"organization-name": TSP, "common-name": "Test OCSP Responder"},
                "tsa": {"organization-name": TSP, "common-name": "Test Qualified TSA"},
                "signer": {"common-name": "Inguna Badune", "serial-number": "PNOLV-010180-12345"},
                "revoked-signer": {"common-name": "Jānis Kalniņš", "serial-number": "PNOLV-020280-54321"},
                "tlso": {"organization-name": TSP, "common-name": "Test Trusted List Operator"},
            },
            "certs": {
                "root": {"subject": "root", "issuer": "root",
                         "validity": {"valid-from": _iso(long_ago), "valid-to": _iso(far + timedelta(days=3650))},
                         "extensions": [{"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                                        ca_usage]},
                "qualified-ca": {"issuer": "root", "validity": {"valid-from": _iso(long_ago), "valid-to": _iso(far)},
                                 "extensions": [{"id": "basic_constraints", "critical": True,
                                                 "value": {"ca": True, "path-len-constraint": 0}},
                                                ca_usage, root_crl]},
                "ocsp": {"issuer": "qualified-ca", "validity": {"valid-from": _iso(long_ago), "valid-to": _iso(far)},
                         "extensions": [{"id": "key_usage", "critical": True,
                                         "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
                                        {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                                        {"id": "ocsp_no_check"}]},
                "tsa": {"issuer": "root", "validity": {"valid-from": _iso(long_ago), "valid-to": _iso(far)},
                        "extensions": [{"id": "key_usage", "critical": True,
                                        "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
                                       {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                                       root_crl]},
                "signer": _signer(now - timedelta(days=30), now + timedelta(days=3 * 365)),
                "revoked-signer": _signer(now - timedelta(days=30), now + timedelta(days=3 * 365),
                                          revoked_since=now - timedelta(days=20)),
                "tlso": {"issuer": "root", "validity": {"valid-from": _iso(long_ago), "valid-to": _iso(far)},
                         "extensions": [{"id": "key_usage", "critical": True,
                                         "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}}]},
            },
            "services": {
                "ocsp": {"qualified-ca": {"for-issuer": "qualified-ca", "responder-cert": "ocsp",
                                          "signing-key": "ocsp"}},
                "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root",
                                      "simulated-update-schedule": "P30D"},
                             "qualified-ca": {"for-issuer": "qualified-ca", "signing-key": "qualified-ca",
                                              "simulated-update-schedule": "P7D"}},
                "cert-repo": {"root": {"for-issuer": "root", "publish-issued-certs": True}},
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }},
    }


@dataclass
class OutsidePKI:
    arch: object
    base_url: str

    def cert(self, label: str):
        return self.arch.get_cert(CertLabel(label))

    def key_der(self, label: str) -> bytes:
        return self.arch.key_set.get_private_key(KeyLabel(label)).dump()

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    def crl(self, issuer: str, moment: datetime) -> bytes:
        return self.arch.service_registry.get_crl(ServiceLabel(issuer), moment).dump()


def build(now: datetime, key_dir: Path, base_url: str) -> tuple[OutsidePKI, Animator]:
    """The PKI whose URLs point to `base_url`, and the Animator that serves it there."""
    for name in KEYS:
        key = ec.generate_private_key(ec.SECP256R1())
        (key_dir / f"{name}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    config = CertomancerConfig(yaml.safe_load(yaml.safe_dump(_config(now, key_dir))), key_search_dir=str(key_dir),
                               external_url_prefix=base_url)
    arch = config.get_pki_arch(ArchLabel(ARCH))
    return OutsidePKI(arch, base_url), Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)


# ------------------------------------------------------------------ a trusted list naming it

def _service(service_type: str, name: str, cert, since: datetime) -> ts_119612.TSPService:
    return ts_119612.TSPService(ts_119612.ServiceInformation(
        service_type_identifier=ts_119612.ServiceTypeIdentifier(service_type),
        service_name=ts_119612.InternationalNamesType((ts_119612.MultiLangNormStringType(value=name, lang="en"),)),
        service_digital_identity=ts_119612.ServiceDigitalIdentity(
            (ts_119612.DigitalIdentityType(x509_certificate=cert.dump()),)),
        service_status=ts_119612.ServiceStatus(STATUS_GRANTED),
        status_starting_time=XmlDateTime.from_datetime(since),
    ))


def trusted_list(pki: OutsidePKI, since: datetime, *, signed: bool) -> str:
    """A trusted list with the qualified CA (CA/QC) and the TSA (QTST); XAdES-signed by the TLSO if `signed`."""
    services = (_service(CA_QC_URI, "Test Qualified CA", pki.cert("qualified-ca"), since),
                _service(QTST_URI, "Test Qualified TSA", pki.cert("tsa"), since))
    document = ts_119612.TrustServiceStatusList(
        scheme_information=ts_119612.SchemeInformation(),
        trust_service_provider_list=ts_119612.TrustServiceProviderList(trust_service_provider=tuple(
            ts_119612.TrustServiceProvider(tspservices=ts_119612.TSPServices((service,))) for service in services)))
    xml = XmlSerializer().render(document)
    if not signed:
        return xml
    key = serialization.load_der_private_key(pki.key_der("tlso"), password=None)
    signed_xml = XAdESSigner(signature_algorithm=SignatureMethod.ECDSA_SHA256).sign(
        fromstring(xml.encode("utf-8")), key=key, cert=pem.armor("CERTIFICATE", pki.cert("tlso").dump()).decode(),
        always_add_key_value=False)
    return tostring(signed_xml).decode("utf-8")
