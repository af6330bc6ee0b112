"""SECURITY.md made testable: CSRF, read-only GETs, headers, error pages, hosts, XSS, canaries, fuzzing."""
import itertools
import json
import secrets
import urllib.parse

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

import portal.main.views
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.backup import row_counts
from portal.extensions import db
from portal.notifications.services import notify
from portal.orgs.models import APPLIED, Organization

from .factories import PASSWORD_HASH, make_user
from .helpers import client_for, link_in, login, outbox
from .route_matrix import CSRF_EXEMPT, MATRIX
from .route_matrix_roles import ENTRY_FORM, LOGIN, ORG_FORM, Row

GET_ROWS = [row for row in MATRIX if row.method == "GET"]
POST_ROWS = [row for row in MATRIX if row.method == "POST" and row.endpoint not in CSRF_EXEMPT]
NEW_PASSWORD = "Ozols aug Daugavas krastā 42"


def page(response) -> str:
    return response.get_data().decode("utf-8", errors="replace")  # photos are bytes


def snapshot() -> dict:
    """Every row of every table: catches UPDATEs that row counts cannot see."""
    db.session.commit()  # a fresh transaction: SQLite's WAL snapshot would otherwise be stale
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(sa.select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


AUDIT_TABLE = "audit_events"  # appended to by refused GETs (403, another org's 404): checked on its own


def database_state() -> tuple[dict, dict]:
    db.session.commit()
    counts, rows = row_counts(), snapshot()
    counts.pop(AUDIT_TABLE), rows.pop(AUDIT_TABLE)
    # The statistics' pre-counted buckets are kept figures, not data: a GET may count and keep them
    # (portal/reports/rollups.py); what they are counted from must not change.
    for derived in ("statistics_rollups", "statistics_rollup_states"):
        counts.pop(derived), rows.pop(derived)
    return counts, rows


def audit_actions_since(last_id: int) -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.id > last_id)).all()


def last_audit_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def acting_role(row: Row) -> str:
    """The logged-in role the matrix lets through this route (not refused with 403/404)."""
    for role in ("coordinator", "representative", "member", "other"):
        if row.expected[role] not in (403, 404):
            return role
    raise AssertionError(f"no logged-in role may use {row.id}")


# ---------------------------------------------------------------- CSRF

@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("who", ["anonymous", "logged in"])
@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: row.id)
def test_post_without_csrf_token_answers_400_and_changes_nothing(app, world, row, who):
    role = "anonymous" if who == "anonymous" else acting_role(row)
    client = client_for(app, world.user(role))
    url = row.url(world)  # some rows make their object on first use
    before = database_state()  # after the login, which writes its own audit row

    response = client.post(url, data=row.data(world), csrf=False)

    assert response.status_code == 400, page(response)[:300]
    assert database_state() == before
    if role != "anonymous":
        # The refusal came from the missing token alone: with one, the matrix's answer comes back.
        accepted = client.post(url, data=row.data(world))
        assert accepted.status_code == row.expected[role]


@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: row.id)
def test_post_with_a_token_of_another_session_answers_400(app, world, row):
    role = acting_role(row)
    client = client_for(app, world.user(role))
    foreign_token = app.test_client().csrf_token()
    url = row.url(world)
    before = database_state()
    response = client.post(url, data={**row.data(world), "csrf_token": foreign_token}, csrf=False)
    assert response.status_code == 400
    assert database_state() == before


# ---------------------------------------------------------------- GET is read-only

@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("role", ["coordinator", "representative"])
@pytest.mark.parametrize("row", GET_ROWS, ids=lambda row: row.id)
def test_get_never_changes_data(app, world, row, role):
    # Something that a careless GET could "mark as read" or spend.
    notify([world.coordinator, world.representative], "org_approved", link="/", org="Baltā māja")
    if row.endpoint == "certificates.revocation_list":
        # A running portal has published its CRL (`portal init`, the daily duties); only the very first GET of
        # a portal that never did makes one. Serving a published, current one writes nothing.
        from portal.certificates.revocation import current_crl

        current_crl()
        db.session.commit()
    client = client_for(app, world.user(role))
    url = row.url(world)
    before, audited = database_state(), last_audit_id()

    response = client.get(url)

    assert response.status_code == row.expected[role]
    assert database_state() == before
    new_events = set(audit_actions_since(audited))
    assert new_events <= {"access.refused", "access.hidden"}
    if response.status_code == 403:
        assert new_events == {"access.refused"}


def test_get_of_valid_one_time_links_spends_nothing(app, client, world):

    client.post("/password/forgot", data={"email": world.member.email})
    reset = link_in(outbox()[-1].body).replace("http://localhost", "")
    before = database_state()
    for _ in range(2):
        assert app.test_client().get(reset).status_code == 200
    assert database_state() == before


# ---------------------------------------------------------------- headers

def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def assert_security_headers(response, *, behind_login: bool = False):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no CSP on a {response.status_code}"
    directives = csp_directives(csp)
    assert directives.get("object-src") == ["'none'"], csp
    assert directives.get("base-uri") == ["'none'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, csp
    assert "'unsafe-inline'" not in script_src, csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy"), "no Referrer-Policy"
    if behind_login:
        assert "no-store" in response.headers.get("Cache-Control", ""), response.headers.get("Cache-Control")


def _break_landing(monkeypatch, *, sql=False):
    def broken():
        if sql:  # leaves the transaction failed (PostgreSQL: "current transaction is aborted")
            db.session.execute(sa.text("SELECT password_hash FROM no_such_table_xyz"))
        raise RuntimeError('File "/work/main/portal/secret.py", line 7: SELECT password_hash FROM users')

    # portal/main/views.py does `from ..orgs.services import member_organizations`: patch that name.
    monkeypatch.setattr(portal.main.views, "member_organizations", broken)


def _rate_limited(app, world):
    app.config["LOGIN_FAILURE_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    for _ in range(3):
        client.post("/login", data={"email": "nobody@example.org", "password": "wrong password!"})
    return client.post("/login", data={"email": "nobody@example.org", "password": "wrong password!"})


HEADER_CASES = {
    # name: (expected status, behind login, make the response)
    "200 public page": (200, False, lambda app, w, mp: app.test_client().get("/")),
    "200 static file": (200, False, lambda app, w, mp: app.test_client().get("/static/css/portal.css")),
    "200 json": (200, False, lambda app, w, mp: app.test_client().get("/healthz")),
    "200 behind login": (200, True, lambda app, w, mp: client_for(app, w.member).get("/account")),
    "302 login redirect": (302, False, lambda app, w, mp: app.test_client().get("/account")),
    "404 anonymous": (404, False, lambda app, w, mp: app.test_client().get("/no-such-page")),
    "404 logged in": (404, True, lambda app, w, mp: client_for(app, w.other_member).get(f"/orgs/{w.org.id}/people")),
    "403": (403, True, lambda app, w, mp: client_for(app, w.member).get("/coordination/audit")),
    "405": (405, False, lambda app, w, mp: app.test_client().get("/logout")),
    "410": (410, False, lambda app, w, mp: app.test_client().get("/invitation/not-a-token")),
    "429": (429, False, lambda app, w, mp: _rate_limited(app, w)),
    "500": (500, False, lambda app, w, mp: (_break_landing(mp), app.test_client().get("/"))[1]),
    "500 logged in": (500, True, lambda app, w, mp: (_break_landing(mp), client_for(app, w.member).get("/"))[1]),
    "400 csrf": (400, False, lambda app, w, mp: app.test_client().post("/login", data={}, csrf=False)),
    "400 csrf logged in": (400, True, lambda app, w, mp: client_for(app, w.member).post("/account", csrf=False)),
    "400 foreign host": (400, False, lambda app, w, mp: app.test_client().get("/", headers={"Host": "evil.example"})),
    "413": (413, False, lambda app, w, mp: app.test_client().post(
        "/apply", data={"description": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})),
}


@pytest.mark.parametrize("case", HEADER_CASES)
def test_security_headers_on_every_response(app, world, monkeypatch, case):
    status, behind_login, make = HEADER_CASES[case]
    response = make(app, world, monkeypatch)
    assert response.status_code == status, page(response)[:300]
    assert_security_headers(response, behind_login=behind_login)


@pytest.mark.parametrize("role", ["member", "representative", "coordinator", "other"])
def test_pages_behind_login_are_not_stored(app, world, role):
    client = client_for(app, world.user(role))
    checked = 0
    for row in GET_ROWS:
        if row.expected["anonymous"] == LOGIN and row.expected[role] == 200:
            response = client.get(row.url(world))
            assert response.status_code == 200, row.id
            assert "no-store" in response.headers.get("Cache-Control", ""), row.id
            checked += 1
    assert checked


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/static/css/portal.css"])
def test_hsts_only_over_https(app, path):
    secure = app.test_client().get(path, base_url="https://localhost")
    assert "max-age=" in secure.headers.get("Strict-Transport-Security", "")
    assert int(secure.headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 15552000
    plain = app.test_client().get(path)
    assert "Strict-Transport-Security" not in plain.headers


# ---------------------------------------------------------------- error pages, hosts, sizes

@pytest.mark.parametrize("sql", [False, True], ids=["exception", "failed sql"])
@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_forced_exception_gives_a_bare_500_page(app, world, monkeypatch, role, sql):
    client = client_for(app, world.user(role))
    _break_landing(monkeypatch, sql=sql)

    response = client.get("/")

    assert response.status_code == 500
    html = page(response)
    assert 'class="error-code">500<' in html, "not the portal's error page"
    for leak in ("Traceback", 'File "', "/work/", "sqlalchemy", "SELECT", "password_hash", "no_such_table",
                 "RuntimeError", "secret.py"):
        assert leak.lower() not in html.lower(), f"the 500 page shows {leak!r}"
    assert_security_headers(response, behind_login=role != "anonymous")

    monkeypatch.undo()
    assert client.get("/").status_code == 200
    if role != "anonymous":
        assert client.get("/coordination/audit").status_code == 200


def test_foreign_host_header_answers_400(app, client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in page(response)
    assert client.post("/login", data={"email": "a@example.org", "password": "x"},
                       headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_body_over_max_content_length_answers_413(app, client, world):
    before = database_state()
    response = client.post("/apply", data={"name": "x", "description": "ā" * app.config["MAX_CONTENT_LENGTH"]})
    assert response.status_code == 413
    assert 'class="error-code">413<' in page(response)
    assert_security_headers(response)
    assert database_state() == before


# ---------------------------------------------------------------- stored XSS

RAW = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
RAW_MARKERS = ("<script>alert(1)", "<img src=x")


@pytest.fixture
def many_logins(app):
    """These tests log many people in from the one test IP; the login rate limit is tested elsewhere."""
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def payload(tag: str) -> str:
    return f"{RAW}{tag}"


def shown(value: str) -> str:
    """How a value must appear in HTML."""
    return str(escape(value))


def shown_in_json(value: str) -> str:
    """How a value must appear inside the audit log's JSON details."""
    return str(escape(json.dumps(value, ensure_ascii=False)[1:-1]))


def assert_no_raw_payload(html: str, where: str):
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped {marker!r} on {where}"


def check_pages(app, checks):
    """checks: (user or None, url, {tag: value shown plainly}, {tag: value shown in JSON})."""
    clients = {}
    for user, url, plain, in_json in checks:
        key = getattr(user, "id", None)
        if key not in clients:
            clients[key] = client_for(app, user)
        response = clients[key].get(url)
        where = f"{url} as {getattr(user, 'email', 'anonymous')}"
        assert response.status_code == 200, where
        html = page(response)
        assert_no_raw_payload(html, where)
        assert "&lt;script&gt;alert(1)" in html, f"the payload is not shown on {where}"
        for tag, value in plain.items():
            assert shown(value) in html, f"{tag} not shown escaped on {where}"
        for tag, value in in_json.items():
            assert shown_in_json(value) in html, f"{tag} not shown escaped in the details on {where}"


def page_urls(world) -> dict:
    """The URL of every GET row of the matrix, its objects made now (agreements need org B active)."""
    urls = {row.id: row.url(world) for row in GET_ROWS}
    db.session.commit()
    return urls


def sweep_all_get_pages(app, world, urls):
    """No payload appears unescaped on any page of the matrix, whoever looks: each page once per role."""
    for role in ("anonymous", "member", "representative", "coordinator", "other"):
        client = client_for(app, world.user(role))
        for row in GET_ROWS:
            response = client.get(urls[row.id])
            if response.mimetype != "text/html":
                # CSV and iCalendar are data, not markup: no browser renders them as HTML (nosniff).
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                continue
            assert_no_raw_payload(page(response), f"{urls[row.id]} as {role}")


def plant_in_the_application_form(app, world):
    fields = {f: payload(f) for f in ("name", "legal_address", "description", "person_name", "person_position")}
    form = {**fields, "legal_form": "association", "registration_number": "40008777666",
            "municipality": "rezekne", "email": "xss@example.org", "phone": "", "website": "",
            "person_email": "xss.applicant@example.org", "password": NEW_PASSWORD}
    assert app.test_client().post("/apply", data=form).status_code == 302
    org = db.session.scalar(sa.select(Organization).where(Organization.registration_number == "40008777666"))
    org_fields = {k: fields[k] for k in ("name", "legal_address", "description")}
    person_fields = {k: fields[k] for k in ("person_name", "person_position")}
    name = {"name": fields["name"]}
    c = world.coordinator
    check_pages(app, [
        (c, "/coordination/applications", name, {}),
        (c, f"/coordination/applications/{org.id}", fields, {}),
        (c, f"/orgs/{org.id}", org_fields, {}),
        (c, f"/orgs/{org.id}/people", {**name, **person_fields}, {}),
        (c, "/notifications", name, {}),
        (c, "/coordination/audit", name, {}),  # details are sentences now, not JSON
    ])

    assert client_for(app, c).post(f"/coordination/applications/{org.id}/approve").status_code == 302
    applicant = db.session.scalar(sa.select(User).where(User.email == "xss.applicant@example.org"))
    applicant.password_hash = PASSWORD_HASH  # check_pages logs in with the tests' password
    db.session.commit()
    check_pages(app, [
        (None, "/", name, {}),
        (None, "/orgs", {**name, "description": fields["description"]}, {}),
        (None, f"/orgs/{org.id}", org_fields, {}),
        (applicant, "/", name, {}),
        (applicant, f"/orgs/{org.id}", org_fields, {}),
        (applicant, f"/orgs/{org.id}/edit", org_fields, {}),
        (applicant, f"/orgs/{org.id}/people", {**name, **person_fields}, {}),
        (applicant, "/notifications", name, {}),
        (applicant, "/account", {**name, **person_fields}, {}),
        (c, "/coordination/applications", name, {}),
    ])


def plant_in_the_own_profile(app, world):
    fields = {"name": payload("name"), "position": payload("position")}
    client = client_for(app, world.member)
    assert client.post("/account", data={**fields, "locale": "lv"}).status_code == 302
    check_pages(app, [
        (world.member, "/account", fields, {}),
        (world.member, "/", {"name": fields["name"]}, {}),  # the header shows the own name
        (world.representative, f"/orgs/{world.org.id}/people", fields, {}),
        (world.coordinator, f"/orgs/{world.org.id}/people", fields, {}),
    ])


def plant_in_the_organization_profile(app, world):
    fields = {f: payload(f) for f in ("name", "legal_address", "description")}
    client = client_for(app, world.representative)
    assert client.post(f"/orgs/{world.org.id}/edit", data={**ORG_FORM(world), **fields}).status_code == 302
    name = {"name": fields["name"]}
    check_pages(app, [
        (None, "/", name, {}),
        (None, "/orgs", {**name, "description": fields["description"]}, {}),
        (None, f"/orgs/{world.org.id}", fields, {}),
        (world.representative, f"/orgs/{world.org.id}/edit", fields, {}),
        (world.representative, f"/orgs/{world.org.id}/people", name, {}),
        (world.member, "/account", name, {}),
        (world.coordinator, "/coordination/applications", name, {}),
        (world.coordinator, "/coordination/audit", name, {}),
    ])
    # Notifications carry the org's name too.
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "Pārbaude"}).status_code == 302
    check_pages(app, [(world.member, "/notifications", name, {})])
    assert coordinator.post(f"/orgs/{world.org.id}/reactivate").status_code == 302


def plant_in_the_invitation_name(app, world):
    name = {"name": payload("invite")}
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/people/invite",
                           data={**name, "email": "invited.xss@example.org", "role": "member"})
    assert response.status_code == 302
    check_pages(app, [
        (world.representative, f"/orgs/{world.org.id}/people", name, {}),
        (world.coordinator, f"/orgs/{world.org.id}/people", name, {}),
    ])
    # The refused form (422) shows the typed name back in its input.
    refused = client.post(f"/orgs/{world.org.id}/people/invite",
                          data={**name, "email": "invited.xss@example.org", "role": "member"})
    assert refused.status_code == 422
    assert_no_raw_payload(page(refused), "the refused invitation form")
    assert shown(name["name"]) in page(refused)


def plant_in_the_rejection_reason(app, world):
    reason = {"reason": payload("reject")}
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/coordination/applications/{world.applicant_org.id}/reject",
                            data=reason).status_code == 302
    check_pages(app, [
        (world.coordinator, f"/coordination/applications/{world.applicant_org.id}", reason, {}),
        (world.coordinator, "/coordination/audit", reason, {}),
    ])


def plant_in_the_suspension_reason(app, world):
    reason = {"reason": payload("suspend")}
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/orgs/{world.org.id}/suspend", data=reason).status_code == 302
    check_pages(app, [
        (world.coordinator, f"/orgs/{world.org.id}", reason, {}),
        (world.coordinator, "/coordination/audit", reason, {}),
    ])


def plant_in_catalogue_entries(app, world, section):
    fields = {f: payload(f) for f in ("title", "description", "location", "availability", "audience")}
    fields["unit"] = "<script>alert(1)</script>u"  # at most 40 characters
    client = client_for(app, world.representative)
    # An intellectual resource keeps its audience (a material one drops it).
    form = {**ENTRY_FORM(world), "kind": "intellectual", "category": "training", "handover": "", **fields}
    response = client.post(f"/{section}/new", data=form)
    assert response.status_code == 302, page(response)[:300]
    entry_url = response.headers["Location"]
    shown_in_card = {k: fields[k] for k in ("title", "location", "description")}
    check_pages(app, [
        (world.representative, entry_url, fields, {}),
        (world.representative, f"{entry_url}/edit", fields, {}),
        (world.other_member, entry_url, fields, {}),
        (world.other_member, f"/{section}", shown_in_card, {}),
        (world.other_member, f"/orgs/{world.org.id}", shown_in_card, {}),
    ])
    for query in ("alert", "script", "onerror", "title"):
        assert_no_raw_payload(page(client_for(app, world.other_member).get(f"/{section}", query_string={"q": query})),
                              f"/{section}?q={query}")


def test_stored_xss_is_escaped_everywhere(app, world, many_logins):
    """Payloads in every kind of text a person can store, each checked where it is shown, then every page
    of the matrix swept once per role with all of them in place."""
    plant_in_catalogue_entries(app, world, "resources")
    plant_in_catalogue_entries(app, world, "needs")
    plant_in_the_application_form(app, world)
    plant_in_the_own_profile(app, world)
    plant_in_the_invitation_name(app, world)
    plant_in_the_rejection_reason(app, world)
    plant_in_the_organization_profile(app, world)
    urls = page_urls(world)  # before org B is suspended: its agreements can still be made
    plant_in_the_suspension_reason(app, world)
    sweep_all_get_pages(app, world, urls)


# ---------------------------------------------------------------- canary

def test_canary_in_private_data_never_leaks_to_outsiders(app, world, many_logins):
    canary = f"KANĀRIJPUTNS-{secrets.token_hex(6)}"
    person = make_user(world.org, email=f"{canary.lower()}@example.org")
    person.position = canary
    db.session.commit()
    login(app.test_client(), person.email)  # leaves traces (audit, last login) as real use would
    forms = {canary.casefold(), urllib.parse.quote(canary).casefold(), urllib.parse.quote(canary.lower()).casefold(),
             str(escape(canary)).casefold()}

    insider = page(client_for(app, world.representative).get(f"/orgs/{world.org.id}/people"))
    assert canary in insider and canary.lower() in insider, "the canary was not planted where insiders see it"

    for role in ("anonymous", "other"):
        client = client_for(app, world.user(role))
        for row in GET_ROWS:
            for url in (row.url(world), row.url(world) + "?lang=en"):
                body = page(client.get(url)).casefold()
                for form in forms:
                    assert body.count(form) == 0, f"canary on {url} as {role}"


# ---------------------------------------------------------------- random input

LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"
NASTY = list(LATVIAN) + ["\r", "\n", "\r\n", "\x00", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028", "\u202e",
                         "\ufeff", "<", ">", '"', "'", "&", "%", ";", " ", "a", "1", "😀"]
CONTROL = ["\x00", "\x00", "\r\n", "\r", "\n", "\x1b", "\x7f", "\u202e", "\ufeff", "\x0b", "\u2028"]
nasty_text = st.lists(st.sampled_from(NASTY), max_size=40).map("".join)
# Ordinary text with a control character somewhere: passes the length checks, so reaches the database.
salted_text = st.builds(lambda base, char, at: base[:at % (len(base) + 1)] + char + base[at % (len(base) + 1):],
                        st.sampled_from(["Biedrība “Ā”", "Rīgas iela 1", "Ānis Bērziņš", "valde", "Šis ir apraksts."]),
                        st.sampled_from(CONTROL), st.integers(min_value=0, max_value=20))
random_text = st.one_of(
    salted_text,
    nasty_text,
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=250),
    st.builds(lambda piece, times: piece * times, st.sampled_from(NASTY + ["ab", "ā\x00", "\r\nx"]),
              st.integers(min_value=100, max_value=5000)),
)
TEXT_FIELDS = ("name", "legal_address", "description", "person_name", "person_position")
OTHER_FIELDS = ("registration_number", "email", "person_email", "phone", "website", "legal_form", "municipality",
                "password")
_unique = itertools.count(1)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


VALID_APPLICATION = {
    "name": "Biedrība “Ūdenszīme”", "legal_form": "association", "legal_address": "Rīgas iela 1, Rēzekne",
    "municipality": "daugavpils", "phone": "", "website": "", "description": "Jauniešu iniciatīvas.",
    "person_name": "Žanna Ķēniņa", "person_position": "valdes priekšsēdētāja", "password": NEW_PASSWORD,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          database=None)  # no example files written into the project
@given(random_fields=st.dictionaries(st.sampled_from(TEXT_FIELDS + OTHER_FIELDS), random_text,
                                     min_size=1, max_size=len(TEXT_FIELDS)))
def test_random_application_input_never_500s_nor_half_saves(app, client, random_fields):
    n = next(_unique)
    form = {**VALID_APPLICATION, "registration_number": f"5{n:010d}", "email": f"org{n}@example.org",
            "person_email": f"fuzz{n}@example.org", **random_fields}
    orgs_before, people_before = _count(Organization), _count(User)

    response = client.post("/apply", data=form)

    assert response.status_code in (200, 302), (response.status_code, page(response)[:300])
    db.session.commit()
    created = 1 if response.status_code == 302 else 0
    assert (_count(Organization) - orgs_before, _count(User) - people_before) == (created, created)
    orphans = db.session.scalars(
        sa.select(Organization.id).where(Organization.state == APPLIED, ~Organization.people.any())
    ).all()
    assert orphans == [], "an applied organization without its representative"
    if created:
        applicant = db.session.scalar(sa.select(User).order_by(User.id.desc()).limit(1))
        assert applicant.org.state == APPLIED and applicant.role == "representative"
        assert applicant.password_hash


FORM_ROWS = [row for row in POST_ROWS if row.endpoint in {
    "accounts.login", "accounts.forgot_password", "accounts.profile", "accounts.change_password", "orgs.apply",
    "orgs.edit", "orgs.invite", "orgs.reject", "orgs.suspend", "resources.new_resource", "resources.new_need",
    "resources.edit_resource", "resources.edit_need"}]


@pytest.mark.parametrize("row", FORM_ROWS, ids=lambda row: row.id)
def test_nul_byte_in_any_form_field_is_not_a_500(app, world, row):
    role = "anonymous" if row.expected["anonymous"] != LOGIN else acting_role(row)
    client = client_for(app, world.user(role))
    data = {**VALID_APPLICATION, "registration_number": "40008555444", "email": "nul@example.org",
            "person_email": "nul.person@example.org"} if row.endpoint == "orgs.apply" else row.data(world)
    answers = {}
    for field, value in data.items():
        if not isinstance(value, str):
            continue
        response = client.post(row.url(world), data={**data, field: f"{value}\x00x"})
        answers[field] = response.status_code
    assert 500 not in answers.values(), f"NUL in these fields gives a 500: {answers}"
    assert client.get("/").status_code == 200
