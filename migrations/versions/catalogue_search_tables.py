"""catalogue search tables (PostgreSQL): each entry's words, facets, state and visibility in a narrow table of
their own, kept by a trigger, instead of one tsvector of words and facets in the wide catalogue rows

Revision ID: catalogue_search_tables
Revises: statistics_no_year_buckets
Create Date: 2026-12-02 05:00:00
"""
from alembic import op


revision = 'catalogue_search_tables'
down_revision = 'statistics_no_year_buckets'
branch_labels = None
depends_on = None

SEARCHED_TABLES = ('resources', 'needs')
WORDS = ("setweight(to_tsvector('simple', {0}.search_title), 'A') || "
         "setweight(to_tsvector('simple', {0}.search_body), 'B')")
FACETS = "to_tsvector('simple', {0}.search_facets)"


def create_search_table(table: str) -> None:
    # Words and facets apart: a query without weight labels is answered by the GIN index without a recheck. State and
    # visibility are columns too, so that a visitor's newest matches are walked in the order of a B-tree index; the
    # rows are narrow (about ten to an 8 kB page, the catalogue's five).
    op.execute(f"""CREATE TABLE {table}_search (
        id integer PRIMARY KEY REFERENCES {table} (id) ON DELETE CASCADE,
        words tsvector NOT NULL, facets tsvector NOT NULL, state text NOT NULL, visibility text NOT NULL)""")
    # SET search_path FROM CURRENT: the trigger finds its table even for a writer with another search_path
    # (a data-only pg_dump sets it empty).
    op.execute(f"""CREATE FUNCTION {table}_search_sync() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            INSERT INTO {table}_search (id, words, facets, state, visibility)
            VALUES (NEW.id, {WORDS.format('NEW')}, {FACETS.format('NEW')}, NEW.state, NEW.visibility)
            ON CONFLICT (id) DO UPDATE SET words = EXCLUDED.words, facets = EXCLUDED.facets,
                state = EXCLUDED.state, visibility = EXCLUDED.visibility;
            RETURN NULL;
        END $$""")
    op.execute(f"CREATE TRIGGER {table}_search_sync AFTER INSERT OR UPDATE OF search_title, search_body, "
               f"search_facets, state, visibility ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_sync()")
    op.execute(f"INSERT INTO {table}_search (id, words, facets, state, visibility) "
               f"SELECT id, {WORDS.format(table)}, {FACETS.format(table)}, state, visibility FROM {table}")
    op.execute(f"CREATE INDEX ix_{table}_search_words ON {table}_search USING gin (words, facets)")
    op.execute(f"CREATE INDEX ix_{table}_search_listing ON {table}_search (state, visibility, id)")
    op.execute(f"ANALYZE {table}_search")


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite searches its FTS5 tables (0002_catalogue)
    for table in SEARCHED_TABLES:
        create_search_table(table)
        op.execute(f"DROP INDEX ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in SEARCHED_TABLES:
        op.execute(f"DROP TABLE {table}_search")
        op.execute(f"DROP TRIGGER {table}_search_sync ON {table}")
        op.execute(f"DROP FUNCTION {table}_search_sync()")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', search_title), 'A') || "
            "setweight(to_tsvector('simple', search_body), 'B') || "
            "setweight(to_tsvector('simple', search_facets), 'D')) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")
