"""The exchange_feedback migration gives an exchange completed before confirmations existed its completer's
account as its one confirmation, so that it reads as every later one does (on both databases)."""
import os
from datetime import date, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db

from .helpers import fresh_postgres_database, make_config


def _filler(column):
    """A value for a NOT NULL column the test does not care about."""
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, (sa.Integer, sa.Numeric)):
        return 0
    if isinstance(kind, sa.DateTime):
        return datetime(2025, 1, 1)
    if isinstance(kind, sa.Date):
        return date(2025, 1, 1)
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def insert(conn, table: str, **values) -> None:
    columns = sa.inspect(conn).get_columns(table)
    row = {c["name"]: _filler(c) for c in columns
           if not c["nullable"] and c["default"] is None and not c.get("autoincrement") is True and c["name"] != "id"}
    row.update(values)
    names = ", ".join(row)
    conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_a_completion_made_before_confirmations_becomes_its_completers_confirmation(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server_url"),
                                      f"portal_feedback_migration_{os.getpid()}")
    app = create_app(make_config(url, tmp_path / "data"))
    with app.app_context():
        try:
            upgrade(revision="report_documents")  # the revision before exchange_feedback
            with db.engine.begin() as conn:
                insert(conn, "organizations", id=1, name="Baltā māja", state="active", registration_number="40008000001")
                insert(conn, "organizations", id=2, name="Sukrums", state="active", registration_number="40008000002")
                insert(conn, "users", id=1, org_id=1, email="b@example.org", role="representative")
                insert(conn, "users", id=2, org_id=2, email="c@example.org", role="member")
                insert(conn, "resources", id=1, org_id=1, kind="intellectual", category="volunteers", title="Brīvprātīgie",
                       value_unit="hour", quantity=5, created_by_id=1)
                insert(conn, "resources", id=2, org_id=1, kind="material", category="premises", title="Zāle",
                       value_unit="day", quantity=40, created_by_id=1)
                common = dict(owner_org_id=1, requester_org_id=2, requested_by_id=2, starts_on=date(2025, 3, 1),
                              ends_on=date(2025, 3, 2), purpose="Pasākums", reason="")
                insert(conn, "exchanges", id=1, resource_id=1, quantity=3, hours=12, state="completed",
                       value_units=10, value_eur=80, feedback="Paldies!", completed_by_id=2,
                       completed_at=datetime(2025, 3, 2, 18), **common)
                insert(conn, "exchanges", id=2, resource_id=2, quantity=20, state="completed", value_units=2,
                       value_eur=160, feedback="", completed_by_id=1, completed_at=datetime(2025, 3, 2, 18), **common)
                insert(conn, "exchanges", id=3, resource_id=2, quantity=1, state="accepted", **common)
            upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(sa.text(
                    "SELECT exchange_id, org_id, given_by_id, outcome, quantity, hours, value_units, value_eur, comment "
                    "FROM exchange_feedback ORDER BY exchange_id")).all()
                counted = conn.execute(sa.text(
                    "SELECT id, feedback_state, used_quantity, used_hours FROM exchanges ORDER BY id")).all()
            # The volunteers were priced by the hour: their completed units are the hours (as the reports counted).
            assert [tuple(r) for r in rows] == [(1, 2, 2, "as_agreed", 3, 10, 10, 80, "Paldies!"),
                                                (2, 1, 1, "as_agreed", 20, None, 2, 160, "")]
            assert [tuple(r) for r in counted] == [(1, "one_side", 3, 10), (2, "one_side", 20, None), (3, "", None, None)]
        finally:
            db.engine.dispose()
