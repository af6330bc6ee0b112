"""bench/load.py's floor: what this machine serves for a full-text search with nothing else around it. A bare
Flask app (floor_app.py, written next to the data) over sqlite3 FTS5 (`unicode61 remove_diacritics 2`) on the
portal's resources' title and description, `ORDER BY rank LIMIT 20`, a 10-line Jinja template, no ORM, no
session, no layout."""
import sqlite3
from pathlib import Path

import sqlalchemy as sa

FLOOR_APP = '''"""The floor: what this machine serves for a full-text search with nothing else around it."""
import sqlite3, threading
from flask import Flask, request
from jinja2 import Template

app = Flask(__name__)
DB = {db!r}
PAGE = Template("""<!doctype html><html lang="lv"><head><meta charset="utf-8"><title>{{{{ q }}}}</title></head>
<body><h1>{{{{ q }}}}</h1>
{{% for title, text in rows %}}<article><h2>{{{{ title }}}}</h2>
<p>{{{{ text }}}}</p></article>
{{% else %}}<p>Nekas nav atrasts.</p>{{% endfor %}}
</body></html>""")
local = threading.local()


def connection():
    if not hasattr(local, "db"):
        local.db = sqlite3.connect(DB, check_same_thread=False)
    return local.db


@app.get("/search")
def search():
    q = request.args.get("q", "")
    match = " ".join('"' + w.replace('"', "") + '"' for w in q.split()) or '""'
    rows = connection().execute(
        "SELECT title, substr(body, 1, 200) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20", (match,)).fetchall()
    return PAGE.render(q=q, rows=rows)
'''


def floor_database(portal_url: str, workdir: Path, resources: int) -> Path:
    path = workdir / "floor.sqlite3"
    if path.exists():
        with sqlite3.connect(path) as conn:
            if conn.execute("SELECT count(*) FROM docs").fetchone()[0] == resources:
                return path
        path.unlink()
    engine = sa.create_engine(portal_url)
    with sqlite3.connect(path) as out, engine.connect() as conn:
        out.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
        rows = conn.exec_driver_sql("SELECT id, title, description FROM resources ORDER BY id")
        while batch := rows.fetchmany(5000):
            out.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", [tuple(r) for r in batch])
    engine.dispose()
    return path


def write_floor_app(floor_db: Path, workdir: Path) -> None:
    (workdir / "floor_app.py").write_text(FLOOR_APP.format(db=str(floor_db)))
