"""The signing copy: at approval the frozen text is rendered once, certified by the network (a PAdES
certification signature with an empty field per party) and stored as revision 1.

With a job queue this is a job (`make_signing_copy`): the approval answers at once, the agreement is
approved and "being certified" meanwhile (nobody can sign yet: there is nothing to sign), and the parties
are told to sign when the copy is stored. The rendering, the slow part (~0.2 s for 5 pages, seconds on a busy
machine), holds no lock; the copy is stored only if none is, so two workers making it at once leave one.
`sweep` hands out again what a lost job left undone.

Without a queue the approval's answer waits for the copy, but the write lock does not: the view first has the
copy the agreement will have if approved now rendered and certified (`prepare_signing_copy`, reading only,
outside the write lock), then the approval takes the lock, changes the state by compare-and-set and stores that
copy (`certify_after_approval`). Of two coordinators approving at once both render, one wins and stores, the
other is told the agreement is approved already; neither waits for the other's rendering (on SQLite, whose one
writer would otherwise hold everyone up for the length of a rendering).
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..audit.services import record
from ..certificates import signing
from ..database import begin_writing, reset_writing, utcnow
from ..extensions import db
from ..jobs import queue
from . import notices
from .document import AgreementDocument
from .files import party_field, store_file
from .models import APPROVED, Agreement
from .pdf import render_pdf, signature_boxes
from .printing import build_document
from .workflow import lock

log = logging.getLogger(__name__)


def _certified(document: AgreementDocument) -> bytes:
    fields = [(party_field(i), page, box) for i, (page, box) in enumerate(signature_boxes(document))]
    return signing.certify_signing_copy(render_pdf(document), fields, signing_time=utcnow())


def render_signing_copy(agreement: Agreement) -> bytes:
    return _certified(build_document(agreement))


@dataclass(frozen=True)
class PreparedCopy:
    """A signing copy made before the approval: the time it is approved at, what it prints, its bytes."""

    approved_at: datetime
    document: AgreementDocument
    data: bytes


def prepare_signing_copy(agreement: Agreement, now: datetime) -> PreparedCopy | None:
    """The certified signing copy of a submitted agreement as if approved at `now`, reading only; None with a
    job queue (a worker makes the copy after the approval), or if the network must store something before it
    can sign (its first CA or TSA certificate: the approval then makes the copy under its lock)."""
    if queue.queue_configured() or not signing.signs_without_writing():
        return None
    approved_at = now.replace(microsecond=0)
    document = build_document(agreement, approved_at=approved_at)
    return PreparedCopy(approved_at, document, _certified(document))


def store_signing_copy(agreement: Agreement, data: bytes) -> None:
    """Stores the certified copy as revision 1 and tells the parties to sign (the approver is not told)."""
    stored = store_file(agreement, data, "approved")
    agreement.certified_at = utcnow()
    db.session.flush()
    record("agreement.certified", obj=agreement, sha256=stored.sha256, revision=stored.revision)
    approver = db.session.get(User, agreement.decided_by_id) if agreement.decided_by_id else None
    notices.tell_parties(approver, agreement, "approved")


def make_signing_copy_now(agreement: Agreement) -> None:
    """In the caller's transaction (no queue): the approval's answer waits for the copy."""
    store_signing_copy(agreement, render_signing_copy(agreement))


def make_signing_copy(agreement_id: int) -> bool:
    """The job: renders and certifies outside any write lock, then stores the copy if the agreement still
    waits for one. Returns whether this run stored it."""
    reading = begin_writing(False)
    try:
        agreement = db.session.get(Agreement, agreement_id)
        if agreement is None or not agreement.is_being_certified:
            db.session.rollback()
            return False
        data = render_signing_copy(agreement)
        db.session.rollback()  # end the reading transaction before the slow part is stored
    finally:
        reset_writing(reading)
    agreement = db.session.get(Agreement, agreement_id)
    lock(agreement)
    if not agreement.is_being_certified:  # another worker stored it meanwhile, or it was terminated
        return False
    store_signing_copy(agreement, data)
    return True


def certify_after_approval(agreement: Agreement, prepared: PreparedCopy | None = None) -> None:
    """What `approve` asks for, under the agreement's lock: a job when there is a queue; when not, the copy
    prepared before the lock if it prints what the frozen agreement prints (an organization's details might
    have changed meanwhile), else one made at once."""
    if queue.queue_configured():
        queue.defer(make_signing_copy, agreement.id)
    elif prepared is not None and prepared.document == build_document(agreement):
        store_signing_copy(agreement, prepared.data)
    else:
        make_signing_copy_now(agreement)


def sweep() -> int:
    """The periodic job: agreements approved a while ago and still without a signing copy (their job was
    lost: Redis flushed, a worker killed) get one handed out again."""
    settled = utcnow() - timedelta(seconds=current_app.config["SWEEP_SECONDS"])
    waiting = db.session.scalars(select(Agreement.id).where(
        Agreement.state == APPROVED, Agreement.certified_at.is_(None), Agreement.approved_at < settled)).all()
    app = current_app._get_current_object()
    for agreement_id in waiting:
        queue.submit(app, make_signing_copy, agreement_id)
    if waiting:
        log.info("signing copies handed out again: %s", waiting)
    return len(waiting)
