"""Every route × {anonymous, member, representative, coordinator, member of another org} (the rows are in
tests/route_matrix.py and its parts), and every /api/v1/ route × those people × their tokens' scopes (the rows
are in tests/api_route_matrix.py). A route that is added without a row fails `test_every_route_has_a_row`."""
import pytest

from .api_route_matrix import API_MATRIX, API_ROLES
from .factories import bearer, make_token
from .helpers import client_for
from .route_matrix import MATRIX
from .route_matrix_roles import LOGIN, ROLES

# Who may do what is decided in Python (portal.policy and the scoped loaders), the same on either database; the
# loaders' queries and the rules' effects are tested on both by the domain tests.
pytestmark = pytest.mark.one_backend("sqlite")


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(row.endpoint, row.method) for row in MATRIX + API_MATRIX}
    assert routes - covered == set(), "routes without a row in the authorization matrix"
    assert covered - routes == set(), "rows for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_route_answers_each_role_as_expected(app, world, row, role):
    client = client_for(app, world.user(role))
    response = client.open(row.url(world), method=row.method, data=row.data(world) if row.method == "POST" else None)
    assert response.status_code == row.expected[role], response.get_data(as_text=True)[:500]
    if response.status_code == LOGIN and role == "anonymous" and row.expected[role] == LOGIN \
            and row.endpoint not in ("accounts.forgot_password",):
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize("row", API_MATRIX, ids=lambda row: row.id)
def test_api_route_answers_each_role_and_scope_as_expected(app, world, row, role):
    person, _, scope = role.partition(":")
    headers = bearer(make_token(world.user(person), scope)) if scope else {}
    client = app.test_client(use_cookies=False)
    response = client.open(row.url(world), method=row.method, headers=headers, json=row.json(world))
    assert response.status_code == row.expected[role], response.get_data(as_text=True)[:500]
    if response.status_code >= 400 and row.endpoint != "api.docs":
        assert response.content_type == "application/problem+json"
