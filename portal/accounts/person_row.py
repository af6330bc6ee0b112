"""The logged-in person's load on every request, without the ORM's query machinery.

Every page begins by reading the person named by the login cookie, their organization and what other packages
read along (the bell's count, the catalogue's version). Through `Session.execute` that one statement cost a
member's catalogue page about a fifth of its CPU: the ORM's execution, result handling and loading of two
entities. Here the statement is compiled once per kind of database and sent on the driver's cursor, its values
are converted by the columns' own result processors, and the row is made into the session's `User` and
`Organization` as the ORM's loader makes them: persistent in this request's session and unchanged, so that
whatever a view does with `current_user` (read, change, relate, commit) works as for any loaded row. It took a
member's kept catalogue page from 0.71–0.74 of a visitor's speed to 0.84–0.85 in the process
(bench/member_path.py). Nothing is kept between requests: every request reads the row, so a removal, a
suspension, a new session token or a changed organization shows on the very next one.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.instrumentation import manager_of_class

from ..database import PLANNED_ONCE
from .models import User

USER_ID = "user_id"


def _organization_mapper():
    """Organization's mapper, found through User.org (portal.orgs depends on accounts, not the other way)."""
    return User.__mapper__.relationships["org"].mapper


@dataclass(frozen=True)
class PersonStatement:
    """The statement compiled for one dialect: SQL, parameters with a slot for the person, result processors."""

    sql: str
    parameters: tuple | dict
    user_id_slot: int | str
    processors: tuple
    user_keys: tuple[str, ...]
    org_keys: tuple[str, ...]  # the read-along values follow the person's and the organization's columns

    @classmethod
    def compile(cls, dialect, read_along: list) -> "PersonStatement":
        organization = _organization_mapper()
        users, orgs = User.__table__, organization.local_table
        statement = (select(*users.columns, *orgs.columns, *read_along)
                     .select_from(users.join(orgs, orgs.c.id == users.c.org_id))
                     .where(users.c.id == bindparam(USER_ID, type_=users.c.id.type)))
        compiled = statement.compile(dialect=dialect)
        if any(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in compiled.binds.values()):
            raise TypeError("a parameter of the person's statement needs converting: run it through the ORM")
        values = compiled.construct_params({USER_ID: 0})
        if compiled.positional:
            names = list(compiled.positiontup)
            parameters, slot = tuple(values[name] for name in names), names.index(USER_ID)
        else:
            parameters, slot = values, USER_ID
        return cls(
            sql=compiled.string, parameters=parameters, user_id_slot=slot,
            processors=tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                             for column in statement.selected_columns),
            user_keys=tuple(User.__mapper__.get_property_by_column(c).key for c in users.columns),
            org_keys=tuple(organization.get_property_by_column(c).key for c in orgs.columns))

    def parameters_for(self, user_id: int):
        if isinstance(self.parameters, dict):
            return {**self.parameters, USER_ID: user_id}
        parameters = list(self.parameters)
        parameters[self.user_id_slot] = user_id
        return tuple(parameters)

    def read(self, connection, user_id: int):
        """(user values by attribute, organization values by attribute, read-along values), or None."""
        parameters = self.parameters_for(user_id)
        try:
            raw = self._fetch_on_the_cursor(connection, parameters)
        except connection.dialect.loaded_dbapi.Error:
            # Run again the engine's way, which reports the error as it does for every other statement and
            # replaces a connection that died.
            raw = connection.exec_driver_sql(self.sql, parameters, execution_options=PLANNED_ONCE).first()
        if raw is None:
            return None
        row = [value if process is None or value is None else process(value)
               for process, value in zip(self.processors, raw)]
        n_user, n_org = len(self.user_keys), len(self.org_keys)
        return (dict(zip(self.user_keys, row[:n_user])), dict(zip(self.org_keys, row[n_user:n_user + n_org])),
                row[n_user + n_org:])

    def _fetch_on_the_cursor(self, connection, parameters):
        """The row straight from the driver's cursor: the engine's result for 40 columns cost as much as all the
        rest of the person's load. The engine's cursor events are told (statement counts, the rule that opens a
        PostgreSQL transaction at the first write: portal.database), with no execution context."""
        cursor = connection.connection.cursor()
        try:
            events = connection.dispatch
            events.before_cursor_execute(connection, cursor, self.sql, parameters, None, False)
            if connection.dialect.name == "postgresql":
                cursor.execute(self.sql, parameters, prepare=True)  # PLANNED_ONCE, as portal.database does it
            else:
                cursor.execute(self.sql, parameters)
            events.after_cursor_execute(connection, cursor, self.sql, parameters, None, False)
            return cursor.fetchone()
        finally:
            cursor.close()


_compiled: dict[tuple, PersonStatement] = {}


def statement_for(dialect, read_along) -> PersonStatement:
    """The statement for this kind of database, compiled at its first use with the columns `read_along()` gives."""
    key = (dialect.name, dialect.driver, dialect.paramstyle)
    statement = _compiled.get(key)
    if statement is None:
        statement = _compiled[key] = PersonStatement.compile(dialect, read_along())
    return statement


def in_session(session, user_values: dict, org_values: dict) -> User:
    """The session's User (with its organization) for values just read, made as the loader would: persistent and
    unchanged. If the session holds either already, those are used (refreshed by the ORM from the database)."""
    user_key = User.__mapper__.identity_key_from_primary_key((user_values["id"],))
    organization = _organization_mapper()
    org_key = organization.identity_key_from_primary_key((org_values["id"],))
    if user_key in session.identity_map or org_key in session.identity_map:
        return session.get(User, user_values["id"], populate_existing=True)
    org = manager_of_class(organization.class_).new_instance()
    org.__dict__.update(org_values)
    user = manager_of_class(User).new_instance()
    user.__dict__.update(user_values)
    user.__dict__["org"] = org
    make_transient_to_detached(org)
    make_transient_to_detached(user)
    session.add(user)  # and its organization, by the relationship's cascade
    return user
