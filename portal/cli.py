"""The `portal` command: `portal init`, `portal demo`, … (also `flask --app wsgi portal …`)."""
import secrets
import shutil
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

    from .certificates.revocation import current_crl, revoke_after_ca_change
    from .certificates.services import ensure_authority
    from .certificates.timestamps import ensure_tsa_certificate

    upgrade()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    authority = ensure_authority()
    source = "configured files" if not authority.encrypted_key_pem else "stored encrypted in the database"
    fingerprint = authority.fingerprint
    revoke_after_ca_change()  # a newly configured CA: what the old one issued is revoked
    ensure_tsa_certificate()  # the network's own time-stamping authority, used while no TSA_URL is set
    current_crl()
    db.session.commit()  # last: reading the row after it would open a new (write) transaction on SQLite
    click.echo(f"Network CA ready ({source}), SHA-256 fingerprint {fingerprint}")


@portal_group.command("daily")
def daily_command():
    """The daily duties now: expiry by end date, reminders to sign, review reminders, the CRL, archival
    time-stamps, missing completion certificates (`portal worker` runs them every day by itself)."""
    from .agreements.schedule import run_daily
    from .audit.checkpoints import make_checkpoint
    from .certificates.services import network_signer
    from .exchanges.confirmations import close_due

    result = run_daily()
    closed = close_due()
    checkpoint = make_checkpoint(network_signer())
    db.session.commit()
    click.echo(f"expired {result['expired']}, sign reminders {result['sign_reminders']}, "
               f"review reminders {result['review_reminders']}, "
               f"CRL {'published' if result['crl_published'] else 'current'}, "
               f"documents time-stamped {result['archived']}, "
               f"completion certificates {result['completion_certificates']}, confirmations closed {closed}, "
               f"audit checkpoint "
               f"{checkpoint.last_event_id if checkpoint else '—'}")


@portal_group.command("worker")
@click.option("--burst", is_flag=True, help="Do what is queued, then stop (no scheduler).")
def worker_command(burst):
    """Run the background worker: jobs from the queue on Redis (REDIS_URL), and the scheduler of the periodic
    ones (the outbox sweep, the daily duties). Stop it with SIGTERM: it finishes the job in hand."""
    from .jobs import worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis there is no queue (jobs run inside the "
                                   "app servers, mail retries with `portal send-mail --loop`).")
    worker.run(current_app._get_current_object(), burst=burst)


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
    """Deliver the e-mails due in the outbox now (failed ones are retried later; a message that can never be
    sent is marked failed and shown to the coordinators). Exits 1 when some failed in this run."""
    import time

    from .mail.delivery import deliver_due

    while True:
        sent, failed = deliver_due()
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            sys.exit(1 if failed else 0)
        time.sleep(interval)


@portal_group.command("send-digests")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
def send_digests_command(frequency):
    """Queue the daily summaries of the mails people chose to get that way (run it once a day), or with
    --frequency weekly the weekly mails due in this hour, each person's on their own day and hour (run it
    every hour when no worker runs it; twice in an hour sends nothing twice); `send-mail` delivers them."""
    from .mail.digests import send_digests

    queued = send_digests(frequency)
    db.session.commit()
    click.echo(f"{queued} {frequency} digests queued")


@portal_group.command("backup")
@click.option("--output", type=click.Path(path_type=Path),
              help="Write the archive to this file instead of the file store's backups/.")
def backup_command(output):
    """One archive of the database (VACUUM INTO for SQLite, pg_dump for PostgreSQL) and every stored file, in
    the file store's backups/ (the data directory, or STORAGE_URL)."""
    from .backup import backup_key, store_backup, write_archive
    from .storage import get_storage

    scratch = Path(current_app.config["PORTAL_DATA_DIR"])
    try:
        if output is not None:
            manifest = write_archive(output, get_storage(), scratch)
            location = f"{output} ({manifest['files']} files)"
        else:
            location = store_backup(get_storage(), backup_key(datetime.now()), scratch)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(str(getattr(exc, "stderr", "") or exc)) from exc
    click.echo(f"Backup written: {location}")


@portal_group.command("restore")
@click.argument("backup")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup, yes):
    """Bring back the database and the stored files of BACKUP: a file, or a key in the file store
    (backups/portal-….tar.gz). Stop the app servers and workers first: the database is replaced."""
    import tempfile

    from .backup import restore
    from .storage import get_storage

    storage = get_storage()
    scratch = Path(current_app.config["PORTAL_DATA_DIR"])
    if not yes:
        click.confirm(f"Replace the database {db.engine.url.render_as_string(hide_password=True)} and put back "
                      f"the stored files of {backup}?", abort=True)
    try:
        if Path(backup).is_file():
            restored = restore(Path(backup), storage, scratch)
        else:
            with tempfile.NamedTemporaryFile(prefix=".restore-", suffix=".tar.gz", dir=scratch) as local:
                with storage.open(backup) as stream:
                    shutil.copyfileobj(stream, local, 1024 * 1024)
                local.flush()
                restored = restore(Path(local.name), storage, scratch)
    except FileNotFoundError:
        raise click.ClickException(f"no backup {backup} (neither a file here nor a key in the file store)") from None
    except (RuntimeError, ValueError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(str(getattr(exc, "stderr", "") or exc)) from exc
    click.echo(f"Restored the {restored.database} database of {restored.manifest['created']} "
               f"(revision {restored.manifest['revision']}) and {restored.files} files.")


@portal_group.command("collect-static")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def collect_static_command(target):
    """Copy the static files to TARGET, for the web server to serve (deploy/nginx-portal.conf)."""

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

