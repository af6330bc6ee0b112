"""The migrations build exactly the models' schema, run down and up again, and the engines are tuned."""
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db

from .helpers import fresh_postgres_database, make_config

from portal.database import migration_include_object

# The same options `flask db migrate` uses; the filter leaves out the full-text search structures
# that only the migrations describe (SQLite FTS5 tables, PostgreSQL's search tables; before migration
# catalogue_search_tables its tsvector columns).
COMPARE_OPTIONS = {"compare_type": True, "render_as_batch": True, "include_object": migration_include_object}

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_models_and_migrated_schema_do_not_differ(app, backend):
    # The `app` fixture's database was built by flask_migrate.upgrade(). Nothing is ignored.
    with db.engine.connect() as connection:
        ctx = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], f"models and migrations differ on {backend}: {diff}"


def _fresh_database_url(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    server = request.getfixturevalue("postgres_server_url")
    return fresh_postgres_database(server, f"portal_migration_roundtrip_{os.getpid()}")


def test_downgrade_to_base_and_upgrade_again(backend, tmp_path, request):
    """On SQLite always (as the brief asks); on PostgreSQL as well when that backend runs."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    app = create_app(make_config(_fresh_database_url(backend, tmp_path, request), tmp_path / "data"))
    with app.app_context():
        try:
            model_tables = set(db.metadata.tables)
            upgrade()
            assert model_tables <= set(sa.inspect(db.engine).get_table_names())

            downgrade(revision="base")
            left = set(sa.inspect(db.engine).get_table_names())
            assert left & model_tables == set()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 0

            upgrade()
            assert model_tables <= set(sa.inspect(db.engine).get_table_names())
            with db.engine.connect() as conn:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
            assert versions == [head]

            with db.engine.connect() as connection:
                ctx = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
                assert compare_metadata(ctx, db.metadata) == []
        finally:
            db.engine.dispose()


def test_engine_settings(app, backend):
    if backend == "sqlite":
        assert db.engine.dialect.name == "sqlite"
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    else:
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"


@pytest.mark.one_backend("postgresql")
def test_the_search_tables_are_filled_from_the_catalogue_already_there(backend, tmp_path, request):
    """catalogue_search_tables on a database with entries: each gets its search row, and is found as before."""
    if backend != "postgresql":
        pytest.skip("the search tables are PostgreSQL's (run with --backend postgresql)")
    from portal.resources.models import Need, Resource
    from portal.resources.search import CatalogueQuery, search

    from .factories import make_org, make_resource, make_user

    app = create_app(make_config(_fresh_database_url(backend, tmp_path, request), tmp_path / "data"))
    with app.app_context(), app.test_request_context():
        try:
            upgrade(revision="statistics_no_year_buckets")
            person = make_user(make_org("Vecā biedrība"))
            hall = make_resource(person, title="Konferenču zāle", visibility="public")
            need = make_resource(person, model=Need, title="Vajadzīgs projektors")
            db.session.commit()
            upgrade()
            rows = db.session.execute(sa.text("SELECT id, state, visibility FROM resources_search")).all()
            assert rows == [(hall.id, "active", "public")]
            assert search(Resource, CatalogueQuery(q="zale"), public_only=True).ids == [hall.id]
            assert search(Need, CatalogueQuery(q="projektor"), public_only=False).ids == [need.id]
        finally:
            db.session.remove()
            db.engine.dispose()
