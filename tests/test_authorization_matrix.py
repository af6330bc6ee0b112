"""Every route × {anonymous, member, representative, coordinator, member of another org} (the rows are in
tests/route_matrix.py). A route that is added without a row fails `test_every_route_has_a_row`."""
import pytest

from .helpers import client_for
from .route_matrix import LOGIN, MATRIX, ROLES


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(row.endpoint, row.method) for row in MATRIX}
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
