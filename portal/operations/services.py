"""Readiness: does each service the portal needs answer, and is the schema the one this code expects?"""
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from .. import paths
from ..extensions import db
from ..jobs.queue import queue_configured, redis_connection
from ..storage import LocalStorage, get_storage

_heads: set[str] | None = None
PROBE_KEY = "readyz/probe"


def migration_heads() -> set[str]:
    """The revisions this code's migrations end in (read once per process)."""
    global _heads
    if _heads is None:
        config = Config()
        config.set_main_option("script_location", str(paths.MIGRATIONS))
        _heads = set(ScriptDirectory.from_config(config).get_heads())
    return _heads


def _failed(exc: Exception) -> dict:
    return {"ok": False, "error": type(exc).__name__}


def database_check() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        revisions = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as exc:  # report, never raise: monitors read this
        db.session.rollback()
        return _failed(exc)
    at_head = revisions == migration_heads()
    return {"ok": at_head, "engine": db.engine.dialect.name, "revision": sorted(revisions), "at_head": at_head}


def redis_check() -> dict:
    if not queue_configured():
        return {"ok": True, "configured": False}
    try:
        redis_connection().ping()
    except Exception as exc:
        return _failed(exc)
    return {"ok": True, "configured": True}


def storage_check() -> dict:
    """The store answers a lookup (of a key that need not exist)."""
    try:
        storage = get_storage()
        if isinstance(storage, LocalStorage) and not storage.root.is_dir():
            raise FileNotFoundError(storage.root)  # a directory not mounted, say
        storage.exists(PROBE_KEY)
    except Exception as exc:
        return _failed(exc)
    return {"ok": True, "kind": "s3" if current_app.config.get("STORAGE_URL", "").startswith("s3://") else "local"}


def readiness() -> dict:
    checks = {"database": database_check(), "redis": redis_check(), "storage": storage_check()}
    return {"ok": all(check["ok"] for check in checks.values()), **checks}
