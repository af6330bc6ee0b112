"""A need's optional "needed by" day: typed on the form, shown on the need's page, its card and in lists, in the
reader's date format, and marked once the day is over."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.dates import local_today
from portal.extensions import db
from portal.resources.models import Need

from .catalogue_helpers import resource_form
from .factories import make_resource, make_token
from .helpers import client_for
from .test_api import api

NEED = dict(kind="intellectual", category="training", title="Meklējam grāmatvedības lektoru", handover="",
            visibility="network", languages=["lv"])


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def member(app, world):
    c = client_for(app, world.member)
    c.get("/?lang=lv")
    return c


@pytest.fixture
def other(app, world):
    c = client_for(app, world.other_member)
    c.get("/?lang=lv")
    return c


def newest_need() -> Need:
    return db.session.scalars(select(Need).order_by(Need.id.desc())).first()


def lv_medium(day) -> str:
    return f"{day.day}.{day.month:02d}.{day.year}."


def test_the_day_is_kept_and_shown_on_the_page_the_card_and_the_lists(member, other, world):
    day = local_today() + timedelta(days=40)
    response = member.post("/needs/new", data=resource_form(**NEED, needed_by=day.isoformat()))
    assert response.status_code == 302
    need = newest_need()
    assert need.needed_by == day and not need.needed_by_passed
    detail = page(member.get(f"/needs/{need.id}"))
    assert "Nepieciešams līdz" in detail and f"{day.year}. gada {day.day}." in detail
    assert "termiņš ir pagājis" not in detail
    for url in ("/needs", f"/orgs/{world.org.id}"):
        shown = page(other.get(url))
        assert f"Nepieciešams līdz {lv_medium(day)}" in shown, url
    # The edit form shows it again, and emptying it takes it away.
    assert f'value="{day.isoformat()}"' in page(member.get(f"/needs/{need.id}/edit"))
    assert member.post(f"/needs/{need.id}/edit", data=resource_form(**NEED, needed_by="")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).needed_by is None
    assert 'data-testid="needed-by"' not in page(other.get("/needs"))


def test_the_day_is_optional_and_resources_have_none(member, world):
    assert member.post("/needs/new", data=resource_form(**NEED)).status_code == 302
    assert newest_need().needed_by is None
    assert 'name="needed_by"' in page(member.get("/needs/new"))
    assert 'name="needed_by"' not in page(member.get("/resources/new"))


def test_a_bad_or_past_day_is_a_message_next_to_it_with_the_other_problems(member):
    before = newest_need().id
    for typed, message in (("9999-12-31", "Ievadiet datumu no"), ("31.02.2027", "Ievadiet datumu."),
                           ((local_today() - timedelta(days=1)).isoformat(), "Šī diena jau ir pagājusi")):
        html = page(member.post("/needs/new", data=resource_form(**{**NEED, "title": ""}, needed_by=typed)))
        assert 'data-field="needed_by"' in html and message in html, typed
        assert 'data-field="title"' in html  # every problem at once
        assert f'value="{typed}"' in html  # the typing is kept
    assert newest_need().id == before


def test_a_day_that_has_passed_is_marked_and_an_edit_may_keep_it(member, other, world):
    past = local_today() - timedelta(days=3)
    world.need.needed_by = past
    db.session.commit()
    assert world.need.needed_by_passed
    detail = page(other.get(f"/needs/{world.need.id}"))
    assert "termiņš ir pagājis" in detail
    card = page(other.get("/needs"))
    assert f"Nepieciešams līdz {lv_medium(past)}" in card and "termiņš ir pagājis" in card
    # Saving other changes keeps the day that has passed; another day in the past is refused.
    data = resource_form(**{**NEED, "title": "Meklējam lektoru"}, needed_by=past.isoformat())
    assert member.post(f"/needs/{world.need.id}/edit", data=data).status_code == 302
    html = page(member.post(f"/needs/{world.need.id}/edit",
                            data={**data, "needed_by": (past - timedelta(days=1)).isoformat()}))
    assert "Šī diena jau ir pagājusi" in html


def test_the_home_page_names_the_day_beside_the_need(app, world):
    from portal.resources.models import Resource

    day = local_today() + timedelta(days=10)
    need = make_resource(world.representative, model=Need, title="Meklējam projektoru", category="equipment",
                         handover="pickup", needed_by=day)
    db.session.commit()
    offer = make_resource(world.other_representative, model=Resource, title="Projektors ar ekrānu",
                          category="equipment", handover="pickup")
    offer.created_at = need.created_at + timedelta(minutes=1)
    db.session.commit()
    home = page(client_for(app, world.representative).get("/?lang=lv"))
    assert 'data-testid="needs-offers"' in home
    assert f"Nepieciešams līdz {lv_medium(day)}" in home


def test_the_api_gives_the_day(app, world):
    day = local_today() + timedelta(days=5)
    world.need.needed_by = day
    db.session.commit()
    answer = api(app, make_token(world.other_member)).get(f"/api/v1/needs/{world.need.id}").json
    assert answer["needed_by"] == day.isoformat()
