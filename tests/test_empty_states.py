"""Empty lists say why they are empty and what to do, instead of "0 results… try fewer words" to someone who
typed nothing."""
import html as htmllib
import re

from sqlalchemy import select

from portal.extensions import db
from portal.resources import services as catalogue
from portal.resources.models import Resource

from .helpers import client_for


def empty_state(response) -> str:
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'<div class="empty-state" data-testid="empty-state">(.*?)</div>', page, re.S)
    assert match, "no empty state"
    assert 'data-testid="result-count"' not in page or "?q=" in response.request.url
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_a_visitor_opening_needs_is_told_they_are_for_members(client, world):
    assert world.need.visibility == "network"  # the only need: for members
    text = empty_state(client.get("/needs?lang=en"))
    assert "Needs are shared with the network’s member organizations" in text
    assert "Log in" in text and "Apply for membership" in text
    assert "fewer" not in text and "0 results" not in text
    lv = empty_state(client.get("/needs?lang=lv"))
    assert "Needs" not in lv and "Log in" not in lv


def test_a_search_that_finds_nothing_says_so_and_suggests_fewer_words(client, world):
    text = empty_state(client.get("/resources?q=zzzqqq&lang=en"))
    assert "Nothing matches “zzzqqq”." in text and "fewer or other words" in text
    assert "log in to search it too" in text  # a visitor: members' entries are not searched


def test_an_empty_catalogue_invites_a_member_to_publish(app, world):
    for resource in db.session.scalars(select(Resource)).all():
        if resource.state != "archived":
            catalogue.change_state(world.representative, resource, "archived")
    db.session.commit()
    text = empty_state(client_for(app, world.member).get("/resources?lang=en"))
    assert "No organization has published a resource yet." in text and "Publish a resource" in text
