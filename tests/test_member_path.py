"""A logged-in person's catalogue page (issue 14): its few SQL statements, and that what makes it cheap (the
person, their organization and the bell's count in one statement; a GET's transaction that takes no write
lock) changes nothing people see: the count follows new notifications, and removal, a new session token,
suspension and logout take effect on the very next request."""
import re

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.notifications import services as notifications
from portal.orgs.models import SUSPENDED
from portal.resources import pages

from .helpers import client_for

URL = "/resources?q=projektors"
BADGE = re.compile(r'data-testid="unread-count"[^>]*>(\d+)<')


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def unread_badge(client, url=URL) -> int:
    page = client.get(url)
    assert page.status_code == 200
    found = BADGE.search(page.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def signed_in(client) -> bool:
    return 'action="/logout"' in client.get(URL).get_data(as_text=True)


def test_a_members_kept_page_makes_two_statements_and_takes_no_write_lock(app, world, statements):
    member = client_for(app, world.member)
    member.get(URL)  # the page is made and kept
    statements.clear()
    assert member.get(URL).status_code == 200
    queries = [s for s in statements if not s.startswith("BEGIN")]
    # The person with their organization and unread count, and the catalogue's version: nothing else.
    assert len(queries) <= 2, queries
    assert "catalogue_versions" in queries[-1]
    if db.engine.dialect.name == "sqlite":  # a GET reads: SQLite's one write lock stays free for the writers
        assert "BEGIN IMMEDIATE" not in statements, statements
        assert "BEGIN" in statements


@pytest.mark.one_backend("sqlite")
def test_a_post_still_takes_the_write_lock_at_begin(app, world, statements):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's write lock; PostgreSQL has none to take (run with --backend sqlite)")
    member = client_for(app, world.member)
    statements.clear()
    member.post("/notifications/read")
    assert statements[0] == "BEGIN IMMEDIATE", statements[:3]


def test_the_bell_counts_a_new_notification_on_the_next_page(app, world):
    member = client_for(app, world.member)
    before = unread_badge(member)
    notifications.notify([world.member], "org_approved", org="Baltā māja")
    db.session.commit()
    assert unread_badge(member) == before + 1
    notifications.mark_all_read(world.member)
    db.session.commit()
    assert unread_badge(member) == 0


def test_the_count_read_with_the_person_is_forgotten_when_a_notification_changes(app, world):
    notifications.remember_unread(db.session, world.member.id, 7)
    assert notifications.unread_count(world.member) == 7
    notifications.notify([world.member], "org_approved", org="Baltā māja")  # a flush of a new notification
    assert notifications.unread_count(world.member) == 1
    notifications.remember_unread(db.session, world.member.id, 7)
    notifications.mark_all_read(world.member)  # a bulk UPDATE
    assert notifications.unread_count(world.member) == 0
    notifications.remember_unread(db.session, world.member.id, 7)
    db.session.commit()  # the transaction that read it ended
    assert notifications.unread_count(world.member) == 0


def test_a_new_session_token_ends_the_session_on_the_next_request(app, world):
    member = client_for(app, world.member)
    assert signed_in(member)
    world.member.end_all_sessions()
    db.session.commit()
    assert not signed_in(member)


def test_a_removed_person_is_logged_out_on_the_next_request(app, world):
    from portal.database import utcnow

    member = client_for(app, world.member)
    assert signed_in(member)
    world.member.removed_at = utcnow()
    db.session.commit()
    assert not signed_in(member)


def test_suspension_shows_on_the_next_page_even_a_kept_one(app, world):
    member = client_for(app, world.member)
    assert "suspended" not in member.get(URL).get_data(as_text=True)
    world.org.state = SUSPENDED
    db.session.commit()
    page = member.get(URL).get_data(as_text=True)
    assert "Your organization is suspended" in page or "apturēta" in page
    assert 'action="/logout"' in page  # they may still log in and read


def test_logout_ends_the_session_and_its_cookie_is_no_use_after(app, world):
    member = client_for(app, world.member)
    assert signed_in(member)
    old_cookie = member.get_cookie("session").value
    assert member.post("/logout").status_code == 302
    assert not signed_in(member)
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert not signed_in(replay)


def test_a_members_page_is_kept_apart_from_a_visitors(app, world):
    pages.forget_all()
    visitor = client_for(app, None)
    member = client_for(app, world.member)
    assert 'action="/logout"' not in visitor.get(URL).get_data(as_text=True)
    assert signed_in(member)
    assert 'action="/logout"' not in visitor.get(URL).get_data(as_text=True)
