from flask import jsonify, render_template
from sqlalchemy import func, select, text

from ..extensions import db
from ..orgs.models import Organization
from ..orgs.services import member_organizations
from . import bp


@bp.get("/")
def landing():
    return render_template("main/landing.html", members=member_organizations())


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        organizations = db.session.scalar(select(func.count()).select_from(Organization))
    except Exception as exc:  # report, never raise: monitors read this
        db.session.rollback()
        return jsonify(status="error", database={"ok": False, "error": type(exc).__name__}), 503
    return jsonify(
        status="ok",
        database={"ok": True, "engine": db.engine.dialect.name, "revision": revision, "organizations": organizations},
    )
