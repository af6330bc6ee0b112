"""Consistent database backups (never a plain copy of a live SQLite file)."""
import os
import shutil
import subprocess
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


def row_counts() -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
    return counts
