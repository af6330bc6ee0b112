"""Fixtures: the app on SQLite and on PostgreSQL, a CSRF-aware client, people of three orgs, an S3 store.
The data they make comes from tests/factories.py; the client and its helpers from tests/helpers.py."""
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db, limiter
from portal.resources.search import SEARCH_TABLES

from .factories import World, build_world, next_number
from .helpers import CsrfClient, forget_redis_keys, free_port, fresh_postgres_database, make_config, redis_answers
from .pg_cluster import ThrowawayCluster

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--backend", action="append", choices=BACKENDS,
                     help="run only on this database (repeatable); default: both")


# ---------------------------------------------------------------- databases

@pytest.fixture(scope="session")
def postgres_server_url():
    given = os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield given.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    cluster = ThrowawayCluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The browser journeys run last: Playwright's sync API leaves an event loop running in the main thread
    for the rest of the session, and tests that call pyHanko directly (it uses asyncio.run) must not follow."""
    items[:] = sorted(items, key=lambda item: "browser" in Path(str(item.path)).parts)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--backend") or BACKENDS
        one = metafunc.definition.get_closest_marker("one_backend")
        if one is not None:  # the rule under test does not depend on the database: once is enough
            chosen = [one.args[0]] if one.args[0] in chosen else list(chosen)[:1]
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory, request):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"
    server = request.getfixturevalue("postgres_server_url")
    return fresh_postgres_database(server, f"portal_test_{os.getpid()}")


@pytest.fixture(scope="session")
def _migrated_app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = create_app(make_config(database_url, tmp_path_factory.mktemp("data")))
    app.test_client_class = CsrfClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


_SEQUENCES: dict[str, list[str]] = {}  # database URL -> its sequences


def _empty_all_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # DELETE and setval: a test leaves a few rows, and TRUNCATE of ~40 tables costs more than the test
        # itself. Foreign-key triggers are off for the deletes (organizations ⇄ users refer to each other).
        url = str(db.engine.url)
        if url not in _SEQUENCES:
            _SEQUENCES[url] = list(db.session.execute(sa.text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences")).scalars())
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        # The search tables too: with replication's role neither their foreign keys' cascade nor the catalogue's
        # triggers fire.
        searched = [t.name for t in SEARCH_TABLES.values()]
        db.session.execute(sa.text("; ".join(f'DELETE FROM "{name}"' for name in [t.name for t in tables] + searched)))
        if _SEQUENCES[url]:
            db.session.execute(sa.text("SELECT " + ", ".join(f"setval('{name}', 1, false)"
                                                              for name in _SEQUENCES[url])))
    else:
        db.session.execute(sa.text("PRAGMA defer_foreign_keys=ON"))  # organizations ⇄ users refer to each other
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(_migrated_app):
    """The app with an empty (migrated) database and an application context."""
    app = _migrated_app
    saved_config = dict(app.config)
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    try:
        yield app
    finally:
        for thread in threading.enumerate():  # an in-process job still running must not see the tables emptied
            if thread.name.startswith("job "):
                thread.join(60)
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        ctx.pop()
        app.config.clear()
        app.config.update(saved_config)
        # Stored files that belong to the emptied tables (the audit checkpoints' copies, the completion
        # certificates, the signed reports) go with them.
        for directory in ("audit", "agreements", "reports"):
            shutil.rmtree(Path(saved_config["PORTAL_DATA_DIR"]) / directory, ignore_errors=True)


# ---------------------------------------------------------------- clients

@pytest.fixture
def world(app) -> World:
    return build_world()


@pytest.fixture
def client(app):
    return app.test_client()


# ---------------------------------------------------------------- Redis

@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    """TEST_REDIS_URL, or the Redis answering at 127.0.0.1:6379, or a redis-server of our own (Debian's) on a
    free port. Each test that uses it keeps its keys under a prefix of its own (`redis_prefix`)."""
    given = os.environ.get("TEST_REDIS_URL")
    if given:
        yield given
        return
    if redis_answers("redis://127.0.0.1:6379/0"):
        yield "redis://127.0.0.1:6379/0"
        return
    server = shutil.which("redis-server")
    assert server, "no Redis answers at 127.0.0.1:6379 and redis-server is not installed (scripts/install-system-deps)"
    port, directory = free_port(), tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                                "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while not redis_answers(url):
            assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def redis_prefix(redis_server_url):
    """A key prefix (and queue name) of this test's own, its keys removed afterwards."""
    prefix = f"portal-test-{os.getpid()}-{next_number()}"
    yield prefix
    forget_redis_keys(redis_server_url, prefix)


@pytest.fixture
def queue_app(app, redis_server_url, redis_prefix):
    """The app with a job queue: jobs go to Redis for `portal worker` instead of running in-process."""
    app.config.update(REDIS_URL=redis_server_url, REDIS_KEY_PREFIX=redis_prefix, MAIL_DELIVER_AFTER_REQUEST=True)
    return app


# ---------------------------------------------------------------- S3-compatible store

@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible HTTP server (moto's) on a free port of 127.0.0.1, for the whole run; the portal
    reaches it with the usual AWS environment variables, as it would reach any store."""
    from moto.server import ThreadedMotoServer

    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(AWS_ACCESS_KEY_ID="portal-tests", AWS_SECRET_ACCESS_KEY="portal-tests-secret",
                      AWS_DEFAULT_REGION="eu-north-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: object  # boto3's S3 client, independent of the portal's: what the store really holds

    def keys(self) -> list[str]:
        return sorted(o["Key"] for o in self.client.list_objects_v2(Bucket=self.name).get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_bucket(s3_server) -> Bucket:
    """An empty bucket of its own for each test."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_server)
    name = f"portal-test-{next_number()}-{os.getpid()}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    return Bucket(name, s3_server, client)
