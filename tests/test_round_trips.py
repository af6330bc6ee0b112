"""On PostgreSQL a page that only reads costs its statements' round trips and nothing more: no BEGIN, COMMIT or
ping (issue 14). Work that writes still runs in one transaction, locks hold to its end, autocommit asked for is
kept, and a connection the server dropped while it sat in the pool is replaced before use."""
import os
import tempfile

import psycopg
import pytest
from psycopg import errors
from psycopg.pq import Trace
from sqlalchemy import event, select, text, update

from portal import database
from portal.extensions import db
from portal.orgs.models import Organization

from .helpers import client_for

pytestmark = pytest.mark.one_backend("postgresql")

URL = "/resources?q=projektors"


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("round trips of PostgreSQL's wire protocol (run with --backend postgresql)")


@pytest.fixture
def wire(app):
    """The frontend messages (client to server) of every connection checked out meanwhile: ["Query \"BEGIN\"",
    "Bind ...", "Sync", ...]."""
    trace_file = tempfile.NamedTemporaryFile("w+", suffix=".trace", delete=False)
    traced = []

    def trace(dbapi_connection, _record, _proxy):
        dbapi_connection.pgconn.trace(trace_file.fileno())
        dbapi_connection.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
        traced.append(dbapi_connection)

    def messages() -> list[str]:
        trace_file.flush()
        with open(trace_file.name, encoding="utf-8", errors="replace") as lines:
            return [line.split("\t", 2)[2].strip() for line in lines if line.startswith("F\t")]

    def clear() -> None:
        trace_file.truncate(0)
        trace_file.seek(0)

    messages.clear = clear
    event.listen(db.engine, "checkout", trace, insert=True)  # before the ping, so that a ping shows
    try:
        yield messages
    finally:
        event.remove(db.engine, "checkout", trace)
        for dbapi_connection in traced:
            if not dbapi_connection.closed:
                dbapi_connection.pgconn.untrace()
        trace_file.close()
        os.unlink(trace_file.name)


def simple_queries(messages: list[str]) -> list[str]:
    return [message.split(None, 1)[1] for message in messages if message.startswith("Query")]


def other_connection():
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def test_a_kept_page_is_one_round_trip_without_begin_commit_or_ping(app, world, wire, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600)  # however slow this machine is today
    member = client_for(app, world.member)
    assert member.get(URL).status_code == 200  # the page is made and kept
    wire.clear()
    assert member.get(URL).status_code == 200
    messages = wire()
    assert simple_queries(messages) == [], messages
    assert messages.count("Sync") == 1, messages


def test_a_post_runs_in_one_transaction(app, world, wire):
    member = client_for(app, world.member)
    wire.clear()
    assert member.post("/notifications/read").status_code in (302, 303)
    queries = simple_queries(wire())
    assert queries[0] == '"BEGIN"' and queries[-1] == '"COMMIT"', queries


def test_a_write_in_reading_work_opens_a_transaction_that_rolls_back_whole(app, world):
    name, org_id, other_org_id = world.org.name, world.org.id, world.other_org.id
    db.session.rollback()
    token = database.begin_writing(False)
    try:
        db.session.execute(select(Organization.id)).all()
        assert db.session.connection().connection.dbapi_connection.autocommit  # the read ran on its own
        db.session.execute(update(Organization).where(Organization.id == org_id).values(name="Cits"))
        db.session.execute(update(Organization).where(Organization.id == other_org_id).values(name="Vēl"))
        db.session.rollback()
    finally:
        database.reset_writing(token)
    with other_connection() as other:
        names = {row[0] for row in other.execute("SELECT name FROM organizations")}
    assert name in names and "Cits" not in names and "Vēl" not in names


def test_a_row_lock_taken_in_reading_work_holds_until_its_end(app, world):
    org_id = world.org.id
    db.session.rollback()
    token = database.begin_writing(False)
    try:
        db.session.execute(select(Organization.id).where(Organization.id == org_id).with_for_update()).all()
        with other_connection() as other:
            with pytest.raises(errors.LockNotAvailable):
                other.execute("SELECT id FROM organizations WHERE id = %s FOR UPDATE NOWAIT", (org_id,))
            db.session.rollback()
            assert other.execute("SELECT id FROM organizations WHERE id = %s FOR UPDATE NOWAIT",
                                 (org_id,)).fetchone() == (org_id,)
    finally:
        database.reset_writing(token)


def test_an_advisory_lock_taken_in_reading_work_holds_until_its_end(app):
    db.session.rollback()
    token = database.begin_writing(False)
    try:
        db.session.execute(text("SELECT pg_advisory_xact_lock(1414)"))
        with other_connection() as other:
            assert other.execute("SELECT pg_try_advisory_xact_lock(1414)").fetchone() == (False,)
            db.session.rollback()
            assert other.execute("SELECT pg_try_advisory_xact_lock(1414)").fetchone() == (True,)
    finally:
        database.reset_writing(token)


def test_results_streamed_in_reading_work_come_through_a_cursor_in_a_transaction(app, world):
    every_org = set(db.session.scalars(select(Organization.id)))
    db.session.rollback()
    token = database.begin_writing(False)
    try:
        streamed = db.session.execute(select(Organization.id).execution_options(yield_per=1)).scalars()
        assert set(streamed) == every_org and len(every_org) >= 3
    finally:
        db.session.rollback()
        database.reset_writing(token)


def test_autocommit_asked_for_is_kept(app):
    """VACUUM runs only outside a transaction: the portal's backup restore and the benchmarks ask for one."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM catalogue_versions")


@pytest.mark.parametrize(("statement", "plain"), [
    ("SELECT users.id FROM users WHERE users.id = %(pk)s", True),
    ("  select 1", True),
    ("SELECT id FROM organizations WHERE id = %(id)s FOR UPDATE", False),
    ("SELECT id FROM organizations FOR NO KEY UPDATE SKIP LOCKED", False),
    ("SELECT pg_advisory_xact_lock(%(key)s)", False),
    ("SELECT set_config('app.x', '1', true)", False),
    ("SELECT nextval('organizations_id_seq')", False),
    ("SELECT pg_notify('jobs', '')", False),
    ("WITH moved AS (DELETE FROM jobs RETURNING id) SELECT id FROM moved", False),
    ("UPDATE organizations SET name = %(name)s", False),
])
def test_what_counts_as_a_plain_read(statement, plain):
    assert database._plain_read(statement) is plain


def test_a_connection_dropped_while_idle_is_replaced_before_use(app, world, monkeypatch):
    visitor = app.test_client()
    assert visitor.get("/resources").status_code == 200
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)  # every pooled connection has been idle long
    try:
        with other_connection() as other:
            dropped = other.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
        assert dropped, "the page's connection was in the pool"
        assert visitor.get("/resources?q=projektors").status_code == 200
    finally:
        db.session.remove()
        db.engine.dispose()  # no connection that was dropped stays in the pool for the next test
