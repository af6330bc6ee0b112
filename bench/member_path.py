"""A member's kept catalogue page against a visitor's, in the process: CPU per request and SQL statements.

The app is configured as bench/load.py's gunicorn workers are (PORTAL_ENV=production, from the environment),
on the database bench/load.py (or bench/catalogue.py --keep) made. Visitor and member requests alternate in
the same run, so a noisy neighbour slows both alike; kept pages are served from the first round on.

    .venv/bin/python bench/member_path.py [--keep /tmp/portal-bench] [--requests 3000] [--profile member]
"""
import argparse
import cProfile
import gc
import json
import os
import pstats
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import catalogue  # noqa: E402


def app_for(keep: Path, database_url: str | None):
    os.environ.update(PORTAL_ENV="production", SECRET_KEY="bench-member-path",
                      DATABASE_URL=database_url or f"sqlite:///{keep / 'portal.sqlite3'}",
                      PORTAL_DATA_DIR=str(keep / "data-sqlite"), TRUSTED_HOSTS="127.0.0.1,localhost",
                      BASE_URL="http://127.0.0.1", SESSION_COOKIE_SECURE="0", REDIS_URL="", LOG_LEVEL="WARNING")
    from portal import create_app

    return create_app()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=Path("/tmp/portal-bench"))
    parser.add_argument("--database-url", help="default: the SQLite file in --keep")
    parser.add_argument("--requests", type=int, default=3000, help="per audience")
    parser.add_argument("--profile", choices=("member", "visitor"), help="cProfile that audience's requests")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)

    stats = json.loads((args.keep / "bench-sqlite.json").read_text())
    chosen = catalogue.pick_words(stats)
    paths = ["/resources"] + ["/resources?" + urllib.parse.urlencode({"q": w}) for w in
                              chosen["rare"][:3] + chosen["broad"][:3]]
    app = app_for(args.keep, args.database_url)
    from sqlalchemy import event

    from portal.extensions import db

    visitor = app.test_client()
    member = app.test_client()
    catalogue.login(member, stats["member_email"])
    with app.app_context():
        engine = db.engine
    statements = {"n": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_):
        statements["n"] += 1

    clients = {"visitor": visitor, "member": member}
    for path in paths:  # the pages are made and kept
        for name, client in clients.items():
            page = client.get(path)
            assert page.status_code == 200, (name, path, page.status_code)
    assert 'action="/logout"' in member.get("/resources").get_data(as_text=True)
    gc.collect()
    gc.freeze()  # as wsgi.py does

    cpu = {name: 0.0 for name in clients}
    sql = {name: 0 for name in clients}
    cookies_sent = {name: 0 for name in clients}
    profiler = cProfile.Profile() if args.profile else None
    for i in range(args.requests):
        path = paths[i % len(paths)]
        for name, client in clients.items():
            profiling = profiler is not None and name == args.profile
            before_sql = statements["n"]
            if profiling:
                profiler.enable()
            t0 = time.process_time()
            response = client.get(path)
            cpu[name] += time.process_time() - t0
            if profiling:
                profiler.disable()
            sql[name] += statements["n"] - before_sql
            cookies_sent[name] += "Set-Cookie" in response.headers
            if response.status_code != 200:
                raise SystemExit(f"{name} {path}: {response.status_code}")
    n = args.requests
    print(f"{n} kept pages each, {len(paths)} addresses, load average {os.getloadavg()[0]:.1f}")
    for name in clients:
        print(f"  {name:8} {cpu[name] / n * 1000:6.2f} ms CPU a page, {sql[name] / n:4.1f} SQL statements, "
              f"Set-Cookie on {cookies_sent[name]} of {n}")
    print(f"  member / visitor CPU: {cpu['member'] / cpu['visitor']:.2f} "
          f"(visitor / member: {cpu['visitor'] / cpu['member']:.2f})")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
