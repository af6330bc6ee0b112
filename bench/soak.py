"""Soak: a bounded mixed load against the scaled-out portal (two gunicorn servers with 2 workers each, two
`portal worker`s, PostgreSQL, Redis, moto's S3 server, an aiosmtpd SMTP server), for a given time.

    .venv/bin/python bench/soak.py --minutes 10              # 8 people, a think time of 0.2 s
    .venv/bin/python bench/soak.py --minutes 2 --people 4 --postgres-url postgresql://postgres@127.0.0.1/postgres

Each person logs in (through either server) and, until the time is up, browses the catalogue and the member
list, searches, opens resources, requests exchanges of other organizations' resources, writes messages in
their exchanges and downloads the agreements of their organization — each request to a server picked at
random (a form's kind times the page with the form and its POST together). Printed: requests and errors (anything but the expected answer) per kind, p50/p95 in ms, mails queued
and delivered, and each process's resident memory after the warm-up and at the end (gunicorn's worker
recycling is off here, so a leak would show). Everything runs on 127.0.0.1 and stops by itself.
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.cluster import SECRET_KEY, Cluster, Visitor, rss_kib, wait_for  # noqa: E402
from tests.factories import PASSWORD, make_agreement, make_org, make_resource, make_user  # noqa: E402
from tests.helpers import forget_redis_keys, fresh_postgres_database, make_config, redis_answers  # noqa: E402

WORDS = ["zāle", "projektors", "mikroautobuss", "apmācības", "brīvprātīgie", "metodika", "skaņas", "telts",
         "semināri", "jaunieši", "kamera", "galdi", "krēsli", "ekspertīze", "rakstīšana", "kultūra"]
TOWNS = ["ludzas", "livanu", "daugavpils", "rezeknes", "kraslavas", "preilu", "balvu"]
EXCHANGE_ID = re.compile(r"/exchanges/(\d+)")


def build_network(orgs: int, resources_each: int) -> dict:
    """Organizations with a representative and a member each, resources with Latvian words, and agreements of
    the first organizations in force (their PDFs carry real signatures)."""
    from portal.accounts.models import MEMBER, REPRESENTATIVE
    from portal.certificates.services import ensure_authority
    from portal.extensions import db

    rng = random.Random(2017)
    ensure_authority()
    coordinating = make_org("Intelekta parks", coordinating=True)
    coordinator = make_user(coordinating, REPRESENTATIVE, coordinator=True, email="coordinator@example.org")
    people, resources = [], []
    for n in range(orgs):
        org = make_org(f"Biedrība {rng.choice(WORDS).capitalize()} {n}")
        representative = make_user(org, REPRESENTATIVE, email=f"rep{n}@example.org", name=f"Pārstāve {n}")
        member = make_user(org, MEMBER, email=f"member{n}@example.org", name=f"Biedrs {n}")
        people.append((org.id, member.email))
        for k in range(resources_each):
            words = rng.sample(WORDS, 3)
            resource = make_resource(representative, title=f"{words[0].capitalize()} un {words[1]} {n}-{k}",
                                     description=" ".join(rng.choices(WORDS, k=12)), municipality=rng.choice(TOWNS),
                                     quantity=rng.randint(5, 50))
            resources.append((resource.id, org.id))
        if n < 3:  # an agreement in force with the coordinating organization, for downloads
            world = type("W", (), {"representative": representative, "coord_org": coordinating,
                                   "coordinator": coordinator})()
            make_agreement(world, "in_force")
    db.session.commit()
    from portal.agreements.models import Agreement, AgreementParty

    agreements = defaultdict(list)
    for agreement_id, org_id in db.session.execute(sa.select(Agreement.id, AgreementParty.org_id).join(AgreementParty)):
        agreements[org_id].append(agreement_id)
    return {"people": people, "resources": resources, "agreements": dict(agreements)}


class Person(threading.Thread):
    def __init__(self, number, cluster, network, deadline, think, results, lock):
        super().__init__(daemon=True, name=f"person-{number}")
        self.number, self.cluster, self.network = number, cluster, network
        self.deadline, self.think, self.results, self.lock = deadline, think, results, lock
        self.org_id, self.email = network["people"][number % len(network["people"])]
        self.rng = random.Random(number)
        self.exchanges: list[int] = []

    def server(self) -> str:
        return self.rng.choice(self.cluster.servers).url

    def record(self, kind, started, ok):
        with self.lock:
            self.results[kind].append((time.perf_counter() - started, ok))

    def timed(self, kind, call, expected=(200,)):
        started = time.perf_counter()
        try:
            response = call()
            ok = response.status_code in expected
        except Exception:
            response, ok = None, False
        self.record(kind, started, ok)
        return response

    def run(self):
        visitor = Visitor(f"10.{self.number // 250}.{self.number % 250}.7")  # only an X-Forwarded-For value
        self.timed("log in", lambda: visitor.log_in(self.server(), self.email, PASSWORD), expected=(302,))
        others = [r for r, org in self.network["resources"] if org != self.org_id]
        own_agreements = self.network["agreements"].get(self.org_id, [])
        kinds = ["browse"] * 4 + ["search"] * 3 + ["resource"] * 4 + ["request"] + ["message"] * 2 + ["pdf"]
        while time.monotonic() < self.deadline:
            kind = self.rng.choice(kinds)
            server = self.server()
            if kind == "browse":
                path = self.rng.choice(["/resources", f"/resources?page={self.rng.randint(1, 5)}", "/orgs", "/",
                                        "/needs", "/exchanges", "/notifications"])
                self.timed(kind, lambda: visitor.get(server + path))
            elif kind == "search":
                query = " ".join(self.rng.sample(WORDS, self.rng.choice([1, 2])))
                self.timed(kind, lambda: visitor.get(f"{server}/resources", params={
                    "q": query, "municipality": self.rng.choice(["", *TOWNS])}))
            elif kind == "resource":
                self.timed(kind, lambda: visitor.get(f"{server}/resources/{self.rng.choice(others)}"))
            elif kind == "request":
                resource_id = self.rng.choice(others)
                start = date.today() + timedelta(days=self.rng.randint(30, 300))
                response = self.timed(kind, lambda: visitor.post_form(
                    f"{server}/resources/{resource_id}/request", f"{server}/resources/{resource_id}/request", {
                        "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=1)).isoformat(),
                        "quantity": "1", "purpose": "Seminārs jauniešiem", "message": "Labdien! Vai varam?"}),
                    expected=(302,))
                if response is not None and (found := EXCHANGE_ID.search(response.headers.get("Location", ""))):
                    self.exchanges.append(int(found.group(1)))
            elif kind == "message" and self.exchanges:
                exchange_id = self.rng.choice(self.exchanges)
                self.timed(kind, lambda: visitor.post_form(
                    f"{server}/exchanges/{exchange_id}", f"{server}/exchanges/{exchange_id}/messages",
                    {"body": "Paldies! Sīkāk vienosimies pa tālruni."}), expected=(302,))
            elif kind == "pdf" and own_agreements:
                agreement_id = self.rng.choice(own_agreements)
                self.timed(kind, lambda: visitor.get(f"{server}/agreements/{agreement_id}/pdf"))
            time.sleep(self.rng.uniform(0, 2 * self.think))


def processes(cluster: Cluster) -> list[tuple[str, int]]:
    found = []
    for server in cluster.servers:
        found.append((f"{server.name} master", server.pid))
        found += [(f"{server.name} worker", pid) for pid in sorted(server.descendants())]
    found += [(w.name, w.pid) for w in cluster.workers]
    return found


def memory(cluster: Cluster) -> dict[tuple[str, int], int]:
    return {(name, pid): rss_kib(pid) for name, pid in processes(cluster)}


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warm-up", type=float, default=1, help="minutes before the memory is first measured")
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.2, help="mean seconds between one person's requests")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--resources", type=int, default=10, help="per organization")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()

    import logging

    from moto.server import ThreadedMotoServer

    from portal import create_app
    from portal.extensions import db
    from portal.mail.models import OutboxMessage
    from tests.pg_cluster import ThrowawayCluster

    throwaway = None
    if not args.postgres_url:
        throwaway = ThrowawayCluster()
        server_url = throwaway.start()
    else:
        server_url = args.postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not redis_answers(args.redis_url):
        sys.exit(f"no Redis at {args.redis_url} (start redis-server, or pass --redis-url)")
    os.environ.update(AWS_ACCESS_KEY_ID="soak", AWS_SECRET_ACCESS_KEY="soak-secret", AWS_DEFAULT_REGION="eu-north-1")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    s3 = f"http://{host}:{port}"
    import boto3

    boto3.client("s3", endpoint_url=s3).create_bucket(Bucket="soak", CreateBucketConfiguration={
        "LocationConstraint": "eu-north-1"})
    prefix = f"portal-soak-{os.getpid()}"
    root = Path(tempfile.mkdtemp(prefix="portal-soak-"))
    database_url = fresh_postgres_database(server_url, f"portal_soak_{os.getpid()}")
    cluster = Cluster.environment(root, database_url=database_url, redis_url=args.redis_url, prefix=prefix,
                                  s3_endpoint=s3, bucket="soak", GUNICORN_MAX_REQUESTS="0",
                                  MAIL_RETRY_SECONDS="30", SWEEP_SECONDS="30", SCHEDULER_LEASE_SECONDS="15")
    cluster.smtp.start()
    try:
        print(f"setting up in {root} …", flush=True)
        cluster.init()
        # Without the queue here: the agreements' signing copies are made at once, so they can be signed at once;
        # the mails this queues are handed out by the workers' sweep.
        app = create_app(make_config(database_url, root / "bench-data") | {
            "SECRET_KEY": SECRET_KEY, "STORAGE_URL": cluster.env["STORAGE_URL"], "S3_ENDPOINT_URL": s3})
        with app.app_context():
            network = build_network(args.orgs, args.resources)
            cluster.start(servers=2, workers=2, workers_each=2, preload=False)
            results, lock = defaultdict(list), threading.Lock()
            started = time.monotonic()
            deadline = started + args.minutes * 60
            people = [Person(n, cluster, network, deadline, args.think, results, lock) for n in range(args.people)]
            for person in people:
                person.start()
            time.sleep(min(args.warm_up * 60, args.minutes * 60 / 2))
            warm = memory(cluster)
            warm_requests = sum(len(v) for v in results.values())
            for person in people:
                person.join(args.minutes * 60 + 120)
            end = memory(cluster)
            elapsed = time.monotonic() - started

            def unsent() -> int:
                db.session.rollback()
                return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)))

            wait_for(lambda: unsent() == 0, "the outbox to empty", timeout=120, interval=1)
            sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
                OutboxMessage.sent_at.is_not(None)))
            db.session.rollback()
        report(results, warm, end, elapsed, warm_requests, args, sent, sum(cluster.smtp.mailbox.counts().values()))
    finally:
        cluster.stop()
        moto.stop()
        forget_redis_keys(args.redis_url, prefix)
        if throwaway is not None:
            throwaway.stop()


def report(results, warm, end, elapsed, warm_requests, args, sent, received):
    total = sum(len(v) for v in results.values())
    errors = sum(1 for v in results.values() for _, ok in v if not ok)
    print(f"\n{args.minutes:g} min, {args.people} people (think {args.think} s), 2 servers × 2 gunicorn workers, "
          f"2 portal workers: {total} requests ({total / elapsed:.1f}/s), {errors} errors")
    print(f"{'kind':<10} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in sorted(results):
        times = [t * 1000 for t, _ in results[kind]]
        failed = sum(1 for _, ok in results[kind] if not ok)
        print(f"{kind:<10} {len(times):>9} {failed:>7} {statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f}")
    print(f"mails: {sent} marked sent in the outbox, {received} received by the SMTP server")
    print(f"\nresident memory after the warm-up ({warm_requests} requests) and at the end, MiB:")
    worst = 0.0
    for key in sorted(set(warm) | set(end)):
        before, after = warm.get(key, 0) / 1024, end.get(key, 0) / 1024
        growth = (after - before) / before * 100 if before else float("nan")
        if before:
            worst = max(worst, growth)
        print(f"  {key[0]:<16} pid {key[1]:<8} {before:7.1f} → {after:7.1f}  ({growth:+.1f} %)")
    print(f"largest growth: {worst:+.1f} % (target: at most +10 %)")


if __name__ == "__main__":
    main()
