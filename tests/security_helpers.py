"""Helpers of the tests that make SECURITY.md testable (test_security_csrf.py, _headers, _xss_and_canaries,
_fuzzing, and others that plant hostile text): the matrix's GET and POST rows, a page's text, the database's
state before and after a request, the role a row acts as, and the raw payload that must never appear
unescaped."""
import sqlalchemy as sa

from portal.backup import row_counts
from portal.extensions import db

from .route_matrix import CSRF_EXEMPT, MATRIX
from .route_matrix_roles import Row

GET_ROWS = [row for row in MATRIX if row.method == "GET"]
POST_ROWS = [row for row in MATRIX if row.method == "POST" and row.endpoint not in CSRF_EXEMPT]
NEW_PASSWORD = "Ozols aug Daugavas krastā 42"


def page(response) -> str:
    return response.get_data().decode("utf-8", errors="replace")  # photos are bytes


def snapshot() -> dict:
    """Every row of every table: catches UPDATEs that row counts cannot see."""
    db.session.commit()  # a fresh transaction: SQLite's WAL snapshot would otherwise be stale
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(sa.select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


AUDIT_TABLE = "audit_events"  # appended to by refused GETs (403, another org's 404): checked on its own


def database_state() -> tuple[dict, dict]:
    db.session.commit()
    counts, rows = row_counts(), snapshot()
    counts.pop(AUDIT_TABLE), rows.pop(AUDIT_TABLE)
    # The statistics' pre-counted buckets are kept figures, not data: a GET may count and keep them
    # (portal/reports/rollups.py); what they are counted from must not change.
    for derived in ("statistics_rollups", "statistics_rollup_states"):
        counts.pop(derived), rows.pop(derived)
    return counts, rows


def acting_role(row: Row) -> str:
    """The logged-in role the matrix lets through this route (not refused with 403/404)."""
    for role in ("coordinator", "representative", "member", "other"):
        if row.expected[role] not in (403, 404):
            return role
    raise AssertionError(f"no logged-in role may use {row.id}")


RAW = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
RAW_MARKERS = ("<script>alert(1)", "<img src=x")


def assert_no_raw_payload(html: str, where: str):
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped {marker!r} on {where}"
