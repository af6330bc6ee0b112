"""The logged-in person read on the driver's cursor and made into the session's objects (portal.accounts.person_row).
They are the ORM's own: persistent, unchanged and typed as their columns say, so a view may read, change and relate
them as any loaded row. A read that fails is reported the engine's way, which replaces a dead connection."""
from datetime import timezone

import pytest
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import DBAPIError

from portal.accounts import person_row
from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organization

URL = "/resources"


def load(app, cookie_id: str):
    return app.login_manager._user_callback(cookie_id)


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def columns_of(obj) -> dict:
    return {key: getattr(obj, key) for key in inspect(type(obj)).column_attrs.keys()}


def test_the_person_is_the_sessions_own_unchanged_with_every_column_typed(app, world, statements):
    db.session.refresh(world.member)
    db.session.refresh(world.org)
    expected_user, expected_org = columns_of(world.member), columns_of(world.org)
    cookie_id = world.member.get_id()
    db.session.expunge_all()
    with app.test_request_context(URL):
        statements.clear()
        user = load(app, cookie_id)
        assert len(statements) == 1  # the person, the organization and what is read along, in one
        assert inspect(user).persistent and inspect(user.org).persistent and user in db.session
        assert user.org in db.session and not db.session.dirty and not inspect(user).modified
        assert columns_of(user) == expected_user and columns_of(user.org) == expected_org
        assert user.created_at.tzinfo is timezone.utc and user.org.applied_at.tzinfo is timezone.utc
        assert type(user.is_coordinator) is bool and type(user.org.is_coordinating) is bool
        assert db.session.get(User, user.id) is user and db.session.get(Organization, user.org.id) is user.org
        assert len(statements) == 1  # the organization came with the person; nothing was loaded again


def test_a_change_to_the_person_is_written_as_for_any_loaded_row(app, world, statements):
    cookie_id, user_id = world.member.get_id(), world.member.id
    db.session.expunge_all()
    with app.test_request_context(URL):
        user = load(app, cookie_id)
        statements.clear()
        db.session.commit()
        assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in statements), statements
        user = load(app, cookie_id)
        user.name = "Jānis Bērziņš"
        user.org.phone = "+371 20000000"
        db.session.commit()
    db.session.expunge_all()
    assert db.session.scalar(select(User.name).where(User.id == user_id)) == "Jānis Bērziņš"
    assert db.session.get(User, user_id).org.phone == "+371 20000000"


def test_a_person_the_session_holds_already_is_that_object_refreshed(app, world):
    with app.test_request_context(URL):
        held = db.session.get(User, world.member.id)
        db.session.execute(User.__table__.update().where(User.__table__.c.id == held.id).values(name="Cits vārds"))
        assert load(app, held.get_id()) is held
        assert held.name == "Cits vārds"


def test_a_cookie_naming_a_number_too_large_for_the_database_names_no_one(app, world, statements):
    with app.test_request_context(URL):
        statements.clear()
        assert load(app, "9" * 40 + ":token") is None
        assert load(app, f"{2**63}:token") is None
        assert statements == []
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_user_id"] = "9" * 40 + ":token"
    assert visitor.get(URL).status_code == 200


def test_a_failed_read_on_the_cursor_is_run_again_the_engines_way(app, world, statements, monkeypatch):
    def fails(self, connection, parameters):
        raise connection.dialect.loaded_dbapi.OperationalError("the cursor failed")

    monkeypatch.setattr(person_row.PersonStatement, "_fetch_on_the_cursor", fails)
    cookie_id = world.member.get_id()
    db.session.expunge_all()
    with app.test_request_context(URL):
        statements.clear()
        user = load(app, cookie_id)
        assert user is not None and user.id == world.member.id and user.org.name
        assert len(statements) == 1 and "FROM users JOIN organizations" in statements[0]


def test_a_connection_that_died_is_reported_and_replaced(app, world):
    cookie_id = world.member.get_id()
    db.session.expunge_all()
    with app.test_request_context(URL):
        db.session.connection().connection.dbapi_connection.close()  # as a server restart would leave it
        with pytest.raises(DBAPIError) as failure:
            load(app, cookie_id)
        assert failure.value.connection_invalidated
        db.session.rollback()
        assert load(app, cookie_id).id == world.member.id  # on a new connection
