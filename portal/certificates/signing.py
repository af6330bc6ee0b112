"""Signing the agreement PDFs in the network's name (the certification) and in an organization's (its
signature), each signature time-stamped (PAdES B-T) by `timestamps.timestamper()`."""
from datetime import datetime

from flask import current_app

from ..signing import ca as network_ca
from ..signing.pdfsign import certify, sign_party
from . import services, timestamps


def signs_without_writing() -> bool:
    """Whether the network signs now without storing anything first (its CA, its TSA's certificate): what a
    signature made in a transaction that only reads needs."""
    return services.authority_is_stored() and timestamps.timestamper_is_ready()


def certify_signing_copy(pdf_bytes: bytes, fields: list[tuple[str, int, tuple]], signing_time: datetime) -> bytes:
    """The network's certification of an approved agreement, with every party's empty signature field."""
    ca_key, ca_cert = services.authority()
    return certify(pdf_bytes, fields=fields, ca_key=ca_key, ca_cert=ca_cert, signing_time=signing_time,
                   location=current_app.config["NETWORK_NAME"], timestamper=timestamps.timestamper())


def certify_final(pdf_bytes: bytes, signing_time: datetime, reason: str) -> bytes:
    """The network's signature on a document of its own that nobody signs after it (the completion
    certificate): a certification that allows no change."""
    ca_key, ca_cert = services.authority()
    return certify(pdf_bytes, fields=[], ca_key=ca_key, ca_cert=ca_cert, signing_time=signing_time,
                   reason=reason, location=current_app.config["NETWORK_NAME"],
                   timestamper=timestamps.timestamper(), final=True)


def sign_for_org(pdf_bytes: bytes, org, *, field_name: str, signer_name: str, position: str, org_name: str,
                 signed_at: datetime, language: str) -> bytes:
    row = services.certificate_for(org)
    _ca_key, ca_cert = services.authority()
    return sign_party(pdf_bytes, field_name=field_name, org_key=services.org_key(row),
                      org_cert=network_ca.certificate_from_pem(row.certificate_pem.encode()), ca_cert=ca_cert,
                      signer_name=signer_name, position=position, org_name=org_name, signed_at=signed_at,
                      language=language, timestamper=timestamps.timestamper())
