"""Consistent database backups (never a plain copy of a live SQLite file), kept in the file store."""
import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from .extensions import db


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
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise RuntimeError("pg_dump is not installed")
        url = engine.url.set(drivername="postgresql")
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = url.password
        conninfo = url.set(password=None).render_as_string(hide_password=False)
        subprocess.run(
            [pg_dump, "--no-owner", "--no-privileges", "--file", str(output), conninfo],
            check=True, env=env, capture_output=True, text=True,
        )
        return output
    raise RuntimeError(f"no backup method for {engine.dialect.name}")


def backup_key(dialect: str, now: datetime) -> str:
    suffix = ".sqlite3" if dialect == "sqlite" else ".sql"
    return f"backups/portal-{now:%Y%m%d-%H%M%S}{suffix}"


def store_backup(storage, key: str, scratch_dir: Path) -> str:
    """Dumps the database to a scratch file and puts it in the store under key; returns where it is."""
    if storage.exists(key):
        raise RuntimeError(f"{storage.location(key)} exists already")
    Path(scratch_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=scratch_dir) as scratch:
        dump = backup_database(Path(scratch) / Path(key).name)
        with dump.open("rb") as stream:
            storage.put(key, stream)
    return storage.location(key)


def row_counts() -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
    return counts
