"""Catalogue benchmark: generate a network, then time search and listing through the app.

    .venv/bin/python bench/catalogue.py                      # 2,000 orgs, 100,000 resources, SQLite
    .venv/bin/python bench/catalogue.py --orgs 200 --resources 10000 --runs 50
    .venv/bin/python bench/catalogue.py --database both      # SQLite, then PostgreSQL
    .venv/bin/python bench/catalogue.py --keep /tmp/bench    # keep (and reuse) the SQLite database

The data (bench/catalogue_data.py) is bulk-inserted (SQLAlchemy Core executemany) with the same
derived columns the services keep (services.refresh_search_fields on lightweight objects): folded
title and body, facets and the Latvian sort key; the FTS5 index is filled by the migration's
triggers, the PostgreSQL tsvector is a generated column. Text comes from a Latvian vocabulary
(bench/catalogue_vocabulary.py) with a Zipf-like frequency (a few words occur in most resources, a
tail of specific words in very few).

Every request goes through the Flask test client as a visitor or a logged-in member; each
scenario is warmed up, then timed `--runs` times (perf_counter around client.get), with the SQL
statements of each request counted (before_cursor_execute). The catalogue pages kept rendered
(portal/resources/pages.py) are forgotten before every timed request, so the figures are those of
a search and its page being made; bench/load.py measures the kept pages under load. Target: p95 <= 50 ms for listing
and search on SQLite at 100,000 resources (on a 2-core machine).

The scenarios and the query words picked from the data are in bench/catalogue_scenarios.py, the
databases (the app's configuration, the kept PostgreSQL database) in catalogue_databases.py; this
module times and reports, and is what the other benchmarks import (`import catalogue`:
catalogue.generate, catalogue.login, catalogue.pick_words, catalogue.PG_DATABASE, …).
"""
import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

# Also the benchmark's public names (bench/load.py, loadgen.py, member_path.py, network_statistics.py use them
# as catalogue.generate, catalogue.BATCH, catalogue.PG_DATABASE, …).
from bench.catalogue_data import BATCH, PASSWORD, _batched, database_size, generate  # noqa: E402,F401
from bench.catalogue_databases import (  # noqa: E402
    PG_DATABASE, _pg_version, _sqlite_version, fresh_postgres_database, make_config, postgres_has)
from bench.catalogue_scenarios import login, pick_words, result_count, scenarios  # noqa: E402

TARGET_MS = 50.0


def percentile(sorted_values: list[float], p: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def measure(app, db, stats: dict, runs: int, warmup: int = 5) -> tuple[list[dict], list[str]]:
    from sqlalchemy import event

    from portal.resources import pages as kept_pages

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_):
        counter["n"] += 1

    sql = {"ms": 0.0, "t0": 0.0}

    def sql_start(*_):
        sql["t0"] = time.perf_counter()

    def sql_end(*_):
        sql["ms"] += (time.perf_counter() - sql["t0"]) * 1000

    pauses = {"ms": 0.0, "t0": 0.0}

    def gc_callback(phase, _info):
        if phase == "start":
            pauses["t0"] = time.perf_counter()
        else:
            pauses["ms"] += (time.perf_counter() - pauses["t0"]) * 1000

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "before_cursor_execute", sql_start)
    event.listen(engine, "after_cursor_execute", sql_end)
    gc.callbacks.append(gc_callback)
    clients = {"visitor": app.test_client(), "member": app.test_client()}
    login(clients["member"], stats["member_email"])
    chosen = pick_words(stats)
    print(f"  words: broad {chosen['broad']}  rare {chosen['rare']}  without diacritics {chosen['diacritic']}")
    results, warnings = [], []
    # Resources on a detail page's account are the active, network-visible ones; skip the others.
    for sc in scenarios(chosen, stats):
        client = clients[sc["who"]]
        matches, url_ok, refused = {}, [], Counter()
        app.logger.disabled = True  # a broken page is reported once below, not with a traceback per URL
        try:
            for url in sc["urls"]:
                response = client.get(url)
                if response.status_code != 200:
                    refused[response.status_code] += 1
                    continue
                url_ok.append(url)
                matches[url] = result_count(response.get_data(as_text=True))
        finally:
            app.logger.disabled = False
        if sc["name"] == "rare word":  # keep the words that are truly rare once prefixes are expanded
            url_ok = [u for u in url_ok if matches[u] and matches[u] < max(2, 0.001 * stats["resources"])] or url_ok
        if not url_ok:
            warnings.append(f"WARNING: {sc['name']}: not measured, every URL answered "
                            + ", ".join(f"{n}× {code}" for code, n in refused.items()) + f" (e.g. {sc['urls'][0]})")
            continue
        for i in range(warmup):
            client.get(url_ok[i % len(url_ok)])
        times, statements = [], []
        sql["ms"] = pauses["ms"] = 0.0
        for i in range(runs):
            url = url_ok[i % len(url_ok)]
            kept_pages.forget_all()  # the search and the page are made each time (bench/load.py: kept pages)
            counter["n"] = 0
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            times.append(elapsed)
            statements.append(counter["n"])
        times.sort()
        found = [matches[u] for u in url_ok if matches.get(u) is not None]
        row = {"scenario": sc["name"], "who": sc["who"], "type": sc["type"],
               "matches": (min(found), max(found)) if found else None,
               "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
               "stmts": (min(statements), max(statements)), "urls": url_ok,
               "sql_ms": sql["ms"] / runs, "gc_ms": pauses["ms"] / runs}
        results.append(row)
        if sc["type"] != "detail" and row["stmts"][0] != row["stmts"][1]:
            warnings.append(f"WARNING: {sc['name']}: statements per request vary {row['stmts'][0]}–{row['stmts'][1]}")
    warnings += n_plus_one_probe(clients["member"], counter, chosen, results)
    event.remove(engine, "before_cursor_execute", count)
    event.remove(engine, "before_cursor_execute", sql_start)
    event.remove(engine, "after_cursor_execute", sql_end)
    gc.callbacks.remove(gc_callback)
    return results, warnings


def n_plus_one_probe(client, counter, chosen, results) -> list[str]:
    """The same kind of page (a search, a listing) with 1, a few and 20 entries (and many photos or none) must
    cost the same statements. A search makes one more than a listing: its words."""
    from portal.resources import cards as kept_cards, pages as kept_pages

    probes: dict[str, dict[int, tuple[str, int]]] = {"search": {}, "listing": {}}
    urls = [f"/resources?q={w}" for w in chosen["rare"][:3]] + [f"/resources?q={chosen['broad'][0]}", "/resources",
                                                               "/resources?kind=material&municipality=ludzas"]
    for url in urls:
        total = result_count(client.get(url).get_data(as_text=True)) or 0
        last = max(1, -(-total // 20))
        for page_url in (url, f"{url}&page={last}"):  # a full page and the (partial) last one
            kept_pages.forget_all()
            kept_cards._cards.clear()  # every page made from nothing kept: the same statements for 1 or 20
            counter["n"] = 0
            html = client.get(page_url).get_data(as_text=True)
            items = html.count('data-testid="entry"')
            if items:
                probes["search" if "q=" in page_url else "listing"].setdefault(items, (page_url, counter["n"]))
    listing = [r for r in results if r["who"] == "member" and r["type"] in ("listing", "search")]
    counts = sorted({r["stmts"][0] for r in listing} | {r["stmts"][1] for r in listing})
    line = "  N+1 probe (entries on page -> statements): " + "; ".join(
        f"{kind} " + ", ".join(f"{items} -> {n}" for items, (_, n) in sorted(found.items()))
        for kind, found in probes.items() if found)
    print(line + f"; member listing/search pages use {counts} statements")
    warnings = []
    for kind, found in probes.items():
        if len({n for _, n in found.values()}) > 1:
            warnings.append(f"WARNING: statements per {kind} page depend on the number of entries (N+1): "
                            + "; ".join(f"{u} ({items} entries): {n}" for items, (u, n) in sorted(found.items())))
    return warnings


def report(label: str, results: list[dict], warnings: list[str], stats: dict, size: int, check_target: bool):
    print(f"\n== {label}: {stats['orgs']:,} orgs, {stats['resources']:,} resources, {stats['needs']:,} needs; "
          f"generated in {stats['generation_seconds']:.1f} s; database {size / 2**20:.0f} MiB; "
          f"{stats['cpus']} CPUs, load {stats['load'][0]:.1f} → {stats['load'][1]:.1f}")
    head = (f"{'scenario':32} {'who':7} {'matches':>15} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stmts':>7}"
            f" {'sql ms':>7} {'gc ms':>6}")
    if check_target:
        head += f"  target p95 ≤ {TARGET_MS:.0f} ms"
    print(head)
    print("-" * len(head))
    for r in results:
        m = r["matches"]
        matches = "-" if m is None else f"{m[0]:,}" if m[0] == m[1] else f"{m[0]:,}–{m[1]:,}"
        stmts = f"{r['stmts'][0]}" if r["stmts"][0] == r["stmts"][1] else f"{r['stmts'][0]}–{r['stmts'][1]}"
        line = (f"{r['scenario']:32} {r['who']:7} {matches:>15} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                f"{stmts:>7} {r['sql_ms']:7.1f} {r['gc_ms']:6.1f}")
        if check_target:
            line += "  " + ("OK" if r["p95"] <= TARGET_MS else "OVER")
        print(line)
    print("(stmts: SQL statements per request, min–max over the runs; sql ms: mean time in cursor.execute; "
          "gc ms: mean time in Python's garbage collector; per request)")
    for w in warnings:
        print(w)


# ------------------------------------------------------------------ runs

def run_database(kind: str, args, workdir: Path, pg_server: str | None):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    meta_path = workdir / f"bench-{kind}.json"
    wanted = {"orgs": args.orgs, "resources": args.resources, "needs": args.needs}
    reuse = meta_path.exists() and {k: json.loads(meta_path.read_text()).get(k) for k in wanted} == wanted
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'portal.sqlite3'}"
    else:  # kept as the SQLite file is, with --keep (the same database as bench/load.py's)
        server = pg_server.replace("postgresql://", "postgresql+psycopg://", 1)
        url = sa.engine.make_url(server).set(database=PG_DATABASE).render_as_string(hide_password=False)
        reuse = reuse and args.keep is not None and postgres_has(server, url, args.resources)
        if not reuse:
            url = fresh_postgres_database(pg_server, PG_DATABASE)
    if kind == "sqlite" and not reuse:
        for stale in workdir.glob("portal.sqlite3*"):
            stale.unlink()
    app = create_app(make_config(url, workdir / f"data-{kind}"))
    with app.app_context():
        if reuse:
            stats = json.loads(meta_path.read_text())
            print(f"[{kind}] reusing the database in {workdir}")
            upgrade()  # migrations added since it was generated
        else:
            upgrade()
            print(f"[{kind}] generating {args.orgs:,} orgs, {args.resources:,} resources, {args.needs:,} needs …")
            stats = generate(db, args)
            meta_path.write_text(json.dumps(stats))
            print(f"  generated in {stats['generation_seconds']:.1f} s")
        size = database_size(db)
    # As wsgi.py does in production: what start-up made is kept out of the collector's full passes.
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()[0]
    results, warnings = measure(app, db, stats, args.runs)
    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    stats = dict(stats, load=(load_before, load_after), cpus=cpus)
    if max(load_before, load_after) > 1.5:  # this benchmark keeps one core busy by itself
        warnings.append(f"WARNING: load average {load_before:.1f} before / {load_after:.1f} after on {cpus} CPUs: "
                        "other processes competed for the CPU, the percentiles are inflated")
    with app.app_context():
        db.engine.dispose()
    report("SQLite " + _sqlite_version() if kind == "sqlite" else "PostgreSQL " + _pg_version(url),
           results, warnings, stats, size, check_target=True)
    return results

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=None, help="default: resources / 10")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL"),
                        help="a server to create the bench database on (default: TEST_POSTGRES_URL, "
                             "else a throwaway cluster as the tests start)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--keep", type=Path, help="keep the databases (the SQLite file here, PostgreSQL as portal_bench_load) and reuse them when the sizes match")
    args = parser.parse_args(argv)
    if args.needs is None:
        args.needs = args.resources // 10

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="portal-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = None
    try:
        if args.database in ("sqlite", "both"):
            run_database("sqlite", args, workdir, None)
        if args.database in ("postgresql", "both"):
            server = args.postgres_url
            if server:
                server = server.replace("postgresql://", "postgresql+psycopg://", 1)
            else:
                from tests.pg_cluster import ThrowawayCluster
                cluster = ThrowawayCluster()
                server = cluster.start()
            run_database("postgresql", args, workdir, server)
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
