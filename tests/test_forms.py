"""Forms in one pass: every problem of a form at once (field validators and the rule's checks), an error
summary at the top linking to each field, the typing kept, a note at a password to type again; amounts with a
decimal comma or point; a website without a scheme completed."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.agreements.models import Signature
from portal.exchanges.models import Exchange
from portal.extensions import db
from portal.resources.models import Resource

from .factories import PASSWORD, make_agreement, make_resource
from .helpers import client_for


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def field_errors(html: str) -> dict:
    found = {}
    for name, message in re.findall(r'<p class="error" data-field="([a-z_\-0-9]+)">(.*?)</p>', html):
        found.setdefault(name, []).append(message)
    return found


def summary_links(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert box, "no error summary"
    assert "There is a problem" in box.group(0) or "Ir kļūdas" in box.group(0)
    return re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0))


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def hall(world):
    resource = make_resource(world.representative, title="Semināru zāle", quantity=40,
                             value_eur=Decimal("80"), value_unit="day")
    db.session.commit()
    return resource


def test_the_request_form_reports_every_problem_in_one_round(app, world, hall):
    requester = client_for(app, world.other_member)
    before = db.session.scalar(select(func.count()).select_from(Exchange))
    yesterday = date.today() - timedelta(days=1)
    html = page(requester.post(f"/resources/{hall.id}/request?lang=en", data={
        "starts_on": yesterday.isoformat(), "ends_on": (yesterday - timedelta(days=3)).isoformat(),
        "quantity": "41", "purpose": "", "message": "Mūsu ziņa"}))
    errors = field_errors(html)
    assert errors == {
        "starts_on": ["The period cannot start in the past."],
        "ends_on": ["The period must end on or after its first day."],
        "quantity": ["Ask for 1 to 40."],
        "purpose": ["Say what the resource is for."],
    }
    links = summary_links(html)
    assert [anchor for anchor, _ in links] == ["starts_on", "ends_on", "quantity", "purpose"]
    assert html.count("<title>Error: ") == 1
    assert "Mūsu ziņa" in html and input_value(html, "quantity") == "41"
    assert db.session.scalar(select(func.count()).select_from(Exchange)) == before


def test_a_refused_field_is_not_checked_again_by_the_rule(app, world, hall):
    requester = client_for(app, world.other_member)
    html = page(requester.post(f"/resources/{hall.id}/request?lang=en", data={
        "starts_on": "kādreiz", "ends_on": (date.today() + timedelta(days=3)).isoformat(),
        "quantity": "0", "purpose": "Seminārs"}))
    errors = field_errors(html)
    assert errors == {"starts_on": ["Not a valid date value."], "quantity": ["Enter a whole number, 1 or more."]}


def test_the_signing_form_reports_password_name_and_consent_at_once(app, world):
    agreement = make_agreement(world, "approved")
    client = client_for(app, world.representative)
    url = f"/agreements/{agreement.id}/sign?lang=en"
    html = page(client.post(url, data={"password": "wrong", "typed_name": "I. Badune"}))
    errors = field_errors(html)
    assert set(errors) == {"password", "typed_name", "consent"}
    assert errors["password"] == ["The password is not right."]
    assert [anchor for anchor, _ in summary_links(html)] == ["password", "typed_name", "consent"]
    assert 'data-retype="password"' in html and "type it again" in html
    assert input_value(html, "typed_name") == "I. Badune" and input_value(html, "password") == ""
    # an empty password and an empty name are the form's own messages, the consent the rule's
    errors = field_errors(page(client.post(url, data={"password": "", "typed_name": ""})))
    assert errors == {"password": ["Enter your password."], "typed_name": ["Type your full name."],
                      "consent": ["Tick the box to confirm that you sign for your organization."]}
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0


def test_a_wrong_signing_password_is_counted_even_when_other_fields_fail(app, world):
    from portal.audit.models import AuditEvent

    agreement = make_agreement(world, "approved")
    client = client_for(app, world.representative)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    client.post(f"/agreements/{agreement.id}/sign?lang=en", data={"password": "wrong", "typed_name": ""})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > before


def test_a_page_without_problems_has_no_summary(app, world, hall):
    html = page(client_for(app, world.other_member).get(f"/resources/{hall.id}/request?lang=en"))
    assert "error-summary" not in html and "<title>Error" not in html and "data-retype" not in html


@pytest.mark.parametrize("typed, stored", [("2,50", Decimal("2.50")), ("2.50", Decimal("2.50")),
                                           ("1 234,5", Decimal("1234.50")), ("80", Decimal("80"))])
def test_an_amount_takes_a_decimal_comma_or_point(app, world, typed, stored):
    from .catalogue_helpers import resource_form

    client = client_for(app, world.representative)
    response = client.post("/resources/new?lang=lv", data=resource_form(value_eur=typed, value_unit="hour"))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    resource = db.session.scalars(select(Resource).order_by(Resource.id.desc())).first()
    assert resource.value_eur == stored


@pytest.mark.parametrize("lang, shown", [("lv", "2,50"), ("en", "2.50")])
def test_an_amount_is_shown_per_locale(app, world, lang, shown):
    resource = make_resource(world.representative, title="Projektors", value_eur=Decimal("2.5"), value_unit="hour")
    db.session.commit()
    html = page(client_for(app, world.representative).get(f"/resources/{resource.id}/edit?lang={lang}"))
    assert input_value(html, "value_eur") == shown


@pytest.mark.parametrize("typed", ["Infinity", "NaN", "1e400", "9" * 309, "-1", "2,5,0", "10000001"])
def test_a_bad_amount_is_a_field_message(app, world, typed):
    from .catalogue_helpers import resource_form

    client = client_for(app, world.representative)
    html = page(client.post("/resources/new?lang=en", data=resource_form(value_eur=typed, value_unit="hour")))
    assert field_errors(html).get("value_eur"), typed


def test_a_website_without_a_scheme_gets_https(app, world):
    from portal.orgs.forms import OrganizationProfileForm

    with app.test_request_context(method="POST", data={"website": "biedriba.lv"}):
        form = OrganizationProfileForm(meta={"csrf": False})
        assert form.website.data == "https://biedriba.lv"
    with app.test_request_context(method="POST", data={"website": "http://biedriba.lv"}):
        assert OrganizationProfileForm(meta={"csrf": False}).website.data == "http://biedriba.lv"
