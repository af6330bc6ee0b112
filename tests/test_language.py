"""Language that sticks: the switch keeps the page and its query, a logged-in person's choice is saved to
their profile and followed by their mails and notifications; dates day first, 24-hour clock, to the minute."""
import re
from datetime import datetime, timezone
from html import unescape

from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import User
from portal.dates import format_day, format_moment
from portal.extensions import db
from portal.mail.models import OutboxMessage

from .factories import request_exchange
from .helpers import client_for, login

MOMENT = datetime(2026, 12, 1, 8, 18, 5, tzinfo=timezone.utc)  # 10:18:05 in Riga


def switch_link(html: str) -> str:
    match = re.search(r'<a class="lang" href="([^"]+)"', html)
    assert match, "no language switch on the page"
    return unescape(match.group(1))


def locale_of(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).locale


def test_the_switch_keeps_the_path_and_the_query(client, world):
    html = client.get("/resources?q=projektors&municipality=ludzas").get_data(as_text=True)
    assert switch_link(html) == "/resources?q=projektors&municipality=ludzas&lang=en"
    english = client.get("/resources?q=projektors&municipality=ludzas&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert switch_link(english) == "/resources?q=projektors&municipality=ludzas&lang=lv"


def test_a_logged_in_choice_is_saved_to_the_profile(app, world):
    client = client_for(app, world.representative)
    assert locale_of(world.representative) == "lv"
    client.get("/exchanges?lang=en")
    assert locale_of(world.representative) == "en"
    fresh = client_for(app, world.representative)  # another browser: the profile, not the session
    assert '<html lang="en">' in fresh.get("/exchanges").get_data(as_text=True)


def test_mail_and_notifications_follow_the_switch(app, world):
    client_for(app, world.representative).get("/?lang=en")
    db.session.expire_all()
    requester = db.session.get(User, world.other_representative.id)
    request_exchange(requester, world.resource, message="Vai varam aizņemties?")
    db.session.commit()
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == world.representative.email)).all()
    assert mails and all('<html lang="en">' in m.html_body for m in mails), [m.subject for m in mails]
    inbox = client_for(app, world.representative).get("/notifications").get_data(as_text=True)
    assert '<html lang="en">' in inbox and "request" in inbox.lower()


def test_the_language_chosen_before_logging_in_is_kept(app, world):
    client = app.test_client()
    client.get("/login?lang=en")
    login(client, world.member.email)
    assert locale_of(world.member) == "en"
    assert '<html lang="en">' in client.get("/exchanges").get_data(as_text=True)


def test_a_post_with_lang_does_not_change_the_profile(app, world):
    client = client_for(app, world.representative)
    client.post("/notifications/read?lang=en")
    assert locale_of(world.representative) == "lv"


def test_english_dates_are_day_first_with_the_24_hour_clock(app):
    with app.test_request_context("/"), force_locale("en"):
        assert format_moment(MOMENT) == "1 Dec 2026, 10:18"
        assert format_moment(MOMENT, "long") == "1 December 2026, 10:18"
        assert format_day(MOMENT.date()) == "1 December 2026"
        assert format_moment(MOMENT, "zoned") == "1 Dec 2026, 10:18 (GMT+02:00)"
    with app.test_request_context("/"), force_locale("lv"):
        assert format_moment(MOMENT) == "1.12.2026. 10:18"
        assert format_day(MOMENT.date()) == "2026. gada 1. decembris"


def test_member_since_shows_the_day_without_seconds_or_zone(client, world):
    world.org.decided_at = MOMENT
    db.session.commit()
    html = client.get(f"/orgs/{world.org.id}?lang=en").get_data(as_text=True)
    since = re.search(r"Member since</dt><dd>(.*?)</dd>", html).group(1).replace("\u00a0", " ")
    assert since == "1 December 2026"
