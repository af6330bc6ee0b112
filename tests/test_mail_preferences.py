"""Which mails a person gets: the choices on the account page, honoured by every sender; mail about one's
account always goes; the one-click unsubscribe link (RFC 8058) works without logging in; digests."""
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.mail import preferences
from portal.mail.digests import send_digests
from portal.mail.models import DigestItem
from portal.mail.services import build_email
from portal.notifications.models import Notification

from .factories import make_agreement, request_exchange
from .helpers import MAIL_ARTIFACTS, client_for, outbox, save_mail


def mails_to(person) -> list:
    return [m for m in outbox() if m.recipient == person.email]


def choose(person, **choices) -> None:
    for category, value in choices.items():
        preferences.set_frequency(person, category, value)
    db.session.commit()


def weekly_mail_now(person, summary: bool = False) -> None:
    """The person's weekly mail is due in this hour (Riga time); by default without the summary of what
    waits, so that it holds the held mails only."""
    local = datetime.now(ZoneInfo("Europe/Riga"))
    person.digest_weekday, person.digest_hour, person.weekly_summary = local.weekday(), local.hour, summary
    db.session.commit()


WEEKLY_CHOICES = {"weekly_summary": "on", "digest_weekday": "0", "digest_hour": "8"}


def checked_choices(page: str) -> dict[str, str]:
    chosen = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="radio"' in tag and " checked" in tag:
            chosen[re.search(r'name="(\w+)"', tag).group(1)] = re.search(r'value="(\w+)"', tag).group(1)
    return chosen


def test_the_account_page_saves_the_choices(app, world):
    client = client_for(app, world.representative)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="mail"' in page
    assert checked_choices(page) == {**dict.fromkeys(preferences.CATEGORIES, "instant"), "weekly_summary": "on"}
    response = client.post("/account/mail", data={"exchanges": "off", "messages": "daily",
                                                  "agreements": "weekly", "network": "instant", **WEEKLY_CHOICES})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#mail")
    db.session.expire_all()
    person = db.session.get(User, world.representative.id)
    assert (person.mail_exchanges, person.mail_messages, person.mail_agreements, person.mail_network) == \
        ("off", "daily", "weekly", "instant")
    page = client.get("/account").get_data(as_text=True)
    assert checked_choices(page) == {"exchanges": "off", "messages": "daily", "agreements": "weekly",
                                     "network": "instant", "weekly_summary": "on"}

    refused = client.post("/account/mail", data={"exchanges": "hourly", "messages": "daily",
                                                 "agreements": "weekly", "network": "instant", **WEEKLY_CHOICES})
    assert refused.status_code == 200 and 'data-field="exchanges"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.representative.id).mail_exchanges == "off"


def test_no_exchange_mails_for_who_turned_them_off_but_a_password_reset_still_goes(app, world):
    choose(world.representative, exchanges="off", messages="off", agreements="off", network="off")
    request_exchange(world.other_member, world.resource, start_in_days=20)
    db.session.commit()
    assert mails_to(world.representative) == []
    # The portal still shows it: only the mail is left out.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.representative.id, Notification.kind == "exchange_requested")) == 1

    response = app.test_client().post("/password/forgot", data={"email": world.representative.email})
    assert response.status_code == 302
    [reset] = mails_to(world.representative)
    assert "/password/reset/" in reset.body and reset.category == ""
    assert build_email(reset)["List-Unsubscribe"] is None


def test_messages_off_keeps_the_other_exchange_mails(app, world):
    from portal.exchanges import services as exchanges

    choose(world.other_member, messages="off")
    exchanges.post_message(world.representative, world.exchange, "Vai der otrdien?")
    exchanges.accept(world.representative, world.exchange)
    db.session.commit()
    assert [m.category for m in mails_to(world.other_member)] == ["exchanges"]


def test_the_unsubscribe_link_works_once_without_logging_in_and_sets_the_choice(app, world):
    request_exchange(world.other_member, world.resource, start_in_days=20)
    db.session.commit()
    [mail] = mails_to(world.representative)
    sent = build_email(mail)
    link = re.fullmatch(r"<(http://localhost/unsubscribe/[^>]+)>", sent["List-Unsubscribe"]).group(1)
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.body and link.replace("&", "&amp;") in mail.html_body
    path = link.removeprefix("http://localhost")

    stranger = app.test_client()  # nobody logged in, no CSRF token: as a mail reader's one-click POST
    page = stranger.get(path)
    assert page.status_code == 200 and "Apmaiņas" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.representative.id).mail_exchanges == "instant"  # a GET changes nothing

    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200
    db.session.expire_all()
    person = db.session.get(User, world.representative.id)
    assert person.mail_exchanges == "off" and person.mail_messages == "instant"
    again = stranger.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert again.status_code == 200 and world.representative.email in again.get_data(as_text=True)

    request_exchange(world.other_member, world.resource, start_in_days=40)
    db.session.commit()
    assert len(mails_to(world.representative)) == 1  # the one before; none after

    token = urlsplit(path).path.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    forged = f"/unsubscribe/{payload}.{signature[:-3]}{'xyz' if not signature.endswith('xyz') else 'abc'}"
    assert stranger.post(forged, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 404
    someone_else = f"/unsubscribe/WzIsImV4Y2hhbmdlcyJd.{signature}"  # [2, "exchanges"] under this signature
    assert stranger.post(someone_else, csrf=False).status_code == 404


def test_a_daily_digest_gathers_the_held_mails_and_is_sent_once(app, world):
    from portal.exchanges import services as exchanges

    choose(world.representative, exchanges="daily", messages="daily", agreements="weekly")
    exchange = request_exchange(world.other_member, world.resource, start_in_days=20,
                                message="Vai zālē ir projektors?")
    exchanges.post_message(world.other_member, exchange, "Un vai var ienākt jau 9:00?")
    make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)
    db.session.commit()
    assert mails_to(world.representative) == []
    assert {(i.frequency, i.category) for i in db.session.scalars(sa.select(DigestItem))} == {
        ("daily", "exchanges"), ("daily", "messages"), ("weekly", "agreements")}

    assert send_digests("daily") == 1
    db.session.commit()
    [digest] = mails_to(world.representative)
    save_mail(digest, MAIL_ARTIFACTS / "lv" / "digest")
    assert digest.category == "digest"
    assert digest.subject == "Jūsu dienas kopsavilkums: 2 jaunumi"
    for text in ("Apmaiņas", "Ziņas un komentāri", "Vai zālē ir projektors?", "Un vai var ienākt jau 9:00?",
                 f"http://localhost/exchanges/{exchange.id}"):
        assert text in digest.body and text in digest.html_body
    assert "Līguma projekts" not in digest.body  # weekly: not in the daily one
    unsubscribe = build_email(digest)["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost/unsubscribe/")

    assert send_digests("daily") == 0  # every item is used once
    weekly_mail_now(world.representative)
    assert send_digests("weekly") == 1
    db.session.commit()
    assert len(mails_to(world.representative)) == 2

    # The digest's own link stops every kind sent daily, and only those.
    path = unsubscribe[1:-1].removeprefix("http://localhost")
    assert app.test_client().post(path, csrf=False).status_code == 200
    db.session.expire_all()
    person = db.session.get(User, world.representative.id)
    assert (person.mail_exchanges, person.mail_messages, person.mail_agreements) == ("off", "off", "weekly")


def test_nothing_new_no_digest_and_a_kind_turned_off_since_is_dropped(app, world):
    assert send_digests("daily") == 0
    choose(world.representative, exchanges="daily")
    request_exchange(world.other_member, world.resource, start_in_days=20)
    choose(world.representative, exchanges="off")
    assert send_digests("daily") == 0
    db.session.commit()
    assert mails_to(world.representative) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestItem)
                             .where(DigestItem.sent_at.is_(None))) == 0


def test_send_digests_command(app, world):
    choose(world.representative, exchanges="weekly")
    weekly_mail_now(world.representative)
    request_exchange(world.other_member, world.resource, start_in_days=20)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "send-digests", "--frequency", "weekly"])
    assert result.exit_code == 0 and "1 weekly digests queued" in result.output
    [digest] = mails_to(world.representative)
    assert "nedēļas kopsavilkums: 1 jaunums" in digest.subject
    assert digest.created_at > utcnow() - timedelta(minutes=1)
