"""The daily duties: expiry by end date, reminders to sign, review reminders, the network CA's CRL before it
falls due, the documents of record's archival time-stamps (B-LTA) when due, the completion certificates that
are missing. `portal worker`'s scheduler runs them (DAILY_JOBS_CRON); `portal daily` runs them by hand.

Each is idempotent: running them twice on a day sends nothing twice. Two runs at once (by hand while the
scheduler runs them) are serialised: an advisory lock on PostgreSQL, SQLite's single writer.
"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, text

from ..audit.services import record
from ..database import StateConflict, compare_and_set, utcnow
from ..extensions import db
from ..certificates import revocation
from . import archive, completion, notices
from .models import APPROVED, EXPIRED, IN_FORCE, Agreement


def expire_due(today: date) -> list[Agreement]:
    """Agreements in force whose last day has passed become expired."""
    due = db.session.scalars(select(Agreement).where(Agreement.state == IN_FORCE, Agreement.valid_to < today)).all()
    expired = []
    for agreement in due:
        try:
            compare_and_set(Agreement, agreement.id, IN_FORCE, state=EXPIRED, ended_at=utcnow())
        except StateConflict:
            continue
        db.session.refresh(agreement)
        record("agreement.expired", obj=agreement)
        notices.tell_parties(None, agreement, "expired")
        expired.append(agreement)
    return expired


def send_sign_reminders(now: datetime) -> int:
    """Each representative who has not signed an approved agreement is reminded every N days after approval."""
    every = timedelta(days=current_app.config["AGREEMENT_SIGN_REMINDER_DAYS"])
    sent = 0
    for agreement in db.session.scalars(select(Agreement).where(Agreement.state == APPROVED)).all():
        for party in agreement.parties:
            last = party.sign_reminded_at or agreement.approved_at
            if party.signature is not None or party.signatory is None or not party.signatory.is_active:
                continue
            if now - last < every:
                continue
            notices.remind([party.signatory], agreement, "sign_reminder")
            party.sign_reminded_at = now
            sent += 1
    db.session.flush()
    return sent


def send_review_reminders(today: date) -> int:
    """The parties' representatives hear once, N days before an agreement's review date."""
    notice = timedelta(days=current_app.config["AGREEMENT_REVIEW_NOTICE_DAYS"])
    due = db.session.scalars(select(Agreement).where(
        Agreement.state == IN_FORCE, Agreement.review_on.is_not(None), Agreement.review_reminded_on.is_(None),
        Agreement.review_on <= today + notice)).all()
    for agreement in due:
        people = [p for party in agreement.parties for p in party.org.people
                  if p.is_active and p.is_representative]
        notices.remind(people, agreement, "review_reminder")
        agreement.review_reminded_on = today
    db.session.flush()
    return len(due)


DAILY_LOCK = 7002  # pg_advisory_xact_lock key (the audit chain has 7001)


def run_daily(now: datetime | None = None) -> dict:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DAILY_LOCK})
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    revoked = revocation.revoke_after_ca_change(now) if revocation.has_authority() else 0
    if revoked:  # a new CA: every document of record gets an archival time-stamp from the new TSA now
        archive.renew_all_now(now)
    return {"expired": len(expire_due(today)), "sign_reminders": send_sign_reminders(now),
            "review_reminders": send_review_reminders(today), "revoked_after_ca_change": revoked,
            "crl_published": revocation.publish_due(now), "archived": archive.renew_due(now),
            "completion_certificates": completion.make_missing()}
