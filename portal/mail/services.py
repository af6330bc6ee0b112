"""The outbox: mails are written in the caller's transaction and built from it when sent (delivery.py
claims, sends and retries them).

What a mail says and how it looks is composed in compose.py; whether and when it goes, in preferences.py."""
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

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

# Set in the session's info when a message is queued: delivery.py starts delivering once it is committed.
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
