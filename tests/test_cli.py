"""The `portal` command line: init, demo, create-coordinator, backup, verify-audit, send-mail."""
import email
import email.policy
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.backup import row_counts
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.orgs.models import ACTIVE, Organization

from .helpers import client_for, outbox

DEMO_PASSWORD = "Latgale seminārs 2017!"
DEMO_ORGS = {
    "Intelekta parks", "Baltā māja", "ATTĪSTĪBAI", "Sukrums", "In lingua", "DU Jauno zinātnieku biedrība",
}
LOGIN_LINE = re.compile(r"^\s+(?P<email>\S+@\S+)\s+(?P<org>.+?) — (?P<role>.+)$")


LV_CATALOG = Path(__file__).resolve().parent.parent / "portal" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"


def either_language(msgid: str, **values) -> set[str]:
    """The English text and its Latvian translation: the CLI may speak either, but must say it."""
    with open(LV_CATALOG, "rb") as po:
        catalog = read_po(po)
    texts = {msgid}
    if catalog.get(msgid) is not None and catalog.get(msgid).string:
        texts.add(catalog.get(msgid).string)
    return {text % values if values else text for text in texts}


def says_one_of(output: str, *msgids: str, **values) -> bool:
    return any(text in output for msgid in msgids for text in either_language(msgid, **values))


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def portal(runner, *args):
    return runner.invoke(args=["portal", *args])


def printed_logins(output: str) -> list[dict]:
    return [m.groupdict() for line in output.splitlines() if (m := LOGIN_LINE.match(line))]


def can_log_in(app, email_address: str, password: str) -> bool:
    """Logs in through the real form with a fresh browser, then opens the own account page."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": email_address, "password": password})
    if response.status_code != 302:
        return False
    account = browser.get("/account")
    return account.status_code == 200 and email_address in account.get_data(as_text=True)


@pytest.fixture
def generous_login_limit(app):
    # The demo has eleven logins and /login allows ten POSTs a minute from one address;
    # the rate limit has tests of its own. (The `app` fixture restores the config.)
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def org_names() -> list[str]:
    return db.session.scalars(sa.select(Organization.name)).all()


# ---------------------------------------------------------------- init

def test_init_on_migrated_database_is_idempotent(runner, backend):
    for _ in range(2):
        result = portal(runner, "init")
        assert result.exit_code == 0, result.output
        assert "Database ready:" in result.output
        assert db.engine.url.database in result.output
        assert db.engine.url.get_backend_name() in result.output


# ---------------------------------------------------------------- demo

def test_demo_loads_network_and_every_printed_login_works(app, runner, client, generous_login_limit):
    result = portal(runner, "demo", "--password", DEMO_PASSWORD)
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output

    orgs = db.session.scalars(sa.select(Organization)).all()
    assert {o.name for o in orgs} == DEMO_ORGS
    assert all(o.state == ACTIVE for o in orgs)
    assert [o.name for o in orgs if o.is_coordinating] == ["Intelekta parks"]

    logins = printed_logins(result.output)
    users = db.session.scalars(sa.select(User)).all()
    assert len(logins) == len(users) == 11
    assert {entry["email"] for entry in logins} == {u.email for u in users}
    by_email = {u.email: u for u in users}
    for entry in logins:
        user = by_email[entry["email"]]
        assert entry["org"] == user.org.name
        role = "representative" if user.is_representative else "member"
        assert entry["role"] == (f"coordinator, {role}" if user.is_coordinator else role)
    assert any(entry["role"].startswith("coordinator") for entry in logins)

    # The `client` fixture for the first login, fresh browsers for the others.
    first = logins[0]["email"]
    response = client.post("/login", data={"email": first, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    for entry in logins:
        assert can_log_in(app, entry["email"], DEMO_PASSWORD), entry["email"]
    assert not can_log_in(app, first, DEMO_PASSWORD + "x")


def test_demo_twice_does_not_duplicate(runner):
    first = portal(runner, "demo", "--password", DEMO_PASSWORD)
    assert first.exit_code == 0, first.output
    counts = row_counts()
    second = portal(runner, "demo", "--password", DEMO_PASSWORD)
    assert second.exit_code == 0, second.output
    assert sorted(org_names()) == sorted(DEMO_ORGS)
    again = row_counts()
    assert again["organizations"] == counts["organizations"] == 6
    assert again["users"] == counts["users"] == 11
    assert printed_logins(first.output) == printed_logins(second.output)


def test_demo_without_password_prints_a_working_one(app, runner, generous_login_limit):
    result = portal(runner, "demo")
    assert result.exit_code == 0, result.output
    match = re.search(r"password: (\S+)", result.output)
    assert match, result.output
    password = match.group(1)
    assert len(password) >= 12
    logins = printed_logins(result.output)
    assert len(logins) == 11
    assert can_log_in(app, logins[0]["email"], password)
    assert can_log_in(app, logins[-1]["email"], password)


def test_demo_refuses_short_password(runner):
    result = portal(runner, "demo", "--password", "short1")
    assert result.exit_code != 0
    assert "The demo password is refused" in result.output
    assert says_one_of(result.output, "Use at least %(n)d characters.", n=12), result.output
    db.session.rollback()
    assert org_names() == []


# ---------------------------------------------------------------- create-coordinator

COORDINATOR = ["--email", "Vadītāja@Example.org", "--name", "Vija Vadītāja", "--password", "Dinaburga pils 1275"]


def test_create_coordinator_creates_coordinating_org_and_can_log_in(app, runner, client):
    result = portal(runner, "create-coordinator", *COORDINATOR)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user is not None and user.is_coordinator is True
    assert user.org.is_coordinating is True
    assert user.org.state == ACTIVE
    assert user.org.name == app.config["NETWORK_NAME"]
    assert user.email in result.output and user.org.name in result.output

    response = client.post("/login", data={"email": "vadītāja@example.org", "password": "Dinaburga pils 1275"})
    assert response.status_code == 302
    assert client.get("/coordination/applications").status_code == 200


def test_create_coordinator_joins_existing_coordinating_org(runner):
    assert portal(runner, "demo", "--password", DEMO_PASSWORD).exit_code == 0
    result = portal(runner, "create-coordinator", *COORDINATOR)
    assert result.exit_code == 0, result.output
    coordinating = db.session.scalars(sa.select(Organization).where(Organization.is_coordinating.is_(True))).all()
    assert [o.name for o in coordinating] == ["Intelekta parks"]
    user = db.session.scalar(sa.select(User).where(User.name == "Vija Vadītāja"))
    assert user.is_coordinator and user.org.name == "Intelekta parks"


@pytest.mark.parametrize("password", ["short", "password1234", "aaaaaaaaaaaaaaaa", "vija vadītāja 99"])
def test_create_coordinator_refuses_weak_password(runner, password):
    result = portal(runner, "create-coordinator", "--email", "vija@example.org", "--name", "Vija Vadītāja",
                    "--password", password)
    assert result.exit_code != 0
    assert "Error:" in result.output
    assert says_one_of(
        result.output, "Use at least %(n)d characters.", "This password is too common. Choose a less predictable one.",
        "Do not use your name or e-mail address in the password.", n=12,
    ), result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_coordinator_refuses_duplicate_email(runner):
    assert portal(runner, "create-coordinator", *COORDINATOR).exit_code == 0
    again = ["--email", "vadītāja@example.org", "--name", "Cita Persona", "--password", "Cits garš parole 42"]
    result = portal(runner, "create-coordinator", *again)
    assert result.exit_code != 0
    assert "Error:" in result.output
    assert says_one_of(result.output, "An account with this e-mail address already exists."), result.output
    db.session.rollback()
    users = db.session.scalars(sa.select(User)).all()
    assert [u.name for u in users] == ["Vija Vadītāja"]


# ---------------------------------------------------------------- backup

def _pg_conninfo(url: sa.engine.URL, database: str) -> str:
    return url.set(drivername="postgresql", database=database, password=None).render_as_string(hide_password=False)


def _restored_counts_postgres(dump, tables) -> dict[str, int]:
    url = db.engine.url
    restore_db = f"portal_restore_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{restore_db}"')
        psql = shutil.which("psql")
        assert psql, "psql is not installed"
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = url.password
        subprocess.run(
            [psql, "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "--file", str(dump),
             _pg_conninfo(url, restore_db)],
            check=True, env=env, capture_output=True, text=True,
        )
        restored = sa.create_engine(url.set(database=restore_db))
        try:
            with restored.connect() as conn:
                return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
        finally:
            restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
        admin.dispose()


def database_in(archive: Path, into: Path) -> Path:
    """The database dump inside a backup archive, written to `into`."""
    with tarfile.open(archive) as backup:
        manifest = json.loads(backup.extractfile("manifest.json").read())
        into.write_bytes(backup.extractfile(manifest["database"]).read())
    return into


def test_backup_is_a_complete_consistent_copy(runner, backend, tmp_path):
    assert portal(runner, "demo", "--password", DEMO_PASSWORD).exit_code == 0
    output = tmp_path / "portal.tar.gz"

    result = portal(runner, "backup", "--output", str(output))
    assert result.exit_code == 0, result.output
    assert str(output) in result.output
    assert output.exists() and output.stat().st_size > 0

    live = row_counts()
    db.session.commit()
    assert live["organizations"] == 6 and live["users"] == 11 and live["audit_events"] > 0

    if backend == "sqlite":
        with sqlite3.connect(database_in(output, tmp_path / "portal.sqlite3")) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            restored = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in live}
            version = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        copy.close()
        assert version is not None
    else:
        restored = _restored_counts_postgres(database_in(output, tmp_path / "portal.sql"), list(live))
    assert restored == live


def test_backup_refuses_existing_output(runner, tmp_path):
    output = tmp_path / "already-there.bak"
    output.write_bytes(b"keep me")
    result = portal(runner, "backup", "--output", str(output))
    assert result.exit_code != 0
    assert "exists" in result.output
    assert output.read_bytes() == b"keep me"


# ---------------------------------------------------------------- verify-audit

def test_verify_audit_detects_a_changed_event(runner):
    assert portal(runner, "demo", "--password", DEMO_PASSWORD).exit_code == 0
    intact = portal(runner, "verify-audit")
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output

    ids = db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    assert len(ids) >= 6
    victim = ids[len(ids) // 2]
    db.session.execute(sa.text("UPDATE audit_events SET details = :details WHERE id = :id"),
                       {"details": '{"forged": true}', "id": victim})
    db.session.commit()

    broken = portal(runner, "verify-audit")
    assert broken.exit_code == 1
    assert f"BROKEN at event {victim}." in broken.output


# ---------------------------------------------------------------- send-mail

def test_send_mail_writes_eml_files_without_smtp(app, runner, world, tmp_path):
    app.config["SMTP_HOST"] = ""
    app.config["PORTAL_DATA_DIR"] = str(tmp_path)
    response = client_for(app, world.representative).post(
        f"/orgs/{world.org.id}/people/invite",
        data={"name": "Anna Liepa", "email": "anna.liepa@example.org", "role": "member"})
    assert response.status_code == 302
    [message] = outbox()
    assert message.sent_at is None

    result = portal(runner, "send-mail")
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output

    eml = tmp_path / "outbox" / f"{message.id:08d}.eml"
    assert eml.exists()
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "anna.liepa@example.org"
    assert parsed["Subject"] == message.subject
    assert parsed["From"] == app.config["MAIL_FROM"]
    assert "/invitation/" in parsed.get_body(("plain",)).get_content()

    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 1

    again = portal(runner, "send-mail")
    assert again.exit_code == 0
    assert "sent 0, failed 0" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
