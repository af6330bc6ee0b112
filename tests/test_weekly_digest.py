"""The weekly mail: each person's summary of what waits (requests to answer, agreements to sign, new offers
for the organization's needs, the coming week's exchanges), on their day and at their hour, once, merged
with the mails held for the week; nothing of another organization; none when there is nothing to say."""
import email
import email.policy
import re
import threading
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.database import utcnow
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.home import weekly
from portal.mail import preferences
from portal.mail.delivery import deliver_due
from portal.mail.models import DigestItem, OutboxMessage
from portal.mail.services import build_email
from portal.orgs import services as orgs
from portal.resources import services as catalogue
from portal.resources.models import Need

from .factories import make_agreement, make_org, make_resource, make_user, request_exchange
from .helpers import MAIL_ARTIFACTS, client_for, free_port, outbox, save_mail
from .test_mail import SmtpServer
from .test_mail_preferences import checked_choices

RIGA = ZoneInfo("Europe/Riga")


def mails_to(person) -> list:
    """The weekly (and daily) mails to `person` (not the mails of the steps that made the test's world)."""
    return [m for m in outbox() if m.recipient == person.email and m.category == "digest"]


def weekly_at(person, weekday: int, hour: int, summary: bool | None = True) -> None:
    person.digest_weekday, person.digest_hour, person.weekly_summary = weekday, hour, summary
    db.session.commit()


def due_now(*people, summary: bool | None = True) -> datetime:
    """Makes `people`'s weekly mail due now; returns now."""
    now = utcnow()
    local = now.astimezone(RIGA)
    for person in people:
        weekly_at(person, local.weekday(), local.hour, summary)
    return now


def riga(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=RIGA).astimezone(timezone.utc)


def next_weekday(weekday: int, after: date | None = None) -> date:
    after = after or date.today()
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def accepted(owner, requester, resource, start_in_days: int, **extra):
    exchange = request_exchange(requester, resource, start_in_days=start_in_days, **extra)
    exchanges.accept(owner, exchange)
    return exchange


def lecturer_offer(actor, title="Lektors par projektu vadību"):
    return make_resource(actor, title=title, kind="intellectual", category="training", handover="",
                         format="in_person", description="Meklējam lektoru? Lektors apmācībām par projektiem.")


@pytest.fixture
def busy_week(world):
    """Org B's representative has one of each kind waiting; org C and a third org D have their own."""
    d_org = make_org("Dienvidu biedrība")
    d_rep = make_user(d_org, "representative", email="d.rep@example.org")
    sound = make_resource(world.other_representative, title="Skaņas aparatūra", category="equipment")
    items = {
        "offer": lecturer_offer(world.other_representative),
        "agreement": make_agreement(world, "approved"),  # org B and the coordinating org
        "borrowed": accepted(world.other_representative, world.member, sound, 2, purpose="Koncerts"),
        "lent": accepted(world.representative, world.other_member, world.public_resource, 3, purpose="Kino vakars"),
        # Org C's and org D's own business: never in org B's mail.
        "c_agreement": make_agreement(world, "approved", drafter=world.other_representative),
        "d_request": request_exchange(d_rep, sound, start_in_days=4, purpose="Slepens nolūks"),
        "c_need": make_resource(world.other_representative, model=Need, title="Meklējam mikroautobusu",
                                kind="material", category="vehicle", handover=""),
        "paused_offer": lecturer_offer(d_rep, title="Lektors par grāmatvedību (apturēts)"),
    }
    catalogue.change_state(d_rep, items["paused_offer"], "paused")
    make_resource(d_rep, title="Mikroautobuss ar šoferi", category="vehicle",
                  description="Mikroautobuss braucieniem; meklējat mikroautobusu?")
    db.session.commit()
    return items


def test_the_summary_lists_what_waits_with_one_link_each_and_nothing_of_another_org(app, world, busy_week):
    now = due_now(world.representative)
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.representative)
    save_mail(mail, MAIL_ARTIFACTS / "lv" / "weekly")
    assert mail.category == "digest"
    assert mail.subject == "Jūsu nedēļas kopsavilkums: 2 lietas gaida jūsu rīcību"
    base = "http://localhost"
    expected = [
        "Apmaiņas pieprasījumi, uz kuriem jāatbild", f"{base}/exchanges/{world.exchange.id}",
        "Konferenču zāle “Dzerkaļi” · Sukrums",
        "Līgumi parakstīšanai", f"{base}/agreements/{busy_week['agreement'].id}", "Gaida jūsu parakstu.",
        "Jauni piedāvājumi mūsu vajadzībām", f"{base}/resources/{busy_week['offer'].id}",
        "Lektors par projektu vadību · Sukrums", "Atbilst mūsu vajadzībai “Meklējam lektoru”.",
        "Apmaiņas nākamajās septiņās dienās", f"{base}/exchanges/{busy_week['borrowed'].id}", "saņemam mēs",
        f"{base}/exchanges/{busy_week['lent'].id}", "nodrošinām mēs",
        "Kas šonedēļ gaida organizāciju Baltā māja", f"{base}/", "Atvērt manu sākumlapu",
    ]
    for text in expected:
        assert text in mail.body and text in mail.html_body, text
    assert f'<a href="{base}/resources/{busy_week["offer"].id}">' in mail.html_body
    for private in ("Slepens nolūks", "Meklējam mikroautobusu", "Mikroautobuss ar šoferi", "grāmatvedību",
                    f"/agreements/{busy_week['c_agreement'].id}", f"/exchanges/{busy_week['d_request'].id}"):
        assert private not in mail.body and private not in mail.html_body, private
    sent = build_email(mail)
    assert sent["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "reizi nedēļā — dienā un stundā, kas izvēlēta jūsu konta lapā" in mail.body

    # Org C's representative, due in the same hour, gets their own: org D's request, their agreement, the
    # new offer for their need, the two exchanges with org B from their side; not org B's agreement.
    world.other_representative.digest_weekday, world.other_representative.digest_hour = \
        world.representative.digest_weekday, world.representative.digest_hour
    db.session.commit()
    assert weekly.send_weekly(now) == 1
    [theirs] = mails_to(world.other_representative)
    assert "Slepens nolūks" in theirs.body and f"/agreements/{busy_week['c_agreement'].id}" in theirs.body
    assert f"/resources/{busy_week['offer'].id}" not in theirs.body  # their own offer
    assert f"/agreements/{busy_week['agreement'].id}" not in theirs.body
    assert f"/exchanges/{world.exchange.id}" not in theirs.body  # their own request, waiting for org B
    for exchange, side in ((busy_week["borrowed"], "nodrošinām mēs"), (busy_week["lent"], "saņemam mēs")):
        assert f"/exchanges/{exchange.id}" in theirs.body
    assert "saņemam mēs" in theirs.body and "nodrošinām mēs" in theirs.body


def test_new_offers_are_those_since_the_last_weekly_mail(app, world, busy_week):
    now = due_now(world.representative)
    assert weekly.send_weekly(now) == 1
    next_week = now + timedelta(days=7)
    fresh = lecturer_offer(world.coordinator, title="Lektore par brīvprātīgo vadību")
    fresh.created_at = now + timedelta(days=3)
    db.session.commit()
    assert weekly.send_weekly(next_week) == 1
    _, second = mails_to(world.representative)
    assert f"/resources/{fresh.id}" in second.body
    assert f"/resources/{busy_week['offer'].id}" not in second.body  # told last week
    assert f"/exchanges/{world.exchange.id}" in second.body  # still waits for an answer


def test_english_summary(app, world, busy_week):
    world.representative.locale = "en"
    now = due_now(world.representative)
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.representative)
    save_mail(mail, MAIL_ARTIFACTS / "en" / "weekly")
    assert mail.subject == "Your weekly summary: 2 things wait for you"
    for text in ("Exchange requests to answer", "Agreements to sign", "Waiting for your signature.",
                 "New offers for our needs", "Matches our need “Meklējam lektoru”.", "Exchanges in the coming week",
                 "we receive it", "we provide it", "Open my home page",
                 "once a week, on the day and at the hour chosen on your account page"):
        assert text in mail.body, text
    assert re.search(r"\d{1,2} \w{3} \d{4}", mail.body)  # dates day first


def test_nothing_to_say_sends_nothing(app, world):
    quiet = make_org("Klusā biedrība")
    person = make_user(quiet, "representative")
    now = due_now(person)
    assert weekly.send_weekly(now) == 0
    assert mails_to(person) == []
    db.session.refresh(person)
    assert person.weekly_digest_at == now  # this week's is made: found empty


def test_only_on_the_chosen_day_and_hour(app, world):
    wednesday = next_weekday(2)
    weekly_at(world.representative, 2, 18)
    for moment in (riga(wednesday, 17, 59), riga(wednesday - timedelta(days=1), 18, 30),
                   riga(wednesday, 19, 0), riga(wednesday + timedelta(days=7), 8, 0)):
        assert weekly.send_weekly(moment) == 0, moment
    assert mails_to(world.representative) == []
    assert weekly.send_weekly(riga(wednesday, 18, 0)) == 1
    assert weekly.send_weekly(riga(wednesday, 18, 59)) == 0  # twice in the hour: once
    assert len(mails_to(world.representative)) == 1
    assert weekly.send_weekly(riga(wednesday + timedelta(days=7), 18, 10)) == 1  # the next week
    assert len(mails_to(world.representative)) == 2


def test_the_hour_that_repeats_when_the_clocks_go_back_sends_once(app, world):
    weekly_at(world.representative, 6, 3)  # Sunday 3:00, the hour Riga has twice on the last Sunday of October
    first = datetime(2026, 10, 25, 0, 10, tzinfo=timezone.utc)  # 03:10 EEST
    again = datetime(2026, 10, 25, 1, 10, tzinfo=timezone.utc)  # 03:10 EET
    assert first.astimezone(RIGA).hour == again.astimezone(RIGA).hour == 3
    assert weekly.send_weekly(first) == 1 and weekly.send_weekly(again) == 0


def test_defaults_on_for_representatives_off_for_members(app, world):
    assert preferences.weekly_schedule(world.member) == (0, 8)  # Monday 8:00
    assert preferences.wants_weekly_summary(world.representative)
    assert not preferences.wants_weekly_summary(world.member)
    accepted(world.representative, world.other_member, world.public_resource, 2)
    now = due_now(world.representative, world.member, summary=None)
    assert weekly.send_weekly(now) == 1
    assert mails_to(world.member) == [] and len(mails_to(world.representative)) == 1

    # A member who turns it on gets the coming week's exchanges, not the requests and signatures.
    world.member.weekly_summary = True
    db.session.commit()
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.member)
    assert mail.subject == "Jūsu nedēļas kopsavilkums: 1 jaunums"
    assert "Apmaiņas nākamajās septiņās dienās" in mail.body
    assert "Apmaiņas pieprasījumi" not in mail.body and "Līgumi parakstīšanai" not in mail.body

    # A member who becomes a representative and never chose gets it from then on.
    world.other_member.role = "representative"
    db.session.commit()
    assert preferences.wants_weekly_summary(world.other_member)


def test_held_weekly_mails_come_in_the_same_mail(app, world):
    preferences.set_frequency(world.representative, "messages", "weekly")
    exchanges.post_message(world.other_member, world.exchange, "Vai der sestdien?")
    db.session.commit()
    assert mails_to(world.representative) == []
    now = due_now(world.representative)
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.representative)  # one weekly mail, not two
    for text in ("Apmaiņas pieprasījumi, uz kuriem jāatbild", "Ziņas un komentāri", "Vai der sestdien?",
                 "Zemāk — e-pasti, ko izvēlējāties saņemt reizi nedēļā."):
        assert text in mail.body, text
    assert mail.body.index("Apmaiņas pieprasījumi") < mail.body.index("Ziņas un komentāri")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestItem)
                             .where(DigestItem.sent_at.is_(None))) == 0

    # With the summary off the held mails still come, on the same day and hour, alone.
    exchanges.post_message(world.other_member, world.exchange, "Un svētdien?")
    world.representative.weekly_summary = False
    db.session.commit()
    assert weekly.send_weekly(now + timedelta(days=7)) == 1
    second = mails_to(world.representative)[-1]
    assert "Un svētdien?" in second.body and "Apmaiņas pieprasījumi" not in second.body
    assert second.subject == "Jūsu nedēļas kopsavilkums: 1 jaunums"


def test_the_unsubscribe_link_turns_the_weekly_mail_off(app, world):
    preferences.set_frequency(world.representative, "agreements", "weekly")
    now = due_now(world.representative)
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.representative)
    link = build_email(mail)["List-Unsubscribe"][1:-1].removeprefix("http://localhost")
    stranger = app.test_client()
    page = stranger.get(link).get_data(as_text=True)
    assert "Iknedēļas kopsavilkums par to, kas jūs gaida" in page and "Līgumi" in page
    assert stranger.post(link, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 200
    db.session.expire_all()
    person = db.session.get(User, world.representative.id)
    assert person.weekly_summary is False and person.mail_agreements == "off"
    assert person.mail_exchanges == "instant"
    assert weekly.send_weekly(now + timedelta(days=7)) == 0
    assert len(mails_to(world.representative)) == 1


def test_none_for_a_suspended_organization_or_a_removed_person(app, world):
    preferences.set_frequency(world.representative, "agreements", "weekly")
    make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)  # held for the week
    world.member.weekly_summary = True
    accepted(world.representative, world.other_member, world.public_resource, 2)
    orgs.remove_person(world.representative, world.org, world.member.id)
    orgs.suspend(world.coordinator, world.org, "Pārbaude")
    db.session.commit()
    now = due_now(world.representative, world.member)
    assert weekly.send_weekly(now) == 0
    assert mails_to(world.representative) == [] and mails_to(world.member) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestItem).where(
        DigestItem.user_id == world.representative.id, DigestItem.sent_at.is_(None))) == 0  # dropped


def test_two_workers_at_once_send_each_person_one_mail(app, world, monkeypatch):
    """Two runs in threads of their own (sessions and connections of their own), as two workers would: each
    person is claimed by one; the other waits for it or finds the claim."""
    from portal.jobs import runner

    people = [make_user(world.org, "representative") for _ in range(4)]
    accepted(world.representative, world.other_member, world.public_resource, 2)
    now = due_now(world.representative, *people)
    made = weekly._make

    def slowly(*args):
        result = made(*args)
        time.sleep(0.2)  # the claim is held while the other run reaches the same person
        return result

    monkeypatch.setattr(weekly, "_make", slowly)
    results = []

    def worker():
        results.append(runner.run_in_app(app, "portal.home.weekly:send_weekly", (now,), {}))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(results) == 5
    recipients = sorted(m.recipient for m in outbox() if m.category == "digest")
    assert recipients == sorted(p.email for p in [world.representative, *people])


def test_delivered_through_smtp_with_its_unsubscribe_header(app, world, busy_week):
    db.session.execute(sa.delete(OutboxMessage))  # the mails of the steps that made the week
    db.session.commit()
    with SmtpServer(free_port()) as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        now = due_now(world.representative)
        assert weekly.send_weekly(now) == 1
        assert deliver_due() == (1, 0)
    [received] = [email.message_from_bytes(e.content, policy=email.policy.default) for e in server.envelopes]
    assert received["To"] == world.representative.email
    assert str(received["Subject"]) == "Jūsu nedēļas kopsavilkums: 2 lietas gaida jūsu rīcību"
    assert received["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Līgumi parakstīšanai" in text and "Līgumi parakstīšanai" in html
    assert f"http://localhost/resources/{busy_week['offer'].id}" in text


def test_the_send_digests_command_sends_this_hours_weekly_mails(app, world):
    due_now(world.representative)
    result = app.test_cli_runner().invoke(args=["portal", "send-digests", "--frequency", "weekly"])
    assert result.exit_code == 0 and "1 weekly digests queued" in result.output
    again = app.test_cli_runner().invoke(args=["portal", "send-digests", "--frequency", "weekly"])
    assert "0 weekly digests queued" in again.output
    assert len(mails_to(world.representative)) == 1


def test_the_worker_runs_the_weekly_round():
    from portal.jobs.schedule import PERIODIC

    assert "portal.home.weekly:send_weekly" in {entry.job for entry in PERIODIC}


# ---------------------------------------------------------------- the account page

def selected(page: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option[^>]*selected[^>]*value="(\w+)"|<option[^>]*value="(\w+)"[^>]*selected', select_html)
    return (found.group(1) or found.group(2)) if found else None


KINDS = {"exchanges": "instant", "messages": "instant", "agreements": "instant", "network": "instant"}


def test_the_account_page_sets_the_day_and_hour(app, world):
    client = client_for(app, world.member)
    page = client.get("/account").get_data(as_text=True)
    assert "Iknedēļas kopsavilkums par to, kas jūs gaida" in page and "Pirmdiena" in page and "08:00" in page
    assert selected(page, "digest_weekday") == "0" and selected(page, "digest_hour") == "8"
    assert checked_choices(page)["weekly_summary"] == "off"  # a member's default
    response = client.post("/account/mail", data={**KINDS, "weekly_summary": "on", "digest_weekday": "2",
                                                  "digest_hour": "18"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, world.member.id)
    assert (person.weekly_summary, person.digest_weekday, person.digest_hour) == (True, 2, 18)
    page = client.get("/account").get_data(as_text=True)
    assert selected(page, "digest_weekday") == "2" and selected(page, "digest_hour") == "18"
    audit = client_for(app, world.coordinator).get("/coordination/audit").get_data(as_text=True)
    for said in ("Iknedēļas kopsavilkums par to, kas jūs gaida", "Sūtīt", "trešdiena", "Laiks (Rīgā)", "18:00"):
        assert said in audit, said

    # A representative who leaves the default as it is keeps "as the role has it".
    rep = client_for(app, world.representative)
    assert rep.post("/account/mail", data={**KINDS, "weekly_summary": "on", "digest_weekday": "0",
                                           "digest_hour": "8"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.representative.id).weekly_summary is None


def test_the_account_page_reports_every_problem_at_once_in_latvian(app, world):
    client = client_for(app, world.member)
    response = client.post("/account/mail", data={**KINDS, "exchanges": "hourly", "digest_weekday": "9",
                                                  "digest_hour": "24"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r"<title>\s*Kļūda: ", page)
    for message in ("Izvēlieties, vai saņemt iknedēļas kopsavilkumu.", "Izvēlieties nedēļas dienu.",
                    "Izvēlieties stundu no 00:00 līdz 23:00."):
        assert message in page, message
    for field in ("exchanges", "weekly_summary", "digest_weekday", "digest_hour"):
        assert f'data-field="{field}"' in page, field
    summary = re.search(r'class="error-summary".*?</ul>', page, re.S).group(0)
    for anchor in ("#exchanges-0", "#weekly_summary-0", "#digest_weekday", "#digest_hour"):
        assert f'href="{anchor}"' in summary, anchor
    db.session.expire_all()
    person = db.session.get(User, world.member.id)
    assert (person.weekly_summary, person.digest_weekday, person.digest_hour, person.mail_exchanges) == \
        (None, 0, 8, "instant")


def test_a_coordinator_hears_of_the_applications_and_agreements_to_decide(app, world):
    submitted = make_agreement(world, "submitted")
    now = due_now(world.coordinator)
    assert weekly.send_weekly(now) == 1
    [mail] = mails_to(world.coordinator)
    assert mail.subject == "Jūsu nedēļas kopsavilkums: 2 lietas gaida jūsu rīcību"
    for text in ("Dalības pieteikumi", "Jaunā biedrība", f"http://localhost/coordination/applications/"
                 f"{world.applicant_org.id}", "Līgumi apstiprināšanai", f"http://localhost/agreements/{submitted.id}"):
        assert text in mail.body, text


def test_a_coordinator_hears_of_the_disputes_to_settle_and_not_of_a_settled_one(app, world):
    from portal.exchanges.resolutions import resolve_dispute

    from .test_exchange_resolution import SETTLED, make_disputed

    disputed = make_disputed(world, title="Skaņas pults")
    settled = make_disputed(world, title="Telts pasākumiem")
    resolve_dispute(world.coordinator, settled, SETTLED)
    db.session.commit()
    now = due_now(world.coordinator, world.representative)
    weekly.send_weekly(now)
    [mail] = mails_to(world.coordinator)
    assert mail.subject == "Jūsu nedēļas kopsavilkums: 2 lietas gaida jūsu rīcību"  # the application and the dispute
    for text in ("Apmaiņas strīdā, kas jāatrisina", f"#{disputed.id} Skaņas pults · Baltā māja – Sukrums",
                 f"http://localhost/coordination/disputes/{disputed.id}"):
        assert text in mail.body, text
    assert f"/coordination/disputes/{settled.id}" not in mail.body
    assert all("/coordination/disputes/" not in m.body for m in mails_to(world.representative))  # a side: not theirs
