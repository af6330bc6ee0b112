"""Real mail through a local SMTP server (aiosmtpd): invitations, retries, language, password reset."""
import email
import email.policy
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from babel.messages.pofile import read_po

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.mail.delivery import deliver_due as deliver_pending
from portal.mail.services import enqueue

from .helpers import client_for, link_in, login, outbox

NEW_PASSWORD = "Daugavas loki 2017 rudenī"
LV_CATALOG = Path(__file__).resolve().parent.parent / "portal" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self):
        self.envelopes = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.arrived.set()
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.collector = Collector()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def envelopes(self):
        return self.collector.envelopes

    def messages(self):
        return self.collector.messages()


@pytest.fixture
def smtp(app):
    with SmtpServer(free_port()) as server:
        app.config["SMTP_HOST"] = "127.0.0.1"
        app.config["SMTP_PORT"] = server.port
        yield server


def invite_by_http(app, inviter, org, email_address="anna.liepa@example.org", name="Anna Liepa", client=None):
    client = client or client_for(app, inviter)
    response = client.post(f"/orgs/{org.id}/people/invite",
                           data={"name": name, "email": email_address, "role": "member"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


# ---------------------------------------------------------------- invitation end to end

def test_invitation_is_delivered_by_smtp_and_its_link_sets_the_password(app, client, world, smtp):
    login(client, world.representative.email)
    invite_by_http(app, world.representative, world.org, client=client)

    [queued] = outbox()
    assert queued.recipient == "anna.liepa@example.org"
    assert queued.sent_at is None
    assert smtp.envelopes == []  # MAIL_DELIVER_AFTER_REQUEST is off: nothing sent yet

    assert deliver_pending() == (1, 0)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["anna.liepa@example.org"]
    assert envelope.mail_from == app.config["MAIL_FROM"]
    [received] = smtp.messages()
    assert received["To"] == "anna.liepa@example.org"
    assert received["Subject"] and received["Subject"] == queued.subject
    body = received.get_body(preferencelist=("plain",)).get_content()
    link = link_in(body)
    assert link.startswith(app.config["BASE_URL"] + "/invitation/")
    db.session.refresh(queued)
    assert queued.sent_at is not None

    anonymous = app.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200
    assert 'type="password"' in page.get_data(as_text=True)
    response = anonymous.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    # the link works once
    assert app.test_client().get(link).status_code == 410

    fresh = app.test_client()
    login(fresh, "anna.liepa@example.org", NEW_PASSWORD)
    assert fresh.get("/account").status_code == 200
    person = db.session.scalar(sa.select(User).where(User.email == "anna.liepa@example.org"))
    assert person.org_id == world.org.id


# ---------------------------------------------------------------- retries

def test_smtp_down_keeps_the_message_and_retries_later(app, world):
    app.config["SMTP_HOST"] = "127.0.0.1"
    app.config["SMTP_PORT"] = free_port()  # nothing listens here
    invite_by_http(app, world.representative, world.org)
    [message] = outbox()

    before = utcnow()
    assert deliver_pending() == (0, 1)
    db.session.refresh(message)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > before
    assert message.next_attempt_at > utcnow()

    with SmtpServer(app.config["SMTP_PORT"]) as server:
        # Not due yet: the server is up now, but the message waits for its time.
        assert deliver_pending() == (0, 0)
        db.session.refresh(message)
        assert message.attempts == 1 and message.sent_at is None
        assert server.envelopes == []

        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_pending() == (1, 0)
        db.session.refresh(message)
        assert message.sent_at is not None
        assert message.attempts == 2
        assert message.last_error == ""
        [envelope] = server.envelopes
        assert envelope.rcpt_tos == ["anna.liepa@example.org"]

        assert deliver_pending() == (0, 0)  # sent once, never again
        assert len(server.envelopes) == 1
    assert len(outbox()) == 1


# ---------------------------------------------------------------- delivery right after the request

def test_mail_and_jobs_are_handed_out_when_the_transaction_commits_not_when_a_savepoint_is_released(
        app, world, monkeypatch):
    """A rule runs in a savepoint (portal.transaction.attempt), and the ORM reports a released savepoint as a
    commit: a sender started then looked for the mail before the request committed it, found nothing, and the
    mail waited for the sweep. A savepoint rolled back later keeps what was queued before it."""
    from portal.jobs import queue as job_queue

    handed_out = []
    monkeypatch.setattr(job_queue, "_submit", lambda app_, call: handed_out.append(call.path))
    app.config["MAIL_DELIVER_AFTER_REQUEST"] = True
    with app.test_request_context("/", method="POST"):
        db.session.commit()
        with db.session.begin_nested():
            enqueue("anna@example.org", "Sveiki", "Teksts\n")
            job_queue.defer("portal.api.delivery:deliver_due")
        assert handed_out == [], "handed out at the savepoint's release, before the mail was committed"
        db.session.commit()
        assert sorted(handed_out) == ["portal.api.delivery:deliver_due", "portal.mail.delivery:deliver_due"]

        handed_out.clear()
        enqueue("janis@example.org", "Sveiki", "Teksts\n")
        with pytest.raises(ZeroDivisionError), db.session.begin_nested():
            1 / 0
        db.session.commit()
        assert handed_out == ["portal.mail.delivery:deliver_due"]
    assert len(outbox()) == 2


def _why_nothing_arrived(seen: dict) -> str:
    """What the outbox, the process's threads and the delivery job said: how a sender started at a rule's
    savepoint, before the commit, was found."""
    rows = [(m.id, m.attempts, m.last_error, m.claimed_by, m.claimed_until, m.next_attempt_at, m.sent_at,
             m.failed_at) for m in outbox()]
    db.session.rollback()
    threads = [t.name for t in threading.enumerate()]
    return (f"no mail within 10 s; outbox (id, attempts, error, claimed by/until, next attempt, sent, failed): "
            f"{rows}; threads: {threads}; jobs handed out (path, to Redis?): {seen['submitted']}; "
            f"claims (ids, built): {seen['claims']}")


def _watch_delivery(monkeypatch) -> dict:
    from portal.jobs import queue as job_queue
    from portal.mail import delivery

    seen = {"submitted": [], "claims": []}
    submit, claim = job_queue._submit, delivery.claim

    def watched_submit(app_, call):
        seen["submitted"].append((call.path, job_queue.queue_configured(app_)))
        return submit(app_, call)

    def watched_claim(sender, batch):
        found = claim(sender, batch)
        seen["claims"].append((found[0], len(found[1])))
        return found

    monkeypatch.setattr(job_queue, "_submit", watched_submit)
    monkeypatch.setattr(delivery, "claim", watched_claim)
    return seen


def test_mail_is_delivered_after_the_request(app, world, smtp, monkeypatch):
    """Mail queued by a request goes out once its transaction is committed, from a thread of its own, so the
    request never waits for the SMTP server."""
    app.config["MAIL_DELIVER_AFTER_REQUEST"] = True
    seen = _watch_delivery(monkeypatch)
    invite_by_http(app, world.representative, world.org)

    assert smtp.collector.arrived.wait(timeout=10), _why_nothing_arrived(seen)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["anna.liepa@example.org"]
    for _ in range(400):  # the sender marks the message sent right after the SMTP server took it
        [message] = outbox()
        sent, attempts = message.sent_at, message.attempts
        db.session.rollback()  # no read transaction held while waiting: SQLite's writer must get its lock
        if sent is not None:
            break
        time.sleep(0.05)
    assert sent is not None
    assert attempts == 1


# ---------------------------------------------------------------- language

def latvian(msgid: str) -> str:
    with open(LV_CATALOG, "rb") as po:
        translation = read_po(po).get(msgid)
    assert translation is not None and translation.string, f"no Latvian text for {msgid!r}"
    return translation.string


@pytest.mark.parametrize("locale", ["en", "lv"])
def test_invitation_is_written_in_the_inviters_language(app, world, locale):
    world.representative.locale = locale
    db.session.commit()
    invite_by_http(app, world.representative, world.org)
    [message] = outbox()

    msgid = "%(inviter)s invites you to join %(org)s"
    template = msgid if locale == "en" else latvian(msgid)
    values = dict(inviter=world.representative.name, org=world.org.name)
    assert message.subject == template % values
    invited = db.session.scalar(sa.select(User).where(User.email == "anna.liepa@example.org"))
    assert invited.locale == locale
    greeting = "Hello, %(name)s!" if locale == "en" else latvian("Hello, %(name)s!")
    assert greeting % {"name": "Anna Liepa"} in message.body
    if locale == "lv":
        assert "aicina" in message.subject and "invites" not in message.subject
    else:
        assert "invites you" in message.subject


# ---------------------------------------------------------------- password reset

def test_password_reset_mail_and_no_account_enumeration(app, world):
    known = app.test_client().post("/password/forgot", data={"email": world.member.email})
    assert known.status_code == 302
    [message] = outbox()
    assert message.recipient == world.member.email
    link = link_in(message.body)
    assert urlsplit(link).path.startswith("/password/reset/")
    assert app.test_client().get(link).status_code == 200

    unknown = app.test_client().post("/password/forgot", data={"email": "nobody@example.org"})
    assert len(outbox()) == 1
    assert unknown.status_code == known.status_code
    assert unknown.headers["Location"] == known.headers["Location"]
    assert unknown.get_data() == known.get_data()


# ---------------------------------------------------------------- one bad message never blocks the next

class Choosy(Collector):
    """Refuses some recipients: for good (550) or for now (451)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("busy@"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def choosy_smtp(app):
    server = SmtpServer(free_port())
    server.collector = Choosy()
    server.controller = Controller(server.collector, hostname="127.0.0.1", port=server.port)
    with server:
        app.config["SMTP_HOST"] = "127.0.0.1"
        app.config["SMTP_PORT"] = server.port
        yield server


@pytest.mark.parametrize("separator", ["\u2028", "\r", "\n", "\x85", "\u2029", "\r\n\t"])
def test_a_subject_with_a_line_separator_arrives_on_one_line(app, smtp, separator):
    """Issue 11, finding 1: an organization's name with U+2028 (or CR, NEL…) reaches a subject; the subject is
    written on one line instead of making the message unbuildable."""
    enqueue("anna@example.org", f"Jauna biedrība{separator}Bcc: evil@example.org", "Teksts\n")
    assert deliver_pending() == (1, 0)
    [received] = smtp.messages()
    assert received["Subject"] == "Jauna biedrība Bcc: evil@example.org"
    assert received["Bcc"] is None and smtp.envelopes[0].rcpt_tos == ["anna@example.org"]


def test_a_message_that_cannot_be_built_fails_alone_and_the_next_is_sent(app, smtp):
    broken = enqueue("anna@example.org\nBcc: evil@example.org", "Sveiki", "Teksts\n")
    fine = enqueue("janis@example.org", "Sveiki", "Teksts\n")
    assert deliver_pending() == (1, 1)
    db.session.refresh(broken)
    db.session.refresh(fine)
    assert fine.sent_at is not None and [e.rcpt_tos for e in smtp.envelopes] == [["janis@example.org"]]
    assert broken.failed_at is not None and broken.sent_at is None and "ValueError" in broken.last_error
    assert deliver_pending() == (0, 0)  # given up on: never tried again by itself


def test_refused_for_good_fails_at_once_refused_for_now_is_retried(app, choosy_smtp):
    gone = enqueue("gone@example.org", "Sveiki", "Teksts\n")
    busy = enqueue("busy@example.org", "Sveiki", "Teksts\n")
    fine = enqueue("anna@example.org", "Sveiki", "Teksts\n")
    assert deliver_pending() == (1, 2)
    for message in (gone, busy, fine):
        db.session.refresh(message)
    assert gone.failed_at is not None and "550" in gone.last_error
    assert busy.failed_at is None and busy.attempts == 1 and busy.next_attempt_at > utcnow() and "451" in busy.last_error
    assert fine.sent_at is not None and [e.rcpt_tos for e in choosy_smtp.envelopes] == [["anna@example.org"]]


def test_after_the_last_attempt_a_message_is_failed(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    message = enqueue("anna@example.org", "Sveiki", "Teksts\n")
    assert deliver_pending() == (0, 1)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_pending() == (0, 1)
    db.session.refresh(message)
    assert message.attempts == 2 and message.failed_at is not None and "ConnectionRefusedError" in message.last_error


def test_send_mail_reports_a_bad_message_without_a_traceback(app, smtp):
    enqueue("anna@example.org\r\nBcc: evil@example.org", "Sveiki", "Teksts\n")
    enqueue("janis@example.org", "Sveiki", "Teksts\n")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "send-mail"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and result.output.strip() == "sent 1, failed 1"
    assert "Traceback" not in result.output
    again = app.test_cli_runner().invoke(args=["portal", "send-mail"])
    assert again.exit_code == 0 and again.output.strip() == "sent 0, failed 0"


def test_a_claim_keeps_other_senders_off_until_it_runs_out(app, smtp):
    message = enqueue("anna@example.org", "Sveiki", "Teksts\n")
    message.claimed_by, message.claimed_until = "elsewhere:1", utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_pending() == (0, 0) and smtp.envelopes == []
    message.claimed_until = utcnow() - timedelta(seconds=1)  # that sender died
    db.session.commit()
    assert deliver_pending() == (1, 0)
    db.session.refresh(message)
    assert message.sent_at is not None and message.claimed_by != "elsewhere:1" and message.claimed_until is None


def test_two_senders_at_once_send_each_message_once(app, smtp):
    """Two senders in threads of their own (their own sessions and connections) claim disjoint batches."""
    app.config["MAIL_BATCH_SIZE"] = 3
    for n in range(30):
        enqueue(f"person{n}@example.org", f"Ziņa {n}", "Teksts\n")
    db.session.commit()
    results, claimed = [], []

    def sender():
        with app.app_context():
            results.append(deliver_pending())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    recipients = [rcpt for e in smtp.envelopes for rcpt in e.rcpt_tos]
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(30))
    assert sum(sent for sent, _ in results) == 30 and all(failed == 0 for _, failed in results)
    db.session.expire_all()
    assert all(m.sent_at is not None and m.attempts == 1 for m in outbox())


def test_coordinators_see_the_failed_mails_and_can_send_one_again(app, world, smtp):
    broken = enqueue("anna@example.org\nBcc: x@example.org", "Nenosūtāma vēstule", "Teksts\n")
    deliver_pending()
    coordinator = client_for(app, world.coordinator)
    page = coordinator.get("/coordination/mail?lang=en").get_data(as_text=True)
    assert f'data-testid="failed-mail-{broken.id}"' in page
    assert "Nenosūtāma vēstule" in page and "ValueError" in page and "Teksts" not in page
    assert client_for(app, world.member).get("/coordination/mail").status_code == 403

    response = coordinator.post(f"/coordination/mail/{broken.id}/send-again")
    assert response.status_code == 302
    db.session.refresh(broken)
    assert broken.failed_at is None and broken.attempts == 0
    from portal.audit.models import AuditEvent

    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "mail.sent_again"))
