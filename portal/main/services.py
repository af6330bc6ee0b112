"""What the landing page and the health check read."""
from sqlalchemy import func, select, text

from ..extensions import db
from ..orgs.models import Organization


def database_health() -> dict:
    """The database's engine, migration revision and size; {"ok": False, …} when it does not answer."""
    try:
        db.session.execute(text("SELECT 1"))
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        organizations = db.session.scalar(select(func.count()).select_from(Organization))
    except Exception as exc:  # report, never raise: monitors read this
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "engine": db.engine.dialect.name, "revision": revision, "organizations": organizations}
