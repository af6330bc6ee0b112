"""What every mail says, in Latvian and in English: what happened, the substance (the message itself, the
title, number and parties, the reason, the dates), one link to act on; gender-neutral Latvian; a subject
of one line, at most 70 characters, that survives folding; a plain-text and an HTML part.

Each mail is made by the real step that sends it and written to test-artifacts/mails/<locale>/ (.txt, .html,
.eml) for a reviewer to read."""
import email
import email.policy
import html
import re
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.services import request_password_reset
from portal.agreements import drafting, schedule, services as agreements, signatures
from portal.database import utcnow
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.services import build_email
from portal.orgs import services as orgs

from .factories import PASSWORD, make_agreement, request_exchange
from .helpers import MAIL_ARTIFACTS, save_mail

# Past active participles (and the like) agree with the person's gender: "Ilze ir parakstījusi", "Jānis ir
# parakstījis". The mails use past-tense verbs and nouns instead ("Līgumu parakstīja Ilze Ķirsone").
GENDERED_WORDS = {
    "atjauninājis", "atjauninājusi", "parakstījis", "parakstījusi", "apstiprinājis", "apstiprinājusi",
    "noraidījis", "noraidījusi", "pieņēmis", "pieņēmusi", "atcēlis", "atcēlusi", "iesniedzis", "iesniegusi",
    "atsaucis", "atsaukusi", "sagatavojis", "sagatavojusi", "komentējis", "komentējusi", "izbeidzis",
    "izbeigusi", "atgriezis", "atgriezusi", "apturējis", "apturējusi", "uzaicinājis", "uzaicinājusi",
    "uzaicināts", "uzaicināta", "pievienojies", "pievienojusies", "kļuvis", "kļuvusi", "ierakstījis",
    "ierakstījusi", "pabeidzis", "pabeigusi", "atzīmējis", "atzīmējusi", "rakstījis", "rakstījusi",
    "veicis", "veikusi", "mainījis", "mainījusi", "lūdzis", "lūgusi", "pieteicies", "pieteikusies",
    "cienījamais", "cienījamā", "sveiks", "sveika", "koordinators", "koordinatore", "pieteicējs", "pieteicēja",
}
PARTICIPLE = re.compile(r"\w+(?:ījis|ājis|ējis|ojis|ījusi|ājusi|ējusi|ojusi|ījušies|ējies|ājies)\b", re.IGNORECASE)
ENGLISH_IN_LATVIAN = re.compile(r"\b(?:the|Hello|Open|Reason|Period|agreement|request)\b")
LATVIAN_IN_ENGLISH = re.compile(r"\b(?:Labdien|Atvērt|Atveriet|iemesls|jūsu|Jūs|saite)\b", re.IGNORECASE)


# ---------------------------------------------------------------- reading a mail

class Mails:
    """The outbox since the last look, checked and written out as it arrives; each mail is taken once."""

    def __init__(self, locale: str, name: str):
        self.locale = locale
        self.seen = 0
        self.pending: list[OutboxMessage] = []
        self.folder = MAIL_ARTIFACTS / locale / name
        shutil.rmtree(self.folder, ignore_errors=True)

    def new(self, to=None) -> list[OutboxMessage]:
        arrived = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > self.seen)
                                     .order_by(OutboxMessage.id)).all()
        if arrived:
            self.seen = arrived[-1].id
        for message in arrived:
            check_mail(message, self.locale)
            save_mail(message, self.folder)
        self.pending += arrived
        taken = [m for m in self.pending if to is None or m.recipient == to.email]
        self.pending = [m for m in self.pending if m not in taken]
        return taken

    def one(self, to, keep_others=False) -> OutboxMessage:
        """The one new mail to `to`; the others of the same steps are dropped unless `keep_others`."""
        mine = self.new(to)
        assert len(mine) == 1, [m.subject for m in mine]
        if not keep_others:
            self.pending = []
        return mine[0]


def html_text(message: OutboxMessage) -> str:
    """The HTML part as a reader sees it: no tags, entities decoded, spaces collapsed."""
    body = re.sub(r"<style.*?</style>", " ", message.html_body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def says(message: OutboxMessage, *texts) -> None:
    plain = " ".join(message.body.split())
    rich = html_text(message)
    for text in texts:
        text = " ".join(str(text).split())
        assert text in plain, f"{text!r} not in the text of {message.subject!r}:\n{message.body}"
        assert text in rich, f"{text!r} not in the HTML of {message.subject!r}"


def action_link(message: OutboxMessage) -> str:
    match = re.search(r'<a class="button" href="([^"]+)"', message.html_body)
    assert match, f"no action button in {message.subject!r}"
    link = html.unescape(match.group(1))
    assert link in message.body
    return link


def check_mail(message: OutboxMessage, locale: str) -> None:
    subject = message.subject
    assert 0 < len(subject) <= 70 and subject == " ".join(subject.split()), repr(subject)
    raw = bytes(build_email(message))
    head = raw.split(b"\n\n", 1)[0]
    for line in head.splitlines():
        assert len(line) <= 78 or line.startswith(b"List-Unsubscribe:"), line
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == subject  # folded and unfolded again: no space lost, none added in front
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == message.body
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == message.html_body
    assert message.html_body.startswith("<!DOCTYPE html>") and f'<html lang="{locale}">' in message.html_body
    assert "<img" not in message.html_body and "src=" not in message.html_body  # nothing fetched from anywhere
    if message.category:
        assert parsed["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    else:
        assert parsed["List-Unsubscribe"] is None  # mail about one's account always goes
    words = f"{subject}\n{message.body}\n{html_text(message)}"
    if locale == "lv":
        found = {w.lower() for w in re.findall(r"\w+", words)} & GENDERED_WORDS
        assert not found and not PARTICIPLE.search(words), (found, PARTICIPLE.findall(words), subject)
        assert not ENGLISH_IN_LATVIAN.search(words), (ENGLISH_IN_LATVIAN.findall(words), message.body)
    else:
        assert not LATVIAN_IN_ENGLISH.search(words), (LATVIAN_IN_ENGLISH.findall(words), message.body)


@pytest.fixture(params=["lv", "en"])
def locale(request, world):
    for person in db.session.scalars(sa.select(User)):
        person.locale = request.param
    db.session.commit()
    return request.param


def fmt_date(value, locale):
    from babel.dates import format_date

    return format_date(value, "y. 'gada' d. MMMM" if locale == "lv" else "d MMMM y", locale=locale)


# ---------------------------------------------------------------- exchanges

def test_exchange_mails(app, world, locale):
    mails = Mails(locale, "exchanges")
    owner, requester = world.representative, world.other_member
    message_text = "Vai varam paņemt zāli jau piektdien, un vai tur ir pagarinātājs?"
    exchange = request_exchange(requester, world.resource, start_in_days=20, days=2, quantity=12,
                                purpose="Jauniešu seminārs", message=message_text)
    requested = mails.one(owner)
    says(requested, world.resource.title, "Sukrums", requester.name, "Jauniešu seminārs", "12 vietas",
         fmt_date(exchange.starts_on, locale), fmt_date(exchange.ends_on, locale), message_text)
    assert action_link(requested) == f"http://localhost/exchanges/{exchange.id}"
    assert requested.category == "exchanges"

    reply = "Jā, varat. Pagarinātājs ir pie dežuranta."
    exchanges.post_message(owner, exchange, reply)
    answer = mails.one(requester)
    says(answer, reply, owner.name, "Baltā māja", world.resource.title)
    assert answer.category == "messages"

    exchanges.decline(owner, exchange, "Zāle tajās dienās ir remontā.")
    declined = mails.one(requester)
    says(declined, "Zāle tajās dienās ir remontā.", owner.name, world.resource.title)
    assert "/resources?category=premises" in action_link(declined)

    withdrawn = request_exchange(requester, world.resource, start_in_days=40)
    mails.new()
    exchanges.withdraw(requester, withdrawn)
    says(mails.one(owner), requester.name, world.resource.title)

    accepted = world.accepted_exchange
    exchanges.record_condition(requester, accepted, "return", "Viens krēsls ar ieplīsušu atzveltni.")
    says(mails.one(owner), "Viens krēsls ar ieplīsušu atzveltni.")
    exchanges.cancel(requester, accepted, "Seminārs pārcelts uz pavasari.")
    says(mails.one(owner), "Seminārs pārcelts uz pavasari.", requester.name)

    done = request_exchange(requester, world.resource, start_in_days=30)
    exchanges.accept(owner, done)
    says(mails.one(requester), owner.name, fmt_date(done.starts_on, locale))
    exchanges.complete(owner, done, value_units=Decimal(2), value_eur=Decimal("80.00"),
                       feedback="Paldies, viss bija kārtībā.", today=done.ends_on)
    completed = mails.one(requester)
    says(completed, "Paldies, viss bija kārtībā.", "80,00" if locale == "lv" else "80.00")


# ---------------------------------------------------------------- agreements

def test_agreement_mails(app, world, locale):
    mails = Mails(locale, "agreements")
    drafter, partner_rep, coordinator = world.representative, world.other_representative, world.coordinator
    agreement = drafting.draft_cooperation(drafter, world.other_org, language=locale, valid_from=date.today(),
                                           valid_to=date.today() + timedelta(days=365))
    parties = [f"{org.name}, " + ("reģ. Nr. " if locale == "lv" else "reg. No. ") + org.registration_number
               for org in (world.org, world.other_org)]
    drafted = mails.one(partner_rep)
    says(drafted, agreement.title, agreement.number, *parties, drafter.name, fmt_date(agreement.valid_from, locale))

    comment = "Lūdzu, papildiniet 2. punktu ar termiņiem."
    agreements.add_comment(partner_rep, agreement, comment)
    says(mails.one(drafter), comment, partner_rep.name)

    agreements.submit(drafter, agreement)
    waiting = mails.one(coordinator)  # what waits, not a greeting and a link
    says(waiting, agreement.title, agreement.number, *parties, drafter.name, fmt_date(date.today(), locale))
    assert waiting.subject.startswith("Gaida jūsu apstiprinājumu" if locale == "lv" else "Waiting for your approval")
    assert action_link(waiting) == f"http://localhost/agreements/{agreement.id}"

    agreements.return_to_drafter(coordinator, agreement, "Precizējiet 3. punktā minēto termiņu.")
    says(mails.one(drafter), "Precizējiet 3. punktā minēto termiņu.")
    drafting.update_draft(drafter, agreement, title=agreement.title, place=agreement.place,
                          valid_from=agreement.valid_from, valid_to=agreement.valid_to, review_on=None,
                          clauses=[(c["heading"], c["text"]) for c in agreement.clauses])
    agreements.submit(drafter, agreement)
    mails.new()
    agreements.approve(coordinator, agreement)
    ready = mails.one(partner_rep)
    says(ready, agreement.title, "0 " + ("no" if locale == "lv" else "of") + " 2", partner_rep.name)

    later = utcnow() + timedelta(days=8)
    assert schedule.send_sign_reminders(later) == 2
    says(mails.one(partner_rep), agreement.title, world.other_org.name)

    signatures.sign(partner_rep, agreement, password=PASSWORD, typed_name=partner_rep.name, consent=True)
    signed = mails.one(drafter)
    says(signed, partner_rep.name, "1 " + ("no" if locale == "lv" else "of") + " 2", drafter.name)
    if locale == "lv":  # the verb, not a participle that guesses whether the signer is a man or a woman
        assert f"parakstīja {partner_rep.name}" in signed.body
    signatures.sign(drafter, agreement, password=PASSWORD, typed_name=drafter.name, consent=True)
    says(mails.one(partner_rep), agreement.title, agreement.number)

    agreement.review_on = date.today() + timedelta(days=10)
    db.session.flush()
    schedule.send_review_reminders(date.today())
    says(mails.one(partner_rep), fmt_date(agreement.review_on, locale))
    schedule.expire_due(agreement.valid_to + timedelta(days=1))
    says(mails.one(partner_rep), agreement.title)

    second = make_agreement(world, "approved")
    mails.new()
    agreements.terminate(coordinator, second, "Organizācija vairs nedarbojas šajā jomā.")
    says(mails.one(drafter), "Organizācija vairs nedarbojas šajā jomā.", second.number, coordinator.name)


# ---------------------------------------------------------------- membership and account

def test_membership_and_account_mails(app, world, locale):
    mails = Mails(locale, "membership")
    org = orgs.apply_for_membership(
        {"name": "Rēzeknes jauniešu centrs", "legal_form": "association", "registration_number": "40008123456",
         "legal_address": "Atbrīvošanas aleja 93, Rēzekne", "municipality": "rezeknes", "email": "rjc@example.org",
         "phone": "", "website": "https://rjc.example.org", "description": "Jauniešu iniciatīvas Rēzeknē."},
        {"email": "aija.ozola@example.org", "name": "Aija Ozola", "position": "valdes locekle"},
        password="Rēzekne jaunieši 2026 pavasaris", locale=locale)
    applicant = org.people[0]
    received = mails.one(applicant, keep_others=True)
    says(received, org.name, "40008123456")
    assert received.category == ""  # always sent
    waiting = mails.one(world.coordinator)
    says(waiting, org.name, "40008123456", "Aija Ozola", "aija.ozola@example.org", "Jauniešu iniciatīvas Rēzeknē.",
         "Rēzeknes novads")
    assert action_link(waiting) == f"http://localhost/coordination/applications/{org.id}"

    orgs.reject_application(world.coordinator, org, "Reģistrācijas numurs neatbilst Uzņēmumu reģistram.")
    says(mails.one(applicant), "Reģistrācijas numurs neatbilst Uzņēmumu reģistram.", world.coord_org.email)

    approved_org = world.applicant_org
    orgs.approve_application(world.coordinator, approved_org)
    says(mails.one(world.applicant), approved_org.name)

    orgs.suspend(world.coordinator, world.other_org, "Nav iesniegts gada pārskats.")
    says(mails.one(world.other_representative), "Nav iesniegts gada pārskats.", world.coordinator.name)
    orgs.reactivate(world.coordinator, world.other_org)
    says(mails.one(world.other_representative), world.other_org.name)

    orgs.invite(world.representative, world.org, "anna.liepa@example.org", "Anna Liepa", "member")
    invitation = mails.new()[0]
    says(invitation, world.representative.name, world.org.name, "anna.liepa@example.org")
    assert "/invitation/" in action_link(invitation)

    request_password_reset(world.member.email)
    reset = mails.one(world.member)
    says(reset, world.member.email)
    assert "/password/reset/" in action_link(reset)


def test_what_people_write_is_escaped_in_the_html_part(app, world):
    mails = Mails("lv", "escaping")
    planted = '<script>alert("x")</script> <a href="https://evil.example">spied</a> & <b>bold</b>'
    exchanges.post_message(world.other_member, world.exchange, planted)
    message = mails.one(world.representative)
    assert planted in message.body  # the plain text says it as written
    assert "<script" not in message.html_body and 'href="https://evil.example"' not in message.html_body
    assert "&lt;script&gt;" in message.html_body and "&amp; &lt;b&gt;bold&lt;/b&gt;" in message.html_body
    says(message, planted)


def _this_hour_in_riga() -> tuple[int, int]:
    local = datetime.now(ZoneInfo("Europe/Riga"))
    return local.weekday(), local.hour


def test_digest_mail(app, world, locale):
    from portal.mail import preferences
    from portal.mail.digests import send_digests

    mails = Mails(locale, "digest")
    preferences.set_frequency(world.representative, "exchanges", "weekly")
    preferences.set_frequency(world.representative, "messages", "weekly")
    preferences.set_weekly(world.representative, False, *_this_hour_in_riga())  # the held mails alone
    exchange = request_exchange(world.other_member, world.resource, start_in_days=20, message="Vai der sestdien?")
    exchanges.post_message(world.other_member, exchange, "Un svētdien?")
    assert mails.new(world.representative) == []
    assert send_digests("weekly") == 1
    digest = mails.one(world.representative)
    says(digest, world.resource.title, "Vai der sestdien?", "Un svētdien?", "Apmaiņas" if locale == "lv" else "Exchanges")
    link = f"http://localhost/exchanges/{exchange.id}"
    assert link in digest.body and f'<a href="{link}">' in digest.html_body
    assert digest.subject == ("Jūsu nedēļas kopsavilkums: 2 jaunumi" if locale == "lv"
                              else "Your weekly summary: 2 updates")
