"""Engine tuning and the compare-and-set helper every state transition uses.

PostgreSQL: each statement is planned for its own values (a search for its own words), except the few
marked PLANNED_ONCE, the primary-key reads every page makes, which are prepared once per connection. Work
that does not write (a GET) reads without BEGIN and COMMIT, and a pooled connection is pinged only after it
sat idle (`tune_postgresql`): a kept page is one round trip to the server.

SQLite: WAL, foreign keys, a busy timeout, and write transactions that start with
BEGIN IMMEDIATE (a deferred BEGIN lets two writers both read, then one fails with
"database is locked" when it tries to write). Whoever runs the work says whether it
writes (`begin_writing`): the web layer for each request, jobs and commands keep the
safe default, IMMEDIATE.
"""
import re
import sqlite3
import sys
import time
from contextvars import ContextVar
from datetime import datetime, timezone
from functools import lru_cache

from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import DateTime, Engine, event, update
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator

from .extensions import db

_writing: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=True)

# Execution options of a statement whose best plan does not depend on its values: a read by primary key that
# every page makes. PostgreSQL then plans it once per connection (a server-side prepared statement) instead
# of on every run; planning was most of its cost (0.65 → 0.22 ms for the logged-in person and their
# organization). Never for a search or a filter: their plan depends on how many rows the values match.
PLANNED_ONCE = {"planned_once": True}


class StateConflict(Exception):
    """Raised when a compare-and-set finds the row no longer in the expected state."""


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, _record):
    """No server-side prepared statements unless asked for (PLANNED_ONCE); by default psycopg prepares a
    statement on its sixth run. PostgreSQL may then plan it once for any parameters (a generic plan): a
    catalogue search for a broad word went from ~25 to ~200 ms that way, as the plan no longer knows how many
    rows the words match. (psycopg ignores `prepare=True` when its threshold is None: hence one never reached.)

    No JIT compilation either: a statement whose estimated cost passes `jit_above_cost` (the statistics' "needs
    never answered", estimated high for its per-row subplans) spent 60–70 ms compiling for a 35 ms run."""
    if hasattr(dbapi_connection, "prepare_threshold"):
        dbapi_connection.prepare_threshold = sys.maxsize
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


@event.listens_for(Engine, "do_execute")
def _execute_planned_once(cursor, statement, parameters, context):
    if context.dialect.name == "postgresql" and context.execution_options.get("planned_once"):
        cursor.execute(statement, parameters, prepare=True)
        return True
    return False


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


def tune_postgresql(engine) -> None:
    """The portal's own PostgreSQL engine: reads outside a transaction, a ping only after idle."""
    if engine.dialect.name != "postgresql":
        return
    _reads_without_a_transaction(engine)
    _ping_after_idle(engine)


def _reads_without_a_transaction(engine) -> None:
    """Work that does not write (`begin_writing(False)`: a GET) runs its reads in autocommit, without the
    BEGIN and COMMIT round trips; the first statement that is not a plain read opens a transaction (psycopg
    sends BEGIN before it), which then runs to the commit or rollback as usual. At READ COMMITTED, the
    portal's level, each statement sees its own snapshot inside a transaction too, so the reads see the same."""

    @event.listens_for(engine, "begin")
    def _begin(conn):
        dbapi_connection = conn.connection.dbapi_connection
        if not _autocommit_asked(conn) and dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
            dbapi_connection.autocommit = not _writing.get()

    @event.listens_for(engine, "before_cursor_execute")
    def _transaction_from_the_first_write(conn, cursor, statement, _parameters, _context, _executemany):
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection.autocommit and not _autocommit_asked(conn) and (
                isinstance(cursor, ServerCursor) or not _plain_read(statement)):
            dbapi_connection.autocommit = False  # a server-side cursor (streamed results) lives in a transaction


def _autocommit_asked(conn) -> bool:
    return conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


_NEEDS_A_TRANSACTION = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|pg_advisory|set_config|nextval|setval|pg_notify",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _plain_read(statement: str) -> bool:
    """A SELECT that neither locks, changes settings or sequences, nor notifies: it may run on its own."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _NEEDS_A_TRANSACTION.search(statement)


PING_AFTER_IDLE_SECONDS = 1.0


def _ping_after_idle(engine) -> None:
    """Check a pooled connection is alive before use only when it has been idle for a while.

    SQLAlchemy's pool_pre_ping pings on every checkout: one more round trip per request, and under load
    connections are rarely idle long enough for the server or a proxy to have dropped them. A dead connection
    found by the ping is replaced (the pool retries the checkout)."""

    @event.listens_for(engine, "checkin")
    def _note_checkin(dbapi_connection, record):
        if dbapi_connection is not None:
            record.info["portal_checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        checked_in_at = record.info.get("portal_checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError("the connection was closed while idle in the pool") from error
            raise


def ends_the_transaction(session) -> bool:
    """For the Session's commit and rollback hooks: the ORM reports a savepoint's release or rollback as a commit
    or rollback too (every rule runs in one: portal.transaction.attempt), but only the outermost one ends the
    transaction. Work for after the commit must wait for it; what a rolled-back rule undid is redone harmlessly."""
    return not session.in_nested_transaction()


def begins_writing() -> bool:
    """Whether transactions started here take SQLite's write lock at BEGIN (and, on PostgreSQL, begin at once)."""
    return _writing.get()


def begin_writing(writes: bool):
    """Whether the transactions started from here on (in this context) take SQLite's write lock at once and,
    on PostgreSQL, begin at once (else at their first statement that is not a plain read); returns a token for
    `reset_writing`."""
    return _writing.set(writes)


def reset_writing(token) -> None:
    _writing.reset(token)


def compare_and_set(model, object_id: int, expected_state, **values) -> None:
    """UPDATE model SET values WHERE id = object_id AND state IN expected_state.

    Exactly one row changes, or StateConflict is raised: two people acting on the
    same object at once leave one winner.
    """
    expected = (expected_state,) if isinstance(expected_state, str) else tuple(expected_state)
    result = db.session.execute(
        update(model)
        .where(model.id == object_id, model.state.in_(expected))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise StateConflict(model.__name__, object_id)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTCDateTime column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def render_migration_type(type_, obj, autogen_context):
    """Alembic: write UTCDateTime into migrations as the plain column type it is."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def migration_include_object(obj, name, type_, reflected, compare_to):
    """Alembic autogenerate: leave alone the search structures the models do not describe
    (SQLite's FTS5 tables and PostgreSQL's search tables; the tsvector columns and their indexes are those of the
    migrations before catalogue_search_tables)."""
    if type_ == "table" and name and ("_fts" in name or name in ("resources_search", "needs_search")):
        return False
    if type_ in ("column", "index") and name and ("search_vector" in name or name.endswith("_search")):
        return False
    return True
