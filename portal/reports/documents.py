"""The signed PDF of a report: asked for on the report's page, made by a job, handed over by a notification.

    request_document(user, kind, org, period, language)   the button: a pending row and a job for it
                                                          (a project's co-financing report: `project=`)
    make_document(document_id)                            the job: renders, signs, stores, tells the person
    get_visible_document(user, document_id)               the download, with the report's own permission

A report can be long (an organization's all time, the network's statistics with their charts), so it is always
made in the background: with a queue by `portal worker`, without one in a thread after the commit. The job
renders and signs outside SQLite's write lock, then stores the file under its SHA-256 and marks the row ready by
compare-and-set, so a job run twice (a retry, the sweep) stores one document.

Asking twice does not make two: while the same person's PDF of the same report, period and language is pending,
asking again gives that one (its `pending_key` is unique, so two clicks at the same moment insert one row), and
one made for them less than REUSE_SECONDS ago is given again instead of a new one. A pending one whose job was
lost (Redis flushed, the process ended) is handed out again when it is asked for again or by the sweep.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy, signed_documents
from ..audit.services import record
from ..database import StateConflict, begin_writing, compare_and_set, reset_writing, utcnow
from ..errors import found, require
from ..extensions import db
from ..jobs import queue
from ..notifications.services import notify
from ..pdfs import PdfRenderError
from ..signing.pdfsign import SigningError, TimeStampUnavailable
from . import pdf
from .models import FAILED, ORG, PENDING, PROJECT, READY, STATISTICS, VOLUNTEERS, ReportDocument
from .periods import Period

log = logging.getLogger(__name__)

FOLDER = "reports"  # in the file store: reports/<sha256>.pdf
REUSE_SECONDS = 120
GIVE_UP_AFTER = timedelta(hours=6)  # a pending one older than this failed; its person is told


def lost_after() -> timedelta:
    """A pending document older than this has lost its job: twice the longest a job may run."""
    return timedelta(seconds=2 * current_app.config["JOB_TIMEOUT_SECONDS"])


@dataclass(frozen=True)
class Asked:
    document: ReportDocument
    queued: bool  # a job was asked for now; else the one asked for before is still being made, or is ready


def _allowed(user, kind: str, org, project=None) -> None:
    if kind == STATISTICS:
        require(policy.can_see_network_statistics(user))
    elif kind == PROJECT:
        found(project, org is not None and project is not None and project.org_id == org.id
              and policy.can_see_projects(user, org))
    else:
        found(org, org is not None and policy.can_see_org_report(user, org))


def pending_key(user, kind: str, org, period: Period, language: str, project=None) -> str:
    parts = (user.id, kind, org.id if org is not None else "", period.kind, period.start or "", language)
    if project is not None:
        parts += (project.id,)
    return ":".join(str(part) for part in parts)


def request_document(user, kind: str, org, period: Period, language: str, now: datetime | None = None,
                     project=None) -> Asked:
    """The signed PDF of this report (`org` None for the network statistics; `project` for a project's
    co-financing report, over all its tagged exchanges: `period` all time) that `user` asks for."""
    _allowed(user, kind, org, project)
    now = now or utcnow()
    key = pending_key(user, kind, org, period, language, project)
    pending = db.session.scalar(select(ReportDocument).where(ReportDocument.pending_key == key))
    if pending is not None:
        return _again(pending, now)
    recent = db.session.scalar(select(ReportDocument).where(
        ReportDocument.requested_by_id == user.id, ReportDocument.kind == kind,
        ReportDocument.org_id.is_(None) if org is None else ReportDocument.org_id == org.id,
        ReportDocument.project_id.is_(None) if project is None else ReportDocument.project_id == project.id,
        ReportDocument.period_kind == period.kind,
        ReportDocument.period_start.is_(None) if period.start is None else ReportDocument.period_start == period.start,
        ReportDocument.language == language, ReportDocument.state == READY,
        ReportDocument.made_at >= now - timedelta(seconds=REUSE_SECONDS)).order_by(ReportDocument.id.desc()).limit(1))
    if recent is not None:
        return Asked(recent, False)
    document = ReportDocument(kind=kind, org_id=org.id if org is not None else None,
                              project_id=project.id if project is not None else None, period_kind=period.kind,
                              period_start=period.start, period_end=period.end, language=language,
                              requested_by_id=user.id, requested_at=now, state=PENDING, pending_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(document)
            db.session.flush()
    except IntegrityError:  # the same click a moment ago, in a transaction that committed meanwhile
        return Asked(found(db.session.scalar(select(ReportDocument).where(ReportDocument.pending_key == key))),
                     False)
    queue.defer(make_document, document.id)
    return Asked(document, True)


def _again(pending: ReportDocument, now: datetime) -> Asked:
    if pending.requested_at > now - lost_after():
        return Asked(pending, False)
    pending.requested_at = now  # its job was lost: it is handed out again
    db.session.flush()
    queue.defer(make_document, pending.id)
    return Asked(pending, True)


# ---------------------------------------------------------------- the job

def _read_only(work):
    """`work` in a transaction of its own that does not take SQLite's write lock (it only reads; rendering
    and signing take a while and nobody should wait for them)."""
    db.session.rollback()
    token = begin_writing(False)
    try:
        return work()
    finally:
        db.session.rollback()
        reset_writing(token)


def _render_and_sign(document_id: int) -> tuple[bytes, str, datetime]:
    document = db.session.get(ReportDocument, document_id)
    made_at = utcnow().replace(microsecond=0)
    rendered = pdf.render(document, made_at)
    signed = signed_documents.certify(rendered.pdf, signing_time=made_at, reason=rendered.title)
    return signed, rendered.title, made_at


def make_document(document_id: int) -> bool:
    """The job. Returns whether this run made the document (False: made already, or it failed)."""
    document = db.session.get(ReportDocument, document_id)
    if document is None or document.state != PENDING:
        return False
    try:
        if signed_documents.signs_without_writing():
            data, title, made_at = _read_only(lambda: _render_and_sign(document_id))
        else:  # the network's first signature stores its CA or time-stamping certificate first
            data, title, made_at = _render_and_sign(document_id)
    except TimeStampUnavailable:
        raise  # the time-stamping authority may answer later: the job is tried again
    except (PdfRenderError, SigningError):
        log.exception("report document %s could not be made", document_id)
        db.session.rollback()
        return _fail(document_id)
    stored = signed_documents.store(data, FOLDER)
    try:
        compare_and_set(ReportDocument, document_id, PENDING, state=READY, pending_key=None, made_at=made_at,
                        sha256=stored.sha256, size=stored.size, storage_key=stored.storage_key)
    except StateConflict:  # another run made it meanwhile
        return False
    document = db.session.get(ReportDocument, document_id)
    record("report.signed", obj=document, org=document.org, kind=document.kind, sha256=stored.sha256,
           period=f"{document.period_kind} {document.period_start or ''}".strip())
    notify([document.requested_by], "report_pdf_ready", link=download_path(document), title=title)
    return True


def _fail(document_id: int, reason: str = "") -> bool:
    try:
        compare_and_set(ReportDocument, document_id, PENDING, state=FAILED, pending_key=None)
    except StateConflict:
        return False
    document = db.session.get(ReportDocument, document_id)
    with force_locale(document.language):
        title = pdf.title_of(document)
    notify([document.requested_by], "report_pdf_failed", link=report_path(document), title=title)
    if reason:
        log.warning("report document %s failed: %s", document_id, reason)
    return False


def sweep(now: datetime | None = None) -> int:
    """The periodic job: pending documents whose job was lost are handed out again; those pending for longer
    than GIVE_UP_AFTER have failed (their person is told). Returns how many were handed out."""
    now = now or utcnow()
    waiting = db.session.execute(select(ReportDocument.id, ReportDocument.requested_at).where(
        ReportDocument.state == PENDING, ReportDocument.requested_at < now - lost_after())).all()
    lost = [document_id for document_id, asked in waiting if asked >= now - GIVE_UP_AFTER]
    for document_id, asked in waiting:
        if asked < now - GIVE_UP_AFTER:
            _fail(document_id, "pending too long")
    app = current_app._get_current_object()
    for document_id in lost:
        queue.submit(app, make_document, document_id)
    if lost:
        log.info("report documents handed out again: %s", lost)
    return len(lost)


# ---------------------------------------------------------------- reading them

def get_visible_document(user, document_id: int) -> ReportDocument:
    """The document if `user` may read its report now (another organization's: 404; the network statistics
    for anyone but a coordinator: 403)."""
    document = found(db.session.get(ReportDocument, document_id))
    if document.kind == STATISTICS:
        require(policy.can_see_network_statistics(user))
    elif document.kind == PROJECT:
        found(document, policy.can_see_projects(user, document.org))
    else:
        found(document, policy.can_see_org_report(user, document.org))
    return document


def document_bytes(document: ReportDocument) -> bytes | None:
    return signed_documents.read(document.storage_key, document.sha256, f"report document {document.id}")


def document_with_digest(sha256: str) -> ReportDocument | None:
    return db.session.scalar(select(ReportDocument).where(
        ReportDocument.sha256 == sha256, ReportDocument.state == READY).limit(1))


def download_path(document: ReportDocument) -> str:
    return f"/reports/documents/{document.id}.pdf"  # report_documents.download


def report_path(document: ReportDocument) -> str:
    """The page of the report the document is of."""
    period = document.period
    if document.kind == VOLUNTEERS:
        return f"/orgs/{document.org_id}/report/volunteers?year={period.start.year}"
    if document.kind == PROJECT:
        return f"/orgs/{document.org_id}/projects/{document.project_id}"
    query = f"period={period.kind}" + (f"&at={period.anchor}" if period.anchor else "")
    if document.kind == ORG:
        return f"/orgs/{document.org_id}/report?{query}"
    return f"/coordination/statistics?{query}"


def file_name(document: ReportDocument) -> str:
    period = document.period
    if document.kind == VOLUNTEERS:
        return f"volunteers-{document.org_id}-{period.start.year}-signed.pdf"
    if document.kind == PROJECT:
        return f"cofinancing-{document.org_id}-{document.project_id}-signed.pdf"
    stem = "statistics" if document.kind == STATISTICS else f"report-{document.org_id}"
    return f"{stem}-{period.kind}-{period.anchor or 'all'}-signed.pdf"
