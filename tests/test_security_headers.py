"""SECURITY.md made testable, responses: the security headers on every response (CSP, no caching of pages
behind login, HSTS only over HTTPS), a bare 500 page, a foreign Host header answering 400 and a body over
the maximum size answering 413."""
import pytest
import sqlalchemy as sa

import portal.main.views
from portal.extensions import db

from .helpers import client_for
from .route_matrix_roles import LOGIN
from .security_helpers import GET_ROWS, database_state, page


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
