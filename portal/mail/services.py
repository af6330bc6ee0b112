"""The outbox: enqueue inside the caller's transaction, deliver later, retry on failure."""
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from .models import OutboxMessage

# Set in the session's info when a message is queued: the web layer starts delivery once it is committed.
MAIL_WAITING = "portal.mail_waiting"


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    db.session.info[MAIL_WAITING] = True
    return message


def enqueue_template(user, template: str, **context) -> OutboxMessage:
    """Render templates/mail/<template>.txt in the recipient's language and queue it.

    The template's first line is the subject.
    """
    with force_locale(user.locale):
        rendered = render_template(f"mail/{template}.txt", user=user, **context)
    subject, _, body = rendered.strip().partition("\n")
    return enqueue(user.email, subject.strip(), body.strip() + "\n")


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="portal")
    email.set_content(message.body)
    return email


def _deliver(email: EmailMessage, message_id: int) -> None:
    config = current_app.config
    if not config["SMTP_HOST"]:
        outbox = Path(config["PORTAL_DATA_DIR"]) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{message_id:08d}.eml").write_bytes(bytes(email))
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(email)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 24 * 60))


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send what is due; returns (sent, failed). Commits after each message."""
    sent = failed = 0
    now = utcnow()
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < current_app.config["MAIL_MAX_ATTEMPTS"],
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id in due:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        try:
            _deliver(build_email(message), message.id)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
            failed += 1
        else:
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed
