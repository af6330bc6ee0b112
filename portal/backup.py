"""Backups of the whole portal, and bringing one back.

A backup is one archive (`backups/portal-<date>-<time>.tar.gz` in the file store, or a file of your choice):
a consistent copy of the database (`VACUUM INTO` for SQLite, never a copy of a live file; `pg_dump` for
PostgreSQL) as `database.sqlite3` / `database.sql`, every stored file (photos…; not older backups) under
`files/<key>`, and `manifest.json` saying what it holds. `restore` puts the database back as it was (the
services stopped) and every file of the archive back into the store.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from .extensions import db
from .storage import checked_key

BACKUPS = "backups/"
MANIFEST = "manifest.json"
FILES = "files/"


def _database_name(dialect: str) -> str:
    return "database.sqlite3" if dialect == "sqlite" else "database.sql"


def _pg(url) -> tuple[str, dict]:
    """The libpq connection string of the engine's database (its password in the environment, not argv)."""
    url = url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def backup_database(output: Path) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise RuntimeError(f"{output} exists already")
    engine = db.engine
    if engine.dialect.name == "sqlite":
        # VACUUM cannot run inside a transaction, so not through SQLAlchemy's connection.
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("VACUUM INTO ?", (str(output),))
        finally:
            raw.close()
        return output
    if engine.dialect.name == "postgresql":
        conninfo, env = _pg(engine.url)
        subprocess.run([_tool("pg_dump"), "--no-owner", "--no-privileges", "--file", str(output), conninfo],
                       check=True, env=env, capture_output=True, text=True)
        return output
    raise RuntimeError(f"no backup method for {engine.dialect.name}")


def backup_key(now: datetime) -> str:
    return f"{BACKUPS}portal-{now:%Y%m%d-%H%M%S}.tar.gz"


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def write_archive(output: Path, storage, scratch_dir: Path) -> dict:
    """The database and every stored file (but the backups) into one .tar.gz; returns its manifest."""
    output = Path(output)
    if output.exists():
        raise RuntimeError(f"{output} exists already")
    Path(scratch_dir).mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    keys = [key for key in storage.list("") if not key.startswith(BACKUPS)]
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=scratch_dir) as scratch:
        dump = backup_database(Path(scratch) / _database_name(dialect))
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.rollback()
        manifest = {"format": 1, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "dialect": dialect, "revision": revision, "database": dump.name, "files": len(keys)}
        with tarfile.open(output, "x:gz", compresslevel=6) as archive:
            _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            archive.add(dump, arcname=dump.name)
            for key in keys:
                _add(archive, FILES + key, storage.get(key))
    return manifest


def store_backup(storage, key: str, scratch_dir: Path) -> str:
    """Writes the archive to a scratch file and puts it in the store under key; returns where it is."""
    if storage.exists(key):
        raise RuntimeError(f"{storage.location(key)} exists already")
    Path(scratch_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=scratch_dir) as scratch:
        archive = Path(scratch) / Path(key).name
        write_archive(archive, storage, scratch_dir)
        with archive.open("rb") as stream:
            storage.put(key, stream)
    return storage.location(key)


# ---------------------------------------------------------------- restore

@dataclass
class Restored:
    database: str
    files: int
    manifest: dict


def _members(archive: tarfile.TarFile):
    """The archive's regular files, each name checked (nothing outside what a backup holds)."""
    for member in archive.getmembers():
        if not member.isfile():
            continue
        name = member.name
        if name == MANIFEST or name in ("database.sqlite3", "database.sql"):
            yield name, member
        elif name.startswith(FILES):
            yield FILES + checked_key(name[len(FILES):]), member
        else:
            raise RuntimeError(f"not a portal backup: unexpected {name!r}")


def restore(source: Path, storage, scratch_dir: Path) -> Restored:
    """Puts back the database and the files of the archive at `source` (a local file). Stop the app servers
    and workers first: the database is replaced as a whole."""
    Path(scratch_dir).mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:*") as archive, \
            tempfile.TemporaryDirectory(prefix=".restore-", dir=scratch_dir) as scratch:
        members = dict(_members(archive))
        if MANIFEST not in members:
            raise RuntimeError("not a portal backup: no manifest.json")
        manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
        dialect = db.engine.dialect.name
        if manifest["dialect"] != dialect:
            raise RuntimeError(f"this backup is of a {manifest['dialect']} database; the portal runs on {dialect}")
        dump = Path(scratch) / manifest["database"]
        with archive.extractfile(members[manifest["database"]]) as stream, dump.open("wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        restore_database(dump)
        files = 0
        for name, member in members.items():
            if name.startswith(FILES):
                with archive.extractfile(member) as stream:
                    storage.put(name[len(FILES):], stream)
                files += 1
    return Restored(database=dialect, files=files, manifest=manifest)


def restore_database(dump: Path) -> None:
    """Replaces the database with the dump (a SQLite file, or pg_dump's SQL)."""
    db.session.remove()
    engine = db.engine
    engine.dispose()
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(engine.url.database)
        try:
            source.backup(target)  # page by page, through SQLite itself (the WAL included)
        finally:
            target.close()
            source.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        conninfo, env = _pg(engine.url)
        subprocess.run([_tool("psql"), "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "--file", str(dump),
                        conninfo], check=True, env=env, capture_output=True, text=True)
    else:
        raise RuntimeError(f"no restore method for {engine.dialect.name}")
    engine.dispose()


def row_counts() -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
    return counts
