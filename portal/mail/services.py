"""The outbox: enqueue inside the caller's transaction, deliver later, retry on failure.

What a mail says and how it looks is composed in compose.py; whether and when it goes, in preferences.py."""
import smtplib
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from . import preferences
from .compose import Mail, compose
from .headers import clean_subject, one_line, set_subject
from .models import DigestItem, OutboxMessage

# Headers stored raw (set_raw) are written as they are: the subject, folded by hand (headers.py), and the
# List-… addresses, one line each (folded, Python would encode a long address as RFC 2047 words, which no
# mail reader takes for an address). Every other header is folded as usual.
MAIL_POLICY = email_policy.default.clone(refold_source="none")
RAW_HEADERS = {"list-unsubscribe", "list-unsubscribe-post"}

# Set in the session's info when a message is queued: the web layer starts delivery once it is committed.
MAIL_WAITING = "portal.mail_waiting"


def enqueue(recipient: str, subject: str, body: str, *, html_body: str = "", headers: dict | None = None,
            category: str = "") -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=clean_subject(subject), body=body, html_body=html_body,
                            headers=dict(headers or {}), category=category)
    db.session.add(message)
    db.session.flush()
    db.session.info[MAIL_WAITING] = True
    return message


def enqueue_mail(mail: Mail) -> OutboxMessage:
    return enqueue(mail.recipient, mail.subject, mail.text, html_body=mail.html, headers=mail.headers,
                   category=mail.category)


def enqueue_template(user, template: str, **context) -> OutboxMessage | None:
    """Writes templates/mail/<template>.txt to `user`, in their language, as they chose to get it: queued
    now, held for their daily or weekly digest, or not at all (mail that always goes always goes).
    Returns the queued message, or None."""
    category = preferences.category_of(template, context.get("event"))
    when = preferences.frequency(user, category)
    if when == preferences.OFF:
        return None
    mail = compose(user, template, category=category, **context)
    if when in preferences.DIGESTS:
        hold_for_digest(user, when, mail)
        return None
    return enqueue_mail(mail)


def hold_for_digest(user, frequency: str, mail: Mail) -> DigestItem:
    item = DigestItem(user_id=user.id, frequency=frequency, category=mail.category, subject=mail.subject,
                      summary=mail.summary, excerpt=mail.excerpt, link=mail.link)
    db.session.add(item)
    db.session.flush()
    return item


def build_email(message: OutboxMessage) -> EmailMessage:
    """The message as it is sent: plain text with an HTML alternative when there is one, its extra headers
    (List-Unsubscribe…), and a subject folded so that no space is lost."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    set_subject(email, message.subject)
    email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="portal")
    for name, value in (message.headers or {}).items():
        if name.lower() in RAW_HEADERS:
            email.set_raw(name, one_line(value))
        else:
            email[name] = value
    email.set_content(message.body, cte="quoted-printable")
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte="quoted-printable")
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
