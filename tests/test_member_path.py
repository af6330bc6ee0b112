"""A logged-in person's catalogue page (issue 14): its few SQL statements, and that what makes it cheap (the
person, their organization and the bell's count in one statement; a GET's transaction that takes no write
lock) changes nothing people see: the count follows new notifications, and removal, a new session token,
suspension and logout take effect on the very next request."""
import re

import pytest
from sqlalchemy import event, select

from portal.accounts.auth import value_read_with_the_person
from portal.extensions import db
from portal.notifications import services as notifications
from portal.orgs.models import SUSPENDED
from portal.resources import pages
from portal.resources.models import CatalogueVersion

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


def test_a_members_kept_page_makes_one_statement_and_takes_no_write_lock(app, world, statements):
    member = client_for(app, world.member)
    member.get(URL)  # the page is made and kept
    statements.clear()
    assert member.get(URL).status_code == 200
    queries = [s for s in statements if not s.startswith("BEGIN")]
    # The person with their organization, unread count and the catalogue's version: nothing else.
    assert len(queries) == 1, queries
    assert "FROM users JOIN organizations" in queries[0] and "catalogue_versions" in queries[0]
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


@pytest.mark.one_backend("postgresql")
def test_on_postgresql_the_reads_of_every_page_are_planned_once_and_a_search_each_time(app, world):
    """The person, the catalogue's version and the cards' light rows are prepared statements (planned once per
    connection); the search is not: its plan depends on how many rows its words match."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server-side prepared statements (run with --backend postgresql)")
    connections = set()

    def note(conn, *_args):
        connections.add(conn.connection.dbapi_connection)

    member = client_for(app, world.member)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        for _ in range(3):
            pages.forget_all()  # the search runs on every page
            assert member.get(URL).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    prepared = []
    for connection in connections:
        on_this_one = [row[0] for row in connection.execute("SELECT statement FROM pg_prepared_statements")]
        connection.commit()
        assert len(on_this_one) == len(set(on_this_one)), on_this_one  # each once, however often it ran
        prepared += on_this_one
    assert any("FROM users JOIN organizations" in s for s in prepared), prepared
    assert any("catalogue_versions" in s for s in prepared), prepared
    assert any("resource_photos" in s for s in prepared), prepared
    assert not any("resources_search" in s or "tsquery" in s for s in prepared), prepared


def test_the_catalogue_version_read_with_the_person_ends_with_its_transaction(app, world):
    """A page made after this request's own change to the catalogue is kept under the new token, not under the
    one read with the person before the change."""
    with app.test_request_context(URL):
        app.login_manager._user_callback(world.member.get_id())
        before = pages.current_version(db.session)
        assert before is not None and value_read_with_the_person(db.session, pages.VERSION) == before
        world.resource.title = "Cits nosaukums"
        db.session.commit()
        assert value_read_with_the_person(db.session, pages.VERSION) is None
        after = pages.current_version(db.session)
        assert after != before
        assert after == db.session.scalar(select(CatalogueVersion.token))


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


# The header of a logged-in person is kept rendered (portal/site_header.py): under everything it shows.

LOGOUT_TOKEN = re.compile(r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')
ACCOUNT_LINK = re.compile(r'<a href="/account[^"]*" class="account"[^>]*>([^<]*)</a>')


def header_of(client, url=URL) -> tuple[str, str]:
    """The name in the header and the logout form's CSRF token."""
    page = client.get(url).get_data(as_text=True)
    return ACCOUNT_LINK.search(page).group(1), LOGOUT_TOKEN.search(page).group(1)


def test_a_kept_header_is_used_again_for_the_same_person_and_page(app, world, monkeypatch):
    from portal import site_header

    member = client_for(app, world.member)
    first = header_of(member)
    renders = []
    original = site_header._render
    monkeypatch.setattr(site_header, "_render", lambda *args: renders.append(args) or original(*args))
    assert header_of(member) == first
    assert renders == []


def test_a_kept_header_shows_each_person_their_own_name_and_token(app, world):
    member, representative = client_for(app, world.member), client_for(app, world.representative)
    member_name, member_token = header_of(member)
    representative_name, representative_token = header_of(representative)
    assert (member_name, representative_name) == ("Jānis Kalniņš", "Inguna Badune")
    assert header_of(member) == (member_name, member_token)  # kept, and still the member's own
    # Each token belongs to its own session: the other person's is refused.
    assert member.post("/logout", data={"csrf_token": representative_token}, csrf=False).status_code == 400
    assert member.post("/logout", data={"csrf_token": member_token}, csrf=False).status_code == 302


def test_two_sessions_of_one_person_each_get_their_own_token(app, world):
    laptop, phone = client_for(app, world.member), client_for(app, world.member)
    _, laptop_token = header_of(laptop)
    _, phone_token = header_of(phone)
    assert laptop_token != phone_token
    assert phone.post("/logout", data={"csrf_token": laptop_token}, csrf=False).status_code == 400
    assert phone.post("/logout", data={"csrf_token": phone_token}, csrf=False).status_code == 302
    # A new login is a new session with a new token, never the kept header of the one before.
    login_again = client_for(app, world.member)
    assert header_of(login_again)[1] not in (laptop_token, phone_token)


def test_the_header_follows_a_new_name_and_role_on_the_next_page(app, world):
    member = client_for(app, world.member)
    page = member.get(URL).get_data(as_text=True)
    assert 'href="/coordination/applications"' not in page
    world.member.name = "Jānis Bērziņš"
    world.member.is_coordinator = True
    db.session.commit()
    page = member.get(URL).get_data(as_text=True)
    assert header_of(member)[0] == "Jānis Bērziņš" and "Kalniņš" not in page
    assert 'href="/coordination/applications"' in page


def test_a_kept_header_marks_this_page_and_switches_language_on_it(app, world):
    member = client_for(app, world.member)
    for url in (URL, "/resources?q=galds", URL):
        page = member.get(url).get_data(as_text=True)
        query = url.partition("?")[2]
        assert f'href="/resources?{query}&amp;lang=en"' in page
        assert '<a href="/resources" aria-current="page">' in page
    page = member.get("/needs").get_data(as_text=True)
    assert 'href="/needs?lang=en"' in page
    assert '<a href="/needs" aria-current="page">' in page and '<a href="/resources" aria-current' not in page
    page = member.get(f"/orgs/{world.org.id}").get_data(as_text=True)
    assert f'<a href="/orgs/{world.org.id}" aria-current="page">' in page
    assert '<a href="/orgs" aria-current' not in page
    english = member.get(URL + "&lang=en").get_data(as_text=True)
    assert 'lang="lv" hreflang="lv">Latviski' in english and "Log out" in english


def test_a_visitors_kept_header_shows_no_one_and_follows_the_page(app, world, monkeypatch):
    from portal import site_header

    member, visitor = client_for(app, world.member), client_for(app, None)
    header_of(member)
    page = visitor.get(URL).get_data(as_text=True)
    renders = []
    original = site_header._render
    monkeypatch.setattr(site_header, "_render", lambda *args: renders.append(args) or original(*args))
    assert visitor.get(URL).get_data(as_text=True) == page and renders == []  # kept
    assert 'href="/login"' in page and 'action="/logout"' not in page and world.member.name not in page
    assert 'href="/exchanges"' not in page and 'class="bell"' not in page
    needs = visitor.get("/needs?lang=en").get_data(as_text=True)
    assert '<a href="/needs" aria-current="page">' in needs and 'href="/needs?lang=lv"' in needs
    assert "Log in" in needs and world.member.name not in needs
