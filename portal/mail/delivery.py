"""Delivering the outbox: claim, send, mark; retry later; give up clearly; hand out again what is due.

A sender first claims a batch of due messages in a short transaction of its own (`FOR UPDATE SKIP LOCKED`
on PostgreSQL, so two senders take different messages; SQLite's BEGIN IMMEDIATE lets one claim at a
time) and builds them; then it sends them over one SMTP connection, outside any transaction, and marks
each as it goes. A claim lasts MAIL_CLAIM_SECONDS: if the sender dies, the message is free again after it
and the sweep hands it out. A message that cannot be built (a header with a line break) or that the SMTP
server refuses for good (5xx) is marked failed at once with its error; a temporary failure is retried
after MAIL_RETRY_SECONDS × 2^attempts, until MAIL_MAX_ATTEMPTS. One bad message never stops the next.

Exactly once, as far as SMTP allows: a sender killed after the server took a message but before it was
marked sent leaves it to be sent again when the claim runs out (the Message-ID shows the duplicate).
"""
from __future__ import annotations

import logging
import os
import smtplib
import socket
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from math import ceil
from pathlib import Path

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.orm import Session

from .. import policy
from ..audit.services import record
from ..database import ends_the_transaction, utcnow
from ..errors import found, require
from ..extensions import db
from ..jobs import queue
from ..metrics import MAILS
from .models import OutboxMessage
from .services import MAIL_WAITING, build_email

log = logging.getLogger(__name__)

MAX_PARALLEL_SENDERS = 8  # delivery jobs one sweep hands out at most


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # attempts that failed, for now (retried) or for good

    def as_tuple(self) -> tuple[int, int]:
        return self.sent, self.failed


class Permanent(Exception):
    """The message can never be sent as it is."""


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def retry_delay(attempts: int) -> timedelta:
    base = current_app.config.get("MAIL_RETRY_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** attempts, 24 * 3600))


def _due(now):
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def due_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(_due(utcnow())))


# ---------------------------------------------------------------- claiming and building

def claim(sender: str, batch: int) -> tuple[list[int], list[tuple[int, EmailMessage]]]:
    """Claims up to `batch` due messages for `sender` and builds them, in a transaction of its own; a message
    that cannot be built is marked failed there and then. Returns the ids claimed and the messages built."""
    now = utcnow()
    chosen = (select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(batch)
              .with_for_update(skip_locked=True).scalar_subquery())
    ids = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(chosen))
        .values(claimed_until=now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"]), claimed_by=sender)
        .returning(OutboxMessage.id).execution_options(synchronize_session=False)).all()
    built, unbuildable = [], 0
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)):
        try:
            built.append((message.id, build_email(message)))
        except Exception as error:  # any message the email package refuses (a header with a line break…)
            _give_up(message, error)
            unbuildable += 1
    db.session.commit()
    if unbuildable:
        MAILS.labels(outcome="failed").inc(unbuildable)
    return ids, built


def _give_up(message: OutboxMessage, error: BaseException) -> None:
    message.attempts += 1
    message.failed_at = utcnow()
    message.claimed_until = None
    message.last_error = _describe(error)
    log.error("mail %s to %s failed for good: %s", message.id, message.recipient, message.last_error)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


# ---------------------------------------------------------------- marking

def _mark(message_id: int, sender: str, error: BaseException | None = None, permanent: bool = False) -> str:
    """Records what became of one claimed message, in a transaction of its own; returns the outcome."""
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.claimed_by != sender or message.sent_at is not None:
        db.session.rollback()
        return "lost"  # the claim ran out and another sender has it
    message.attempts += 1
    message.claimed_until = None
    if error is None:
        message.sent_at = utcnow()
        message.last_error = ""
        outcome = "sent"
    elif permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.failed_at = utcnow()
        message.last_error = _describe(error)
        outcome = "failed"
        log.error("mail %s to %s failed for good after %d attempts: %s", message.id, message.recipient,
                  message.attempts, message.last_error)
    else:
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        message.last_error = _describe(error)
        outcome = "retry"
        log.warning("mail %s to %s: attempt %d failed, retried at %s: %s", message.id, message.recipient,
                    message.attempts, message.next_attempt_at.isoformat(timespec="seconds"), message.last_error)
    db.session.commit()
    MAILS.labels(outcome=outcome).inc()
    return outcome


# ---------------------------------------------------------------- sending

def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _open_smtp(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10)
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_claimed(sender: str, built: list[tuple[int, EmailMessage]], outcome: Outcome) -> None:
    config = current_app.config
    if not config["SMTP_HOST"]:  # development: the mails are files
        directory = Path(config["PORTAL_DATA_DIR"]) / "outbox"
        directory.mkdir(parents=True, exist_ok=True)
        for message_id, email in built:
            (directory / f"{message_id:08d}.eml").write_bytes(bytes(email))
            _count(outcome, _mark(message_id, sender))
        return
    try:
        smtp = _open_smtp(config)
    except (OSError, smtplib.SMTPException) as error:  # the server is down: every message waits
        for message_id, _ in built:
            _count(outcome, _mark(message_id, sender, error))
        return
    remaining = list(built)
    try:
        while remaining:
            message_id, email = remaining.pop(0)
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:  # the server answered (SMTPException is an OSError too)
                if isinstance(error, smtplib.SMTPServerDisconnected):
                    _connection_lost([(message_id, email), *remaining], sender, error, outcome)
                    return
                _count(outcome, _mark(message_id, sender, error, permanent=_is_permanent(error)))
                _reset(smtp)
            except OSError as error:  # the connection is gone: this and the rest wait
                _connection_lost([(message_id, email), *remaining], sender, error, outcome)
                return
            except Exception as error:  # the message itself cannot be serialised
                _count(outcome, _mark(message_id, sender, error, permanent=True))
            else:
                _count(outcome, _mark(message_id, sender))
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _connection_lost(waiting, sender: str, error: BaseException, outcome: Outcome) -> None:
    for message_id, _ in waiting:
        _count(outcome, _mark(message_id, sender, error))


def _reset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except (OSError, smtplib.SMTPException):
        pass


def _count(outcome: Outcome, what: str) -> None:
    if what == "sent":
        outcome.sent += 1
    elif what in ("retry", "failed"):
        outcome.failed += 1


def deliver_due(limit: int | None = None) -> tuple[int, int]:
    """Sends what is due, batch by batch, until nothing due is left (or `limit` messages were handled);
    returns (sent, failed). Several senders at once share the work. The job of `portal worker`, the
    thread after a request (embedded) and `portal send-mail`."""
    sender = sender_name()
    batch = current_app.config["MAIL_BATCH_SIZE"]
    outcome, handled, seen = Outcome(), 0, set()
    db.session.commit()  # claims start in transactions of their own
    while limit is None or handled < limit:
        claimed, built = claim(sender, batch if limit is None else min(batch, limit - handled))
        outcome.failed += len(claimed) - len(built)
        if not claimed or seen.issuperset(claimed):
            break  # nothing due, or only what failed a moment ago in this run (a retry time of ~0)
        seen.update(claimed)
        handled += len(claimed)
        send_claimed(sender, built, outcome)
    return outcome.as_tuple()


# ---------------------------------------------------------------- for the coordinators

@dataclass
class MailOverview:
    waiting: int
    retrying: int
    failed: int
    sent_today: int
    failed_messages: list[OutboxMessage]


def overview(now=None, shown: int = 100) -> MailOverview:
    """What the outbox holds: waiting (retries among them), failed, sent in the last 24 hours; the newest
    failed messages (recipient, subject, error — never the body, which may hold a one-time link)."""
    now = now or utcnow()
    pending = and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))

    def count(*where):
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))

    return MailOverview(
        waiting=count(pending), retrying=count(pending, OutboxMessage.attempts > 0),
        failed=count(OutboxMessage.failed_at.is_not(None)),
        sent_today=count(OutboxMessage.sent_at >= now - timedelta(days=1)),
        failed_messages=db.session.scalars(select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
                                           .order_by(OutboxMessage.failed_at.desc()).limit(shown)).all())


def send_again(actor, message_id: int) -> OutboxMessage:
    """A coordinator hands a failed message back to the sender (after fixing the SMTP settings, say)."""
    require(policy.is_coordinator(actor))
    message = found(db.session.get(OutboxMessage, message_id, with_for_update=True))
    if message.failed_at is not None:
        message.failed_at = None
        message.attempts = 0
        message.next_attempt_at = utcnow()
        db.session.flush()
        record("mail.sent_again", actor=actor, obj=message, recipient=message.recipient)
    return message


def sweep() -> int:
    """The periodic job: hands out delivery jobs for what the outbox says is due now (new mail whose job was
    lost with Redis, retries whose time has come, claims of senders that died); returns how many."""
    jobs = min(ceil(due_count() / current_app.config["MAIL_BATCH_SIZE"]), MAX_PARALLEL_SENDERS)
    app = current_app._get_current_object()
    for _ in range(jobs):
        queue.submit(app, deliver_due)
    return jobs


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session):
    """Mail queued in a transaction is delivered once it commits: by a worker when there is a queue, else
    (embedded) from a thread of the request's process, so nobody waits for the SMTP server. Not at a released
    savepoint: a sender started then would look before the mail is committed, and find nothing."""
    if not ends_the_transaction(session) or not session.info.pop(MAIL_WAITING, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if not app.config.get("MAIL_DELIVER_AFTER_REQUEST", True):
        return
    if queue.queue_configured(app) or has_request_context():
        queue.submit(app, deliver_due)


@event.listens_for(Session, "after_rollback")
def _nothing_to_deliver_after_rollback(session):
    if ends_the_transaction(session):  # a savepoint's rollback leaves the mail queued before it
        session.info.pop(MAIL_WAITING, None)
