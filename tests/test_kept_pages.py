"""Catalogue pages kept rendered per process (portal/resources/pages.py): whatever changes the catalogue, from
this process or from another app server, shows on the next page; what differs between audiences never leaks."""
import re

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.resources import pages
from portal.resources.models import CatalogueVersion, Resource

from .factories import make_org, make_resource, make_user
from .helpers import client_for, commit_as_another_server

CARD_TITLE = re.compile(r'<h3><a href="[^"]+">(.*?)</a></h3>')
URL = "/resources?q=krasns"


def titles(response) -> list[str]:
    assert response.status_code == 200
    return CARD_TITLE.findall(response.get_data(as_text=True))


@pytest.fixture
def stove(world):
    org = make_org("Krāšņu biedrība")
    owner = make_user(org, role="representative")
    resource = make_resource(owner, title="Krāsns", description="Maizes krāsns", visibility="public")
    db.session.commit()
    return resource


def version() -> str:
    return db.session.get(CatalogueVersion, pages.VERSION_ROW).token


def test_a_page_is_kept_and_served_without_searching_again(app, stove):
    visitor = client_for(app, None)
    first = visitor.get(URL).get_data(as_text=True)
    searched = []
    original = pages.kept

    def spy(key):
        found = original(key)
        searched.append(found is not None)
        return found

    pages.kept = spy
    try:
        assert visitor.get(URL).get_data(as_text=True) == first
    finally:
        pages.kept = original
    assert searched == [True]


def test_every_change_through_the_orm_gives_the_catalogue_a_new_version(app, stove):
    before = version()
    stove.title = "Krāsns (maizei)"
    db.session.commit()
    after_edit = version()
    assert after_edit != before
    stove.org.phone = "+371 20000000"
    db.session.commit()
    assert version() != after_edit
    untouched = version()
    db.session.add(make_user(stove.org))  # a new person is not part of the catalogue
    db.session.commit()
    assert version() == untouched


def test_a_change_before_a_refused_rule_still_gives_a_new_version_at_the_commit(app, stove):
    """A rule runs in a savepoint: its rollback undoes only its own writes, so the change made before it still
    needs a new version when the transaction commits (and none is written at a savepoint's release)."""
    before = version()
    stove.title = "Krāsns (maizei)"
    db.session.flush()
    with pytest.raises(ZeroDivisionError), db.session.begin_nested():
        1 / 0
    with db.session.begin_nested():
        pass
    assert db.session.scalar(select(CatalogueVersion.token)) == before, "written at a savepoint's release"
    db.session.commit()
    assert version() != before


def test_an_edit_shows_on_the_next_page(app, stove):
    visitor = client_for(app, None)
    assert titles(visitor.get(URL)) == ["Krāsns"]
    stove.title = "Krāsns maizei"
    db.session.commit()
    assert titles(visitor.get(URL)) == ["Krāsns maizei"]


def excerpt(response) -> str:
    return re.search(r'<p class="excerpt">(.*?)</p>', response.get_data(as_text=True)).group(1)


def test_a_bulk_update_changes_the_version_too(app, stove):
    visitor = client_for(app, None)
    assert excerpt(visitor.get(URL)) == "Maizes krāsns"
    db.session.execute(update(Resource).where(Resource.id == stove.id).values(description="Maizes krāsns ar plīti"))
    db.session.commit()
    assert excerpt(visitor.get(URL)) == "Maizes krāsns ar plīti"


def test_a_change_committed_by_another_app_server_shows_at_once(app, stove):
    """Another server: its own engine and session on the same database, its own commit."""
    visitor = client_for(app, None)
    assert excerpt(visitor.get(URL)) == "Maizes krāsns"
    stove_id = stove.id

    def describe(session):
        session.get(Resource, stove_id).description = "Krāsns, kas cep arī pīrāgus"

    commit_as_another_server(describe)
    assert excerpt(visitor.get(URL)) == "Krāsns, kas cep arī pīrāgus"


def test_a_member_never_gets_the_visitors_page_nor_the_other_way_round(app, stove, world):
    network_only = make_resource(make_user(stove.org), title="Krāsns tīklam", description="Krāsns",
                                 visibility="network")
    db.session.commit()
    visitor, member = client_for(app, None), client_for(app, world.member)
    for _ in range(2):  # the second time from the kept pages
        assert titles(visitor.get(URL)) == ["Krāsns"]
        assert sorted(titles(member.get(URL))) == sorted(["Krāsns", network_only.title])
        assert "Log in to see" not in member.get(URL + "&lang=en").get_data(as_text=True)
        assert "Log in to see" in visitor.get(URL + "&lang=en").get_data(as_text=True)
    client_for(app, world.member).get(URL + "&lang=lv")


def test_each_language_has_its_own_page(app, stove):
    visitor = client_for(app, None)
    lv = visitor.get(URL).get_data(as_text=True)
    en = visitor.get(URL + "&lang=en").get_data(as_text=True)
    assert "Meklēt" in lv and ">Search<" in en


def test_without_the_version_row_nothing_is_kept(app, stove):
    db.session.delete(db.session.get(CatalogueVersion, pages.VERSION_ROW))
    db.session.commit()
    assert pages.current_version(db.session) is None
    visitor = client_for(app, None)
    assert titles(visitor.get(URL)) == ["Krāsns"]
    stove.title = "Krāsns maizei"  # the change writes the row again
    db.session.commit()
    assert pages.current_version(db.session) is not None
    assert titles(visitor.get(URL)) == ["Krāsns maizei"]
