"""An EU trusted list (ETSI TS 119 612): which certificate authorities issue qualified certificates and which
time-stamping authorities are qualified, as the portal's `TRUSTED_LIST` setting names them.

pyHanko's `[etsi]` extra reads the XML (xsdata) and checks its XAdES signature (signxml). Give the certificates
of the list's operator (TLSO) to have the signature checked; without them the file is taken as the operator of
the portal downloaded it. The list is read once per process; `verify.verify_pdf(..., trusted_list=...)` then says
per signature whether it is qualified and trusts the listed CAs and TSAs as roots.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation.qualified.assess import QualificationAssessor
from pyhanko.sign.validation.qualified.eutl_parse import trust_list_to_registry, trust_list_to_registry_unsafe
from pyhanko.sign.validation.qualified.tsp import QTST_URI, TSPRegistry
from pyhanko_certvalidator.authority import AuthorityWithCert

from .ca import asn1_certificate

log = logging.getLogger(__name__)


class TrustedListError(ValueError):
    """The file is not a trusted list pyHanko can read, or its signature does not verify."""


@dataclass(frozen=True)
class TrustedList:
    registry: TSPRegistry
    roots: tuple  # asn1crypto certificates of the listed CAs and TSAs, trusted as anchors

    def signature_qualification(self, path, moment: datetime) -> str:
        """For a signer's validation path: "qes" (qualified certificate, key in a qualified device),
        "adesig_qc" (qualified certificate only) or "not_qualified"."""
        if path is None:
            return "not_qualified"
        try:
            status = QualificationAssessor(self.registry).check_entity_cert_qualified(path, moment).status
        except Exception as error:  # an odd QcStatements extension must not break verification
            log.info("qualification could not be assessed: %r", error)
            return "not_qualified"
        if not status.qualified:
            return "not_qualified"
        return "qes" if status.qc_key_security.is_qscd else "adesig_qc"

    def timestamp_qualified(self, tsa_certificate: asn1_x509.Certificate | None, moment: datetime) -> bool:
        """Whether a time-stamp by this TSA certificate, made at `moment`, is a qualified time-stamp."""
        if tsa_certificate is None:
            return False
        services = self.registry.applicable_service_definitions(AuthorityWithCert(tsa_certificate), moment)
        return any(s.base_info.service_type == QTST_URI for s in services)


def load_trusted_list(xml: str | bytes | Path, *, operator_certificates: list | None = None) -> TrustedList:
    """The trusted list in `xml` (its text, or a path). With `operator_certificates` its XML signature must
    verify with one of them (TrustedListError otherwise)."""
    if isinstance(xml, Path):
        xml = xml.read_bytes()
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    try:
        if operator_certificates:
            registry, errors = trust_list_to_registry(
                text, [asn1_certificate(c) for c in operator_certificates])
        else:
            registry, errors = trust_list_to_registry_unsafe(text)
    except Exception as error:
        raise TrustedListError(f"not a trusted list that can be read: {error}") from error
    for error in errors:
        log.warning("trusted list entry skipped: %s", error)
    authorities = set(registry.known_certificate_authorities) | set(registry.known_timestamp_authorities)
    roots = tuple(a.certificate for a in authorities if isinstance(a, AuthorityWithCert))
    return TrustedList(registry, roots)
