"""Completing an exchange (the first side's account of what happened): the form's problems are shown next to
its fields, all at once, with the typing kept (it used to answer with one flash message per problem above the
page and forget what was typed)."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, COMPLETED
from portal.extensions import db

from .factories import make_resource, request_exchange
from .helpers import client_for


@pytest.fixture
def ended(world):
    hall = make_resource(world.representative, title="Zāle “Dzerkaļi”", quantity=40)
    exchange = request_exchange(world.other_member, hall)
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    db.session.commit()
    return exchange


def field_errors(html: str) -> dict:
    return dict(re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html))


def summary_links(html: str) -> list[str]:
    box = re.search(r"<div class=\"error-summary\".*?</div>", html, re.S)
    return re.findall(r'href="#([a-z_0-9-]+)"', box.group(0)) if box else []


def test_every_problem_is_next_to_its_field_in_latvian_with_the_typing_kept(app, world, ended):
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{ended.id}/complete?lang=lv", data={
        "outcome": "not_as_agreed", "quantity": "1e400", "value_eur": "divi eiro", "feedback": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = field_errors(html)
    assert set(errors) == {"quantity", "value_eur", "feedback"}, errors
    assert set(summary_links(html)) == {"quantity", "value_eur", "feedback"}
    assert 'value="1e400"' in html and 'value="divi eiro"' in html
    assert not re.search(r"\b(Enter|Not a valid|number|Say)\b", " ".join(errors.values())), errors
    db.session.expire_all()
    assert ended.state == ACCEPTED


def test_nothing_chosen_asks_what_happened_and_how_much(app, world, ended):
    client = client_for(app, world.representative)
    html = client.post(f"/exchanges/{ended.id}/complete?lang=lv", data={}).get_data(as_text=True)
    assert set(field_errors(html)) == {"outcome", "quantity"}
    assert summary_links(html)[0] == "outcome-0"  # the first radio button


def test_a_decimal_comma_completes_it(app, world, ended):
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{ended.id}/complete", data={
        "outcome": "as_agreed", "quantity": "1", "value_eur": "95,50"})
    assert response.status_code == 302
    db.session.expire_all()
    assert ended.state == COMPLETED and ended.value_eur == Decimal("95.50") and ended.used_quantity == 1


def test_a_no_show_completes_it_with_nothing_counted(app, world, ended):
    client = client_for(app, world.other_member)
    response = client.post(f"/exchanges/{ended.id}/complete", data={"outcome": "no_show", "quantity": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (ended.state, ended.used_quantity, ended.value_eur) == (COMPLETED, 0, Decimal("0"))


def test_before_its_last_day_the_page_says_why_and_nothing_changes(app, world):
    client = client_for(app, world.other_member)
    response = client.post(f"/exchanges/{world.accepted_exchange.id}/complete?lang=lv",
                           data={"outcome": "as_agreed", "quantity": "1", "value_eur": "160"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Apmaiņu var atzīmēt kā pabeigtu, sākot ar tās pēdējo dienu" in html
    db.session.expire_all()
    assert world.accepted_exchange.state == ACCEPTED


def test_another_organization_still_gets_not_found(app, world, ended):
    outsider = client_for(app, world.coordinator)  # the coordinating organization is no party to it
    response = outsider.post(f"/exchanges/{ended.id}/complete", data={"value_units": "x"})
    assert response.status_code == 404
    db.session.expire_all()
    assert ended.state == ACCEPTED
