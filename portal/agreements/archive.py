"""The document of record, kept verifiable for as long as the agreement matters.

When the last party signs, the signed PDF is extended to PAdES B-LTA: one incremental update with a DSS that
holds the certificates and CRLs of every signature and time-stamp (B-LT), and a document time-stamp over it
all. The daily duties then add a new document time-stamp (with the validation data of the last one) before
the last one's TSA certificate expires, and at least every ARCHIVE_TIMESTAMP_EVERY_YEARS, so an agreement
signed today still validates when every certificate in it has long expired. Each extension is a new stored
revision (the earlier ones stay, byte for byte) and an event in the audit chain.

If the validation data of a signature cannot be found (an outside signature whose tool left its CRLs out), the
document stays as signed (B-T), the failure is recorded, and the daily duties try again.
"""
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ..audit.services import record
from ..certificates import revocation, services as certificates, timestamps
from ..database import utcnow
from ..extensions import db
from ..jobs import queue
from ..signing import ltv
from .files import current_file, store_file
from .models import EXPIRED, IN_FORCE, TERMINATED, Agreement, AgreementFile
from .workflow import lock

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(days=1)  # a failed extension is tried again by the next day's duties


def _trust_roots() -> list:
    roots = certificates.network_trust_roots() + certificates.external_trust_roots()
    trusted_list = certificates.trusted_list()
    return roots + list(trusted_list.roots if trusted_list is not None else [])


def _validation_data(since: datetime) -> dict:
    crls = [revocation.fresh_crl(since)] + revocation.known_crls()
    return {"crls": list(dict.fromkeys(crls)), "certificates": timestamps.tsa_certificates()}


def extend(agreement: Agreement, now: datetime | None = None):
    """Extends the newest file of an agreement in force: to B-LTA if it has no document time-stamp yet, else
    with a new archival time-stamp. Stores the new revision and returns it; None if it failed (recorded)."""
    now = now or utcnow()
    stored = current_file(agreement.id)
    pdf = stored.data
    # The first extension covers every signature, even if an outside tool already added a document time-stamp.
    first = db.session.scalar(select(AgreementFile.id).where(
        AgreementFile.agreement_id == agreement.id, AgreementFile.event == "lta").limit(1)) is None
    last_signed = max((s.signed_at for s in agreement.signatures), default=now)
    arguments = {"trust_roots": _trust_roots(), "timestamper": timestamps.timestamper(), "now": now,
                 **_validation_data(last_signed)}
    try:
        extended = (ltv.extend_to_lta if first else ltv.renew_archival_timestamp)(pdf, **arguments)
    except ltv.LongTermValidationError as error:
        log.warning("agreement %s: the document of record could not be extended: %s", agreement.id, error)
        agreement.archive_due_at = now + RETRY_AFTER
        record("agreement.archive_failed", obj=agreement, outcome="failed", reason=error.code,
               detail=str(error)[:300])
        return None
    new = store_file(agreement, extended, "lta" if first else "archive")
    agreement.archive_due_at = ltv.renewal_due_at(
        extended, every_years=current_app.config["ARCHIVE_TIMESTAMP_EVERY_YEARS"])
    db.session.flush()
    record("agreement.archived", obj=agreement, sha256=new.sha256, revision=new.revision,
           kind="B-LTA" if first else "archival time-stamp", renew_by=agreement.archive_due_at.isoformat())
    return new


def extend_at_entry_into_force(agreement: Agreement) -> None:
    """What the last signature asks for: a job when there is a queue, else at once in its transaction."""
    if queue.queue_configured():
        queue.defer(extend_job, agreement.id)
    else:
        extend(agreement)


def extend_job(agreement_id: int) -> bool:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        return False
    lock(agreement)
    if agreement.in_force_at is None or (agreement.archive_due_at is not None
                                         and agreement.archive_due_at > utcnow()):
        return False  # not in force, or already extended by another run
    return extend(agreement) is not None


def renew_all_now(now: datetime) -> None:
    """Every document of record is due for a new archival time-stamp (after the network CA was replaced)."""
    db.session.execute(update(Agreement).where(Agreement.in_force_at.is_not(None)).values(archive_due_at=now))


def renew_due(now: datetime | None = None) -> int:
    """The daily duty: every document of record not yet B-LTA, or whose archival time-stamp is due, is
    extended. Returns how many were."""
    now = now or utcnow()
    due = db.session.scalars(select(Agreement.id).where(
        Agreement.state.in_((IN_FORCE, EXPIRED, TERMINATED)), Agreement.in_force_at.is_not(None),
        or_(Agreement.archive_due_at.is_(None), Agreement.archive_due_at <= now)).order_by(Agreement.id)).all()
    done = 0
    for agreement_id in due:
        agreement = db.session.get(Agreement, agreement_id)
        lock(agreement)
        if agreement.archive_due_at is not None and agreement.archive_due_at > now:
            continue
        done += extend(agreement, now) is not None
    return done
