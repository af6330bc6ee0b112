"""The `portal` command: `portal init`, `portal demo`, … (also `flask --app wsgi portal …`)."""
import secrets
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from .extensions import db

portal_group = AppGroup("portal", help="Manage the partnership portal.")


@portal_group.command("init")
def init_command():
    """Create or upgrade the database schema (Alembic migrations) and make or load the network CA."""
    from flask_migrate import upgrade

    from .certificates.services import ensure_authority

    upgrade()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    authority = ensure_authority()
    source = "configured files" if not authority.encrypted_key_pem else "stored encrypted in the database"
    fingerprint = authority.fingerprint
    db.session.commit()  # last: reading the row after it would open a new (write) transaction on SQLite
    click.echo(f"Network CA ready ({source}), SHA-256 fingerprint {fingerprint}")


@portal_group.command("daily")
def daily_command():
    """The daily agreement jobs: expiry by end date, reminders to sign, review reminders (run from cron)."""
    from .agreements.schedule import run_daily
    from .audit.checkpoints import make_checkpoint
    from .certificates.services import network_signer

    result = run_daily()
    checkpoint = make_checkpoint(network_signer())
    db.session.commit()
    click.echo(f"expired {result['expired']}, sign reminders {result['sign_reminders']}, "
               f"review reminders {result['review_reminders']}, audit checkpoint "
               f"{checkpoint.last_event_id if checkpoint else '—'}")


@portal_group.command("demo")
@click.option("--password", help="Password for every demo login (made up and printed when omitted).")
def demo_command(password):
    """Load the demo network of the 2017 Latgale seminar and print its logins."""
    from .demo import load_demo_network

    password = password or f"demo-{secrets.token_urlsafe(9)}"
    try:
        logins = load_demo_network(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Demo network loaded. Every demo login uses the password: {password}\n")
    width = max(len(login.email) for login in logins)
    for login in logins:
        click.echo(f"  {login.email:<{width}}  {login.org_name} — {login.role}")


@portal_group.command("create-coordinator")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--org", "org_name", default=None, help="Coordinating organization (created if the network has none).")
def create_coordinator_command(email, name, password, org_name):
    """Create a network coordinator (the first one comes from here)."""
    from .accounts.services import create_coordinator
    from .errors import RuleViolation
    from .orgs.services import coordinating_org

    try:
        user = create_coordinator(email, name, password, coordinating_org(org_name))
    except RuleViolation as refused:
        db.session.rollback()
        raise click.ClickException(str(refused.message)) from None
    db.session.commit()
    click.echo(f"Coordinator {user.email} created in {user.org.name}.")


@portal_group.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, sending every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
def send_mail_command(loop, interval):
    """Deliver the e-mails waiting in the outbox (failed ones are retried later)."""
    import time

    from .mail.services import deliver_pending

    while True:
        sent, failed = deliver_pending()
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            sys.exit(1 if failed else 0)
        time.sleep(interval)


@portal_group.command("send-digests")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
def send_digests_command(frequency):
    """Queue the daily (or weekly) summaries of the mails people chose to get that way (run it once a day,
    and once a week with --frequency weekly); `send-mail` delivers them."""
    from .mail.digests import send_digests

    queued = send_digests(frequency)
    db.session.commit()
    click.echo(f"{queued} {frequency} digests queued")


@portal_group.command("backup")
@click.option("--output", type=click.Path(path_type=Path),
              help="Write to this file instead of the file store's backups/ (the data directory or STORAGE_URL).")
def backup_command(output):
    """A consistent copy of the database (VACUUM INTO for SQLite, pg_dump for PostgreSQL), in the file store."""
    from .backup import backup_database, backup_key, store_backup
    from .storage import get_storage

    try:
        if output is not None:
            location = backup_database(output)
        else:
            key = backup_key(db.engine.dialect.name, datetime.now())
            location = store_backup(get_storage(), key, Path(current_app.config["PORTAL_DATA_DIR"]))
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written: {location}")


@portal_group.command("collect-static")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def collect_static_command(target):
    """Copy the static files to TARGET, for the web server to serve (deploy/nginx-portal.conf)."""
    import shutil

    from .paths import STATIC

    shutil.copytree(STATIC, target, dirs_exist_ok=True)
    count = sum(1 for path in STATIC.rglob("*") if path.is_file())
    click.echo(f"{count} static files copied to {target}")


@portal_group.command("verify-audit")
def verify_audit_command():
    """Check the audit chain and its signed checkpoints; exits 1 if an event was changed or removed."""
    from .coordination.services import audit_integrity

    result = audit_integrity()
    if not result.chain.intact:
        click.echo(f"Audit chain BROKEN at event {result.chain.first_broken_id}.", err=True)
        sys.exit(1)
    if not result.checkpoints.intact:
        click.echo(f"Audit checkpoint {result.checkpoints.checkpoint_id}: {result.checkpoints.problem}.", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact ({result.chain.events_checked} events, "
               f"{result.checkpoints.checked} checkpoints).")


def main():
    from . import create_app

    portal_group.main(obj=ScriptInfo(create_app=create_app), prog_name="portal")

