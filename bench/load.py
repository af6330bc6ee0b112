"""Load benchmark: the catalogue under gunicorn, side by side with a bare Flask floor page.

    .venv/bin/python bench/load.py                         # SQLite, 100,000 resources kept in /tmp/portal-bench
    .venv/bin/python bench/load.py --database postgresql   # the portal on PostgreSQL (the floor stays SQLite)
    .venv/bin/python bench/load.py --duration 5 --rounds 1 # quick look

The database is made by bench/catalogue_data.py's generator (or reused: the same --keep directory as
`bench/catalogue.py --keep`). The *floor* (bench/floor.py) is a bare Flask app written next to it:
sqlite3 FTS5 (`unicode61 remove_diacritics 2`) over the same resources' title and description,
`ORDER BY rank LIMIT 20`, a 10-line Jinja template, no ORM, no session, no layout. Both run under
gunicorn with 2 sync workers on 127.0.0.1 (access log off, worker recycling as gunicorn.conf.py sets
it). The same load (bench/loadgen.py: wrk -t2 -c8 when installed, else a Python load generator) is
run against each scenario in turn, round after round, so a noisy neighbour slows all of them alike;
the medians over the rounds are printed with the ratio to the floor's rare-word req/s. A query's pages for
a visitor and a member (and the other checkout's, with --before) run back to back, and a member's share of
the visitor's speed is the median of the round-by-round ratios of those neighbours.
"""
import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import catalogue  # noqa: E402  (bench/catalogue.py: the generator, the words, the login password)
import sqlalchemy as sa  # noqa: E402
from floor import floor_database, write_floor_app  # noqa: E402
from loadgen import run_python, run_wrk  # noqa: E402

BIN = Path(sys.executable).parent
SECRET_KEY = "bench-load-only"
PG_DATABASE = catalogue.PG_DATABASE
TARGETS = {  # the share of the floor's rare-word req/s (issue 14)
    "sqlite": {"rare word": 0.35, "broad word": 0.2, "listing": 0.2},
    "postgresql": {"rare word": 0.25, "broad word": 0.15, "listing": 0.15},
}


# ------------------------------------------------------------------ databases

def portal_database(kind: str, args, workdir: Path) -> tuple[str, dict]:
    """(SQLAlchemy URL, generator statistics) of the 100,000-resource database, made once and then reused."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    wanted = {"orgs": args.orgs, "resources": args.resources, "needs": args.needs}
    meta_path = workdir / f"bench-{kind}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'portal.sqlite3'}"
        reuse = {k: meta.get(k) for k in wanted} == wanted and (workdir / "portal.sqlite3").exists()
        if not reuse:
            for stale in workdir.glob("portal.sqlite3*"):
                stale.unlink()
    else:
        server = (args.postgres_url or "postgresql://postgres@127.0.0.1:5432/postgres").replace(
            "postgresql://", "postgresql+psycopg://", 1)
        url = sa.engine.make_url(server).set(database=PG_DATABASE).render_as_string(hide_password=False)
        reuse = {k: meta.get(k) for k in wanted} == wanted and catalogue.postgres_has(server, url, args.resources)
        if not reuse:
            url = catalogue.fresh_postgres_database(server, PG_DATABASE)
    app = create_app(catalogue.make_config(url, workdir / f"data-{kind}"))
    with app.app_context():
        upgrade()
        if reuse:
            print(f"[{kind}] reusing the database of {args.resources:,} resources ({workdir})")
        else:
            print(f"[{kind}] generating {args.orgs:,} orgs, {args.resources:,} resources …")
            meta = catalogue.generate(db, args)
            meta_path.write_text(json.dumps(meta))
        db.engine.dispose()
    return url, meta


# ------------------------------------------------------------------ servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(name: str, argv: list[str], env: dict, port: int, logdir: Path, cwd: Path) -> subprocess.Popen:
    log = open(logdir / f"{name}.log", "wb")
    proc = subprocess.Popen([str(BIN / "gunicorn"), *argv], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} did not start, see {logdir / (name + '.log')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not listen on {port} within 60 s")


def cpu_seconds(group: int) -> float:
    """CPU time used so far by a server's process group: its master, its workers, and (in the master's
    children's time) the workers that were recycled. Unlike req/s, not changed by other processes' load."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # fields 5 (pgrp), 14–17 (utime, stime, cutime, cstime) of proc(5)
            ticks += sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def base_env(workers: int, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN_", "DATABASE_"))}
    # No access log on either server (with LOG_FORMAT=json gunicorn.conf.py would log every request to stdout).
    env.update(GUNICORN_WORKERS=str(workers), GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG="/dev/null",
               LOG_FORMAT="text", LOG_LEVEL="WARNING")
    return env


def start_portal(url: str, workdir: Path, kind: str, workers: int, checkout: Path = ROOT, name: str = "portal",
                 max_requests: int = 0):
    """The portal of this checkout (or of another one, e.g. main, to compare) under its gunicorn.conf.py."""
    port = free_port()
    env = base_env(workers, port)
    env["GUNICORN_MAX_REQUESTS"] = str(max_requests)
    env.update(PORTAL_ENV="production", SECRET_KEY=SECRET_KEY, DATABASE_URL=url,
               PORTAL_DATA_DIR=str(workdir / f"data-{kind}"), TRUSTED_HOSTS="127.0.0.1,localhost",
               BASE_URL=f"http://127.0.0.1:{port}", SESSION_COOKIE_SECURE="0", REDIS_URL="")
    env["PYTHONPATH"] = str(checkout)
    proc = start_gunicorn(name, ["--config", str(checkout / "gunicorn.conf.py")], env, port, workdir, checkout)
    return proc, f"http://127.0.0.1:{port}"


def start_floor(floor_db: Path, workdir: Path, workers: int):
    port = free_port()
    write_floor_app(floor_db, workdir)
    env = base_env(workers, port)
    argv = ["--config", "/dev/null", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
            "--access-logfile", "/dev/null", "floor_app:app"]
    return start_gunicorn("floor", argv, env, port, workdir, workdir), f"http://127.0.0.1:{port}"


def member_cookie(base: str, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    data = urllib.parse.urlencode({"email": email, "password": catalogue.PASSWORD, "csrf_token": token.group(1)})
    opener.open(base + "/login", data.encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if 'action="/logout"' not in opener.open(base + "/resources").read().decode():
        raise SystemExit(f"login of {email} failed")
    return cookie


# ------------------------------------------------------------------ load

PAIRED = ("portal", "member", "before", "b-member")  # servers whose pages of one query run next to each other


def fetch(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request) as response:
        return response.status, response.read().decode()


def scenario(name: str, server: str, base: str, paths: list[str], cookie: str = "", fresh: bool = False):
    """`fresh`: every request asks a new address, so that no kept page answers it."""
    return SimpleNamespace(name=name, server=server, base=base, paths=paths, cookie=cookie, fresh=fresh, runs=[])


def scenarios(stats: dict, portal: str, floor: str, cookie: str, before: str | None) -> list[SimpleNamespace]:
    chosen = catalogue.pick_words(stats)
    few = max(2, 0.001 * stats["resources"])  # rare once the portal's prefixes are expanded
    rare = [w for w in chosen["rare"] if (catalogue.result_count(fetch(portal, "/resources?q=" + w, "")[1]) or 0) < few]
    rare = rare or chosen["rare"]
    broad = chosen["broad"]
    q = lambda path, words: [path + "?" + urllib.parse.urlencode({"q": w}) for w in words]  # noqa: E731
    found = [
        scenario("rare word", "floor", floor, q("/search", rare)),
        scenario("rare word", "portal", portal, q("/resources", rare)),
        scenario("broad word", "floor", floor, q("/search", broad)),
        scenario("broad word", "portal", portal, q("/resources", broad)),
        scenario("listing", "portal", portal, ["/resources"]),
    ]
    visitor = [s for s in found if s.server == "portal"]
    if cookie:
        found += [scenario(s.name, "member", portal, s.paths, cookie) for s in visitor]
    if before:
        found += [scenario(s.name, "before", before, s.paths) for s in visitor]
        if cookie:  # the same person's session: both checkouts share the database and the secret key
            found += [scenario(s.name, "b-member", before, s.paths, cookie) for s in visitor]
    # No target: what a search costs when its page is not kept, for the record.
    found.append(scenario("rare, not kept", "portal", portal, q("/resources", rare), fresh=True))
    for s in found:
        s.bytes = max(len(fetch(s.base, p, s.cookie)[1].encode()) for p in s.paths[:3])
    return found


def round_order(found, rng: random.Random) -> list:
    """A new order each round: a worker recycled after max_requests spends ~3 s of CPU starting again, which
    would otherwise fall on the same scenario every round. The pages compared with each other (a query's
    visitor, member and the other checkout's) run back to back, in a new order among themselves too: this
    machine's speed drifts by up to 2 × within a minute, and a ratio of neighbours sees little of that."""
    units: dict[str, list] = {}
    for s in found:
        key = s.name if s.server in PAIRED and not s.fresh else f"{s.server} {s.name}"
        units.setdefault(key, []).append(s)
    return [s for unit in rng.sample(list(units.values()), len(units)) for s in rng.sample(unit, len(unit))]


def paired_share(runs, of_runs, key: str) -> float:
    """The median over the rounds of one page's figure over its neighbour's in the same round."""
    return statistics.median(a[key] / b[key] for a, b in zip(runs, of_runs))


def report(found, kind: str, args, loadgen: str) -> bool:
    floor_rare = statistics.median(r["rps"] for r in next(s for s in found if s.server == "floor"
                                                          and s.name == "rare word").runs)
    print(f"\n{kind}, {args.resources:,} resources; {loadgen} -t{args.threads} -c{args.connections}, "
          f"{args.duration} s × {args.rounds} rounds, alternating; medians. Load average now: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'query':<14} {'server':<8} {'req/s':>8} {'× floor':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms':>7} {'errors':>7} {'page KB':>8}  target")
    ok = True
    medians = {(s.server, s.name): statistics.median(r["rps"] for r in s.runs) for s in found}
    cpu = {(s.server, s.name): statistics.median(r["cpu_ms"] for r in s.runs) for s in found}
    runs = {(s.server, s.name): s.runs for s in found}

    def shares(server, of_server, name) -> tuple[float, float]:
        """This page's req/s over its neighbour's, and the neighbour's CPU a page over its, round by round."""
        return (paired_share(runs[(server, name)], runs[(of_server, name)], "rps"),
                paired_share(runs[(of_server, name)], runs[(server, name)], "cpu_ms"))

    for s in found:
        rps = medians[(s.server, s.name)]
        ratio = rps / floor_rare
        errors = sum(r["errors"] for r in s.runs)
        verdict = ""
        if s.server in ("portal", "member") and s.name in TARGETS[kind]:
            target = TARGETS[kind][s.name]
            met = ratio >= target and errors == 0
            verdict = f"≥ {target:.2f}: {'met' if met else 'MISSED'}"
            if s.server == "member":  # within 15 % of the visitor's page
                share, by_cpu = shares("member", "portal", s.name)
                met &= share >= 0.85
                verdict += f"; {share:.2f} × visitor's (≥ 0.85); by CPU a page {by_cpu:.2f}"
            ok &= met
        elif s.server == "b-member":  # the other checkout's, for comparison (no target)
            share, by_cpu = shares("b-member", "before", s.name)
            verdict = f"{share:.2f} × its visitor's; by CPU a page {by_cpu:.2f}"
        print(f"{s.name:<14} {s.server:<8} {rps:8.1f} {ratio:8.2f} {statistics.median(r['p50'] for r in s.runs):8.1f} "
              f"{statistics.median(r['p99'] for r in s.runs):8.1f} {cpu[(s.server, s.name)]:7.2f} {errors:7d} "
              f"{s.bytes / 1024:8.1f}  {verdict}")
    print("(× floor: the share of the floor's rare-word req/s measured in the same run. The portal keeps each\n"
          " catalogue page rendered until the catalogue changes; \"rare, not kept\" asks a new address every\n"
          " time, so it shows what a search costs when its page is made. CPU ms: the server's CPU time a request,\n"
          " its master and workers, which other processes' load changes far less than req/s. × visitor's: the\n"
          " median over the rounds of the member's page over the visitor's, which ran next to it.)")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL"),
                        help="server to keep the bench database on (default postgresql://postgres@127.0.0.1:5432/)")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "portal-bench",
                        help="where the databases are kept and reused (as bench/catalogue.py --keep)")
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=10, help="seconds per round and scenario")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-member", action="store_true", help="only the visitor's pages")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--prepare", action="store_true", help="only build (or check) the databases")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="also the pages of another checkout's portal (e.g. /work/main), a visitor's and "
                             "(unless --no-member) a member's, same run")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="recycle the portal's workers after this many requests (default 0: never during the "
                             "run, so that no scenario pays a worker's ~3 s start; the deployed default is 20,000)")
    args = parser.parse_args(argv)
    args.needs = args.resources // 10 if args.needs is None else args.needs
    args.keep.mkdir(parents=True, exist_ok=True)
    loadgen = args.loadgen if args.loadgen != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = run_wrk if loadgen == "wrk" else run_python

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    url, stats = portal_database(args.database, args, args.keep)
    floor_db = floor_database(url, args.keep, args.resources)
    if args.prepare:
        return 0
    procs = []
    try:
        floor_proc, floor = start_floor(floor_db, args.keep, args.workers)
        procs.append(floor_proc)
        portal_proc, portal = start_portal(url, args.keep, args.database, args.workers,
                                           max_requests=args.max_requests)
        procs.append(portal_proc)
        before = None
        if args.before:
            before_proc, before = start_portal(url, args.keep, args.database, args.workers, args.before.resolve(),
                                               "before", args.max_requests)
            procs.append(before_proc)
        cookie = "" if args.no_member else member_cookie(portal, stats["member_email"])
        found = scenarios(stats, portal, floor, cookie, before)
        for s in found:  # warm both servers' workers (caches, first connections)
            load(s.base, s.paths, s.cookie, SimpleNamespace(**{**vars(args), "duration": 1}), args.keep, s.fresh)
        groups = {floor: floor_proc.pid, portal: portal_proc.pid, **({before: before_proc.pid} if before else {})}
        for n in range(args.rounds):
            for s in round_order(found, random.Random(n)):
                used = cpu_seconds(groups[s.base])
                r = load(s.base, s.paths, s.cookie, args, args.keep, s.fresh)
                r["cpu_ms"] = (cpu_seconds(groups[s.base]) - used) * 1000 / max(1, r["requests"])
                s.runs.append(r)
                print(f"  round {n + 1}: {s.server:<6} {s.name:<14} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms"
                      f"  p99 {r['p99']:6.1f} ms  {r['cpu_ms']:5.2f} ms CPU  errors {r['errors']}", flush=True)
    finally:
        for proc in procs:
            stop(proc)
    ok = report(found, args.database, args, loadgen)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
