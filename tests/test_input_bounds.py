"""Numbers beyond what the database holds are a 404 (ids in the path), ignored (query parameters) or a field
message (forms), never a 500 — on both backends (issue 11, #7–#9)."""
import re
from datetime import date, timedelta

import pytest

from portal.extensions import db

from .factories import make_resource
from .helpers import client_for

TOO_BIG = ("2147483648", "9223372036854775808", "9" * 40)


def int_routes(app):
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items()
                 if converter.__class__.__name__ == "DatabaseIdConverter"]
        if names:
            yield rule, names


@pytest.mark.parametrize("as_who", ["anonymous", "coordinator"])
def test_an_id_beyond_the_database_range_is_404_on_every_int_route(app, world, as_who):
    client = app.test_client() if as_who == "anonymous" else client_for(app, world.coordinator)
    routes = list(int_routes(app))
    assert len(routes) > 30, "every <int:> route uses the bounded converter"
    for rule, names in routes:
        for value in TOO_BIG + ("0",):
            path = re.sub(r"<int(\([^)]*\))?:[a-z_]+>", value, rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method)
                # The API refuses a write without a token before it reads anything, the path included.
                expected = 401 if path.startswith("/api/") and method != "GET" else 404
                assert response.status_code == expected, (method, path, response.status_code)


@pytest.mark.parametrize("query", ["org=2147483648", "org=²", "org=-1", "org=9223372036854775808",
                                   "page=9223372036854775808", "page=²", "page=-5", "page=1e9"])
@pytest.mark.parametrize("path", ["/resources", "/needs"])
def test_odd_numbers_in_the_catalogue_query_are_ignored(app, world, path, query):
    client = client_for(app, world.member)
    assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("query", ["org=²", "org=2147483648", "page=9223372036854775808", "page=²",
                                   "from=0001-01-01&to=9999-12-31"])
def test_odd_numbers_in_the_audit_log_query_are_ignored(app, world, query):
    client = client_for(app, world.coordinator)
    assert client.get(f"/coordination/audit?{query}").status_code == 200


@pytest.fixture
def hall(world):
    resource = make_resource(world.representative, title="Zāle", quantity=40)
    db.session.commit()
    return resource


def field_errors(html):
    return dict(re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html))


def request_data(**changes):
    start = date.today() + timedelta(days=30)
    return {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=1)).isoformat(), "quantity": "1",
            "purpose": "Seminārs", **changes}


@pytest.mark.parametrize("field, value", [
    ("quantity", "9" * 309), ("quantity", "1e400"), ("quantity", "2147483648"), ("quantity", "Infinity"),
    ("starts_on", "9999-12-31"), ("ends_on", "9999-12-31"), ("starts_on", "0001-01-01"),
])
def test_numbers_and_dates_out_of_bounds_in_the_request_form_are_field_messages(app, world, hall, field, value):
    response = client_for(app, world.other_member).post(f"/resources/{hall.id}/request?lang=en",
                                                        data=request_data(**{field: value}))
    assert response.status_code == 200
    assert field in field_errors(response.get_data(as_text=True))


@pytest.mark.parametrize("value", ["9" * 309, "1e400", "2147483648", "-1"])
@pytest.mark.parametrize("path", ["/resources/new", "/needs/new"])
def test_a_huge_quantity_in_the_entry_forms_is_a_field_message(app, world, path, value):
    from .catalogue_helpers import resource_form

    response = client_for(app, world.representative).post(f"{path}?lang=en", data=resource_form(quantity=value))
    assert response.status_code == 200
    assert "quantity" in field_errors(response.get_data(as_text=True))


@pytest.mark.parametrize("value", ["100000000", "1e20", "Infinity", "1e400", "NaN", "-Infinity"])
@pytest.mark.parametrize("field", ["value_units", "value_eur"])
def test_completing_with_a_huge_or_non_finite_value_is_a_field_message(app, world, hall, field, value):
    from .factories import request_exchange
    from portal.exchanges import services

    exchange = request_exchange(world.other_member, hall)
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    db.session.commit()
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{exchange.id}/complete?lang=en", data={field: value})
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert exchange.state == "accepted", "nothing stored"


@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
def test_agreement_dates_far_ahead_are_field_messages(app, world, field):
    data = {"kind": "network", "language": "lv", "valid_from": date.today().isoformat(), field: "9999-12-31"}
    response = client_for(app, world.representative).post("/agreements/new?lang=en", data=data)
    assert response.status_code == 200
    assert field in field_errors(response.get_data(as_text=True))
