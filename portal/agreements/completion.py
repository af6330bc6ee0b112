"""The completion certificate: when an agreement enters into force, a short PDF signed and time-stamped by the
network that lists its steps from the audit chain (drafted, submitted, approved, each party's signature with its
time, IP address and browser, entry into force) and names the document of record by its SHA-256.

It is made once, right after the document of record became B-LTA (without a job queue in the last signature's
transaction, with one by a job), and stored: a document that lasts, with one SHA-256 that /verify recognizes and
whose signature's time-stamp proves when it was made. Made on demand it would be a different file at every
download, and it would list the chain as it is then, not as it was at entry into force. Its bytes are in the
file store, its row (`CompletionCertificate`) finds it by digest. It is in the agreement's language, like the
agreement: a stored document cannot follow its reader's. It shows IP addresses and browsers because only the
parties' people and the coordinators may download it (as they may the agreement); /verify never shows them.

A certificate lost on the way (a job lost with Redis) or missing for an agreement in force before there were
certificates is made by the daily duties (`make_missing`).
"""
import json
import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from .. import signed_documents
from ..audit.models import AuditEvent
from ..audit.services import record
from ..database import utcnow
from ..extensions import db
from ..jobs import queue
from . import archive
from .completion_pdf import LABELS, CompletionDocument, SignatureFacts, Step, render_pdf
from .files import current_file
from .models import AgreementFile, Agreement, CompletionCertificate
from .printing import verify_url
from .workflow import lock

log = logging.getLogger(__name__)

STEPS = ("agreement.drafted", "agreement.submitted", "agreement.returned", "agreement.approved",
         "agreement.certified", "agreement.signed", "agreement.in_force", "agreement.archived")


FOLDER = "agreements/completion"  # in the file store: <FOLDER>/<sha256>.pdf


def certificate_of(agreement_id: int) -> CompletionCertificate | None:
    return db.session.scalar(select(CompletionCertificate).where(CompletionCertificate.agreement_id == agreement_id))


def certificate_with_digest(sha256: str) -> CompletionCertificate | None:
    return db.session.scalar(select(CompletionCertificate).where(CompletionCertificate.sha256 == sha256).limit(1))


def is_due(agreement: Agreement) -> bool:
    """Every party has signed (it entered into force, whatever its state now) and it has no certificate yet."""
    return agreement.in_force_at is not None and certificate_of(agreement.id) is None


# ---------------------------------------------------------------- what it lists

def _steps(agreement: Agreement) -> tuple[list[Step], str]:
    """The agreement's steps from the audit chain, oldest first, and the chain's hash of the last one."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Agreement", AuditEvent.object_id == agreement.id,
        AuditEvent.action.in_(STEPS), AuditEvent.outcome == "ok").order_by(AuditEvent.id)).all()
    parties = {party.org_id: party.printed_name for party in agreement.parties}
    signatures = {signature.org_id: signature for signature in agreement.signatures}
    network = current_app.config["NETWORK_NAME"]
    steps = []
    for event in events:
        action, who, facts = event.action, network, None
        if event.actor is not None:
            org_name = parties.get(event.org_id) or (event.org.name if event.org else "")
            who = ", ".join(part for part in (event.actor.name, org_name) if part)
        if action == "agreement.signed" and event.org_id in signatures:
            signature = signatures[event.org_id]
            facts = SignatureFacts(signature.typed_name, signature.position, signature.method,
                                   signature.ip_address, signature.user_agent)
            who = parties.get(event.org_id, who)
        elif action == "agreement.in_force":
            who = ""  # it follows from the last signature; nobody acts
        elif action == "agreement.archived" and json.loads(event.details or "{}").get("kind") != "B-LTA":
            action = "agreement.archived:renewed"
        steps.append(Step(event.id, event.created_at, action, who, signature=facts))
    return steps, events[-1].hash if events else ""


def completion_document(agreement: Agreement, document: AgreementFile, made_at: datetime) -> CompletionDocument:
    steps, last_hash = _steps(agreement)
    return CompletionDocument(
        language=agreement.language, network_name=current_app.config["NETWORK_NAME"], number=agreement.number,
        title=agreement.title, verification_code=agreement.verification_code,
        verify_url=verify_url(agreement.verification_code),
        parties=[(p.printed_name, p.printed_registration_number) for p in agreement.parties],
        in_force_at=agreement.in_force_at, document_sha256=document.sha256, document_revision=document.revision,
        document_size=document.size, steps=steps, last_hash=last_hash, made_at=made_at)


# ---------------------------------------------------------------- making and storing it

def render_certificate(agreement: Agreement, now: datetime | None = None) -> tuple[bytes, AgreementFile]:
    """The signed, time-stamped certificate, and the document of record it names (the newest file now)."""
    now = now or utcnow()
    document = current_file(agreement.id)
    pdf = render_pdf(completion_document(agreement, document, now))
    reason = f"{LABELS[agreement.language]['title']}: {agreement.number}; SHA-256 {document.sha256}"
    return signed_documents.certify(pdf, signing_time=now, reason=reason), document


def store_certificate(agreement: Agreement, data: bytes, document: AgreementFile) -> CompletionCertificate:
    kept = signed_documents.store(data, FOLDER)
    stored = CompletionCertificate(agreement_id=agreement.id, sha256=kept.sha256, size=kept.size,
                                   storage_key=kept.storage_key, language=agreement.language,
                                   document_revision=document.revision, document_sha256=document.sha256)
    db.session.add(stored)
    db.session.flush()
    record("agreement.completion_certified", obj=agreement, sha256=kept.sha256, document_sha256=document.sha256,
           revision=document.revision)
    return stored


def make_now(agreement: Agreement) -> CompletionCertificate:
    """In the caller's transaction, which holds the agreement's lock."""
    data, document = render_certificate(agreement)
    return store_certificate(agreement, data, document)


def certify_at_entry_into_force(agreement: Agreement) -> None:
    """What entry into force asks for after the B-LTA extension: a job with a queue, else made at once."""
    if queue.queue_configured():
        queue.defer(make_certificate, agreement.id)
    else:
        make_now(agreement)


def make_certificate(agreement_id: int) -> bool:
    """The job (and the daily duties' step): makes the certificate if the agreement is due one. If the document
    of record waits for its extension to B-LTA still (its job not run yet, or lost), that comes first, so the
    certificate names the document of record as it stays. Returns whether this run made it."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        return False
    lock(agreement)
    if not is_due(agreement):  # not in force, or another run made it
        return False
    if agreement.archive_due_at is None:
        archive.extend(agreement)  # on failure the document stays B-T, recorded; the certificate names that
    make_now(agreement)
    return True


def make_missing() -> int:
    """The daily duty: every agreement that entered into force and has no certificate gets one."""
    due = db.session.scalars(select(Agreement.id).where(
        Agreement.in_force_at.is_not(None),
        Agreement.id.not_in(select(CompletionCertificate.agreement_id))).order_by(Agreement.id)).all()
    made = sum(make_certificate(agreement_id) for agreement_id in due)
    if made:
        log.info("completion certificates made: %s", made)
    return made


# ---------------------------------------------------------------- reading it

def certificate_bytes(certificate: CompletionCertificate) -> bytes | None:
    """The stored bytes, or None if the file store lost them or they are not what was stored (logged)."""
    return signed_documents.read(certificate.storage_key, certificate.sha256,
                                 f"completion certificate {certificate.id}")


MATCHES, EXTENDED, DIFFERENT = "matches", "extended", "different"


def document_match(certificate: CompletionCertificate) -> tuple[str, AgreementFile]:
    """Whether the agreement's document of record is still the file the certificate names (MATCHES), that file
    with only archival time-stamps added since (EXTENDED: the same signatures), or else (DIFFERENT); and the
    agreement's newest file."""
    newest = current_file(certificate.agreement_id)
    if newest.sha256 == certificate.document_sha256:
        return MATCHES, newest
    later = db.session.scalars(select(AgreementFile.event).where(
        AgreementFile.agreement_id == certificate.agreement_id,
        AgreementFile.revision > certificate.document_revision)).all()
    named = db.session.scalar(select(AgreementFile.sha256).where(
        AgreementFile.agreement_id == certificate.agreement_id,
        AgreementFile.revision == certificate.document_revision))
    if named == certificate.document_sha256 and later and all(event in ("lta", "archive") for event in later):
        return EXTENDED, newest
    return DIFFERENT, newest
