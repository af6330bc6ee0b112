"""Fixtures: the app on SQLite and on PostgreSQL, a CSRF-aware client, people of three orgs."""
import contextvars
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from portal import create_app
from portal.accounts.models import MEMBER, REPRESENTATIVE, User
from portal.accounts.passwords import hash_password
from portal.extensions import db, limiter
from portal.orgs.models import ACTIVE, APPLIED, Organization

from .pg_cluster import ThrowawayCluster

PASSWORD = "correct horse battery staple"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose
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


def _fresh_postgres_database(server_url: str, name: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The browser journeys run last: Playwright's sync API leaves an event loop running in the main thread
    for the rest of the session, and tests that call pyHanko directly (it uses asyncio.run) must not follow."""
    items[:] = sorted(items, key=lambda item: "browser" in Path(str(item.path)).parts)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--backend") or BACKENDS
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory, request):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"
    server = request.getfixturevalue("postgres_server_url")
    return _fresh_postgres_database(server, f"portal_test_{os.getpid()}")


def make_config(database_url: str, data_dir: Path) -> dict:
    return {
        "SECRET_KEY": "tests-only",
        "PORTAL_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_DATA_DIR": str(data_dir),
        "BASE_URL": "http://localhost",
        "NETWORK_NAME": "Latgales biedrību tīklojums",
        "SESSION_COOKIE_SECURE": False,
        "MAIL_DELIVER_AFTER_REQUEST": False,
        "MAIL_FROM": "portal@localhost",
        "SMTP_HOST": "",
        "SMTP_PORT": 25,
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
    }


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


def _empty_all_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
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
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        ctx.pop()
        app.config.clear()
        app.config.update(saved_config)


# ---------------------------------------------------------------- clients

class CsrfClient(FlaskClient):
    """Adds a valid CSRF token to every form POST, as a browser would; csrf=False leaves it out."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = session["csrf_token"]
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):
        with_csrf = kwargs.pop("csrf", True)
        if kwargs.get("method") == "POST" and with_csrf and not kwargs.get("json"):
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        # The test's own transaction ends first (as a person's earlier page view would have),
        # then the request runs in a context of its own: its own app context, `g` and database
        # session, exactly as in production rather than sharing the test's.
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email: str, password: str = PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return response


# ---------------------------------------------------------------- data

_counter = iter(range(10**6))


def make_org(name=None, state=ACTIVE, coordinating=False, **fields) -> Organization:
    n = next(_counter)
    org = Organization(
        name=name or f"Biedrība {n}", legal_form="association",
        registration_number=fields.pop("registration_number", f"4{n:010d}"),
        legal_address=f"Rīgas iela {n}, Daugavpils", municipality="daugavpils",
        email=f"org{n}@example.org", state=state, is_coordinating=coordinating,
        description="Apraksts", **fields,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(org, role=MEMBER, coordinator=False, email=None, name=None, **fields) -> User:
    n = next(_counter)
    user = User(org=org, email=email or f"person{n}@example.org", name=name or f"Person {n}",
                position="biedrs", role=role, is_coordinator=coordinator, locale="lv",
                password_hash=PASSWORD_HASH, **fields)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class World:
    """The coordinating org with a coordinator; org B with a representative and a member;
    org C with a representative and a member; an applied org D."""
    coord_org: Organization
    coordinator: User
    org: Organization
    representative: User
    member: User
    other_org: Organization
    other_representative: User
    other_member: User
    applicant_org: Organization
    applicant: User
    resource: "Resource"  # network-only offer of org B
    public_resource: "Resource"  # public offer of org B, with a photo
    paused_resource: "Resource"  # paused offer of org B
    need: "Need"  # network-only need of org B
    exchange: "Exchange"  # org C's pending request for `resource`
    accepted_exchange: "Exchange"  # org C's accepted request for `resource`, with a recorded condition
    feed_token: str  # org B's calendar feed

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None, "member": self.member, "representative": self.representative,
            "coordinator": self.coordinator, "other": self.other_member,
        }[role]


def resource_data(**overrides) -> dict:
    data = {
        "kind": "material", "category": "premises", "title": "Konferenču zāle “Dzerkaļi”",
        "description": "Zāle ar 40 sēdvietām un projektoru.", "municipality": "ludzas", "location": "Cirmas pagasts",
        "quantity": 40, "unit": "vietas", "languages": "lv,ltg", "terms": "cost_sharing", "availability": "",
        "visibility": "network", "format": "", "audience": "", "handover": "with_operator",
        "value_eur": None, "value_unit": "", "licence": "",
    }
    data.update(overrides)
    return data


def make_resource(actor, model=None, **overrides):
    from portal.resources import services as catalogue
    from portal.resources.models import Need, Resource

    model = model or Resource
    data = resource_data(**overrides)
    if model is Need:
        for key in ("value_eur", "value_unit", "licence"):
            data.pop(key)
    return catalogue.publish(model, actor, data)


def small_jpeg(color=(200, 30, 30), size=(64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def request_exchange(requester, resource, start_in_days=10, days=2, quantity=1, **extra):
    from datetime import date, timedelta

    from portal.exchanges import services as exchanges

    start = date.today() + timedelta(days=start_in_days)
    return exchanges.request_exchange(
        requester, resource, starts_on=start, ends_on=start + timedelta(days=days - 1), quantity=quantity,
        hours=extra.pop("hours", None), purpose=extra.pop("purpose", "Seminārs"), message=extra.pop("message", ""))


def make_agreement(world, state="draft", drafter=None, partner=None, language="lv"):
    """A cooperation agreement drafted by org B's representative (or `drafter`) with the coordinating
    organization (or `partner`), brought to `state`: draft, submitted, returned, approved or in_force."""
    from datetime import date, timedelta

    from portal.agreements import services as agreements, signatures

    drafter = drafter or world.representative
    partner = partner or world.coord_org
    agreement = agreements.draft_cooperation(drafter, partner, language=language, valid_from=date.today(),
                                             valid_to=date.today() + timedelta(days=365))
    if state == "draft":
        return agreement
    agreements.submit(drafter, agreement)
    if state == "returned":
        agreements.return_to_drafter(world.coordinator, agreement, "Lūdzu, precizējiet 3. punktu.")
    elif state in ("approved", "in_force"):
        agreements.approve(world.coordinator, agreement)
    if state == "in_force":
        for party in agreement.parties:
            signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name,
                            consent=True)
    assert agreement.state == state
    return agreement


def _exchanges(owner, requester, resource):
    from portal.exchanges import services as exchanges

    pending = request_exchange(requester, resource, start_in_days=30)
    accepted = request_exchange(requester, resource, start_in_days=10, purpose="Darbnīca")
    exchanges.accept(owner, accepted)
    exchanges.record_condition(owner, accepted, "handover", "Viss kārtībā", small_jpeg((0, 0, 200)))
    feed = exchanges.renew_calendar_feed(owner, owner.org)
    return pending, accepted, feed.token


@pytest.fixture
def world(app) -> World:
    from portal.resources import services as catalogue
    from portal.resources.models import Need

    coord_org = make_org("Intelekta parks", coordinating=True)
    org = make_org("Baltā māja")
    other = make_org("Sukrums")
    applied = make_org("Jaunā biedrība", state=APPLIED)
    representative = make_user(org, REPRESENTATIVE, email="rep@example.org", name="Inguna Badune")
    resource = make_resource(representative)
    public_resource = make_resource(representative, title="Projektors un ekrāns", category="equipment",
                                    visibility="public", handover="pickup")
    catalogue.add_photo(representative, public_resource, small_jpeg())
    paused_resource = make_resource(representative, title="Mikroautobuss", category="vehicle")
    catalogue.change_state(representative, paused_resource, "paused")
    need = make_resource(representative, model=Need, title="Meklējam lektoru", kind="intellectual",
                         category="training", handover="", format="in_person")
    other_member = make_user(other, MEMBER, email="other@example.org")
    exchange, accepted_exchange, feed_token = _exchanges(representative, other_member, resource)
    w = World(
        coord_org=coord_org,
        coordinator=make_user(coord_org, REPRESENTATIVE, coordinator=True, email="coordinator@example.org"),
        org=org,
        representative=representative,
        member=make_user(org, MEMBER, email="member@example.org", name="Jānis Kalniņš"),
        other_org=other,
        other_representative=make_user(other, REPRESENTATIVE, email="other.rep@example.org"),
        other_member=other_member,
        applicant_org=applied,
        applicant=make_user(applied, REPRESENTATIVE, email="applicant@example.org"),
        resource=resource, public_resource=public_resource, paused_resource=paused_resource, need=need,
        exchange=exchange, accepted_exchange=accepted_exchange, feed_token=feed_token,
    )
    from portal.certificates.services import ensure_authority

    ensure_authority()  # the network CA, as `portal init` makes it
    # Tests start with an empty outbox and no notifications: what they see is what they caused.
    from portal.mail.models import OutboxMessage
    from portal.notifications.models import Notification

    db.session.execute(sa.delete(OutboxMessage))
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    return w


def client_for(app, user) -> CsrfClient:
    c = app.test_client()
    if user is not None:
        login(c, user.email)
    return c


def outbox():
    from portal.mail.models import OutboxMessage

    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, f"no link in mail body: {body!r}"
    return match.group(0)


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
    name = f"portal-test-{next(_counter)}-{os.getpid()}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    return Bucket(name, s3_server, client)
