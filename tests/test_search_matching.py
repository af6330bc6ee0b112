"""Needs are searched as resources are, and offers and needs are matched — on SQLite and PostgreSQL: the best
offer of another organization first, Latvian word forms, rarer shared words counting more, similar entries by
visibility, kind and state, and the resource page showing open needs of other organizations."""
from portal.extensions import db
from portal.resources import services as catalogue
from portal.resources.models import Need, Resource
from portal.resources.search import similar

from .helpers import client_for
from .search_helpers import entry, find, listing, titles
from .search_helpers import member, visitor  # noqa: F401  (fixtures)


# ---------------------------------------------------------------- needs

def test_needs_are_searched_the_same_way(world, app, member, visitor):
    entry(world.other_member, "Meklējam šūšanas mašīnu", model=Need, category="equipment", visibility="public",
          description="Vajadzīga šujmašīna jauniešu darbnīcai Krāslavā.", municipality="kraslavas",
          languages="lv,ru", terms="free")
    entry(world.other_member, "Vajadzīga skatuve", model=Need, state="paused",
          description="Skatuve brīvdabas koncertam.")
    db.session.commit()
    assert titles(find("meklejam lektoru", model=Need)) == ["Meklējam lektoru"]
    assert set(titles(find("MEKLĒJAM", model=Need))) == {"Meklējam šūšanas mašīnu", "Meklējam lektoru"}
    assert titles(find("susanas masinu", model=Need)) == ["Meklējam šūšanas mašīnu"]
    assert titles(find("sujmas", model=Need)) == ["Meklējam šūšanas mašīnu"]
    assert titles(find("meklejam", model=Need, public_only=True)) == ["Meklējam šūšanas mašīnu"]
    assert find("skatuve", model=Need).total == 0  # paused
    assert titles(find(model=Need, municipality="kraslavas", language="ru")) == ["Meklējam šūšanas mašīnu"]
    assert titles(find(model=Need, kind="intellectual")) == ["Meklējam lektoru"]

    page = listing(member, "/needs?q=meklejam+susanas")
    assert page.titles == ["Meklējam šūšanas mašīnu"] and page.count == 1
    assert page.cards[0][0].startswith("/needs/")
    assert listing(member, "/needs?q=meklejam").count == 2
    assert listing(visitor, "/needs?q=meklejam").titles == ["Meklējam šūšanas mašīnu"]
    assert listing(visitor, "/needs").count == 1
    assert listing(member, "/needs?q=lektoru&kind=material").count == 0


# ---------------------------------------------------------------- matching offers and needs

def test_a_need_finds_the_best_offer_of_another_org_first(world, app):
    catalogue.update(world.representative, world.resource, {
        "kind": "material", "category": "premises",
        "description": "Zāle ar 40 sēdvietām, skatuvi un apskaņošanu semināriem."})
    catalogue.update(world.representative, world.public_resource, {
        "kind": "material", "category": "equipment",
        "description": "Full HD projektors, 2 m ekrāns un HDMI kabeļi prezentācijām."})
    sound = entry(world.member, "Skaņas aparatūra", category="equipment",
                  description="Skandas un mikrofoni; der arī kopā ar projektoru.")
    own = entry(world.other_member, "Projektors semināriem", category="equipment",
                description="Projektors un ekrāns prezentācijām.")
    need = entry(world.other_member, "Meklējam projektoru", model=Need, category="equipment",
                 description="Vajadzīgs projektors un ekrāns valodu kluba prezentācijām.")
    db.session.commit()
    found = similar(Resource, f"{need.title} {need.description}", kind=need.kind, public_only=False,
                    exclude_org=need.org_id)
    assert found[0].title == "Projektors un ekrāns"
    assert sound in found
    assert own not in found, "offers of the need's own organization are not suggested"
    assert world.paused_resource not in found
    # The need's page shows it.
    html = client_for(app, world.other_member).get(f"/needs/{need.id}").get_data(as_text=True)
    offers = html.split("<h2>", 2)[-1]
    assert "Projektors un ekrāns" in offers and "Projektors semināriem" not in offers.split("</h2>", 1)[1]


def test_latvian_word_forms_match(world):
    """'Meklējam projektoru' (accusative) is answered by 'Projektors un ekrāns' (nominative)."""
    catalogue.update(world.representative, world.public_resource, {
        "kind": "material", "category": "equipment", "description": "Full HD, 2 m ekrāns un HDMI kabeļi."})
    catalogue.update(world.representative, world.resource, {
        "kind": "material", "category": "premises", "description": "Zāle ar 40 sēdvietām."})
    need = entry(world.other_member, "Meklējam projektoru", model=Need, category="equipment",
                 description="Uz vienu vakaru.")
    db.session.commit()
    found = similar(Resource, f"{need.title} {need.description}", kind=need.kind, public_only=False,
                    exclude_org=need.org_id)
    assert [e.title for e in found][:1] == ["Projektors un ekrāns"]


def test_rarer_shared_words_count_more(world):
    """An offer sharing the need's rare word beats one sharing only a word every offer has."""
    for n in range(6):
        entry(world.member, f"Telpa {n}", category="premises", description="Telpa semināriem un sanāksmēm.")
    rare = entry(world.member, "Keramikas krāsns", category="equipment",
                 description="Krāsns apdedzināšanai; semināriem pēc vienošanās.")
    common = entry(world.member, "Vēl viena telpa", category="premises",
                   description="Telpa semināriem un sanāksmēm, arī vakaros.")
    need = entry(world.other_member, "Vajadzīga krāsns", model=Need, category="equipment",
                 description="Keramikas nodarbībām, semināriem.")
    db.session.commit()
    assert rare.id < common.id
    found = similar(Resource, f"{need.title} {need.description}", kind="material", public_only=False,
                    exclude_org=need.org_id)
    assert found[0] == rare


def test_similar_respects_visibility_kind_and_state(world):
    need = entry(world.other_member, "Meklējam konferenču zāli", model=Need, category="premises",
                 description="Konferenču zāle ar projektoru semināram.")
    db.session.commit()
    text_ = f"{need.title} {need.description}"
    everyone = similar(Resource, text_, kind="material", public_only=False, exclude_org=need.org_id)
    public = similar(Resource, text_, kind="material", public_only=True, exclude_org=need.org_id)
    assert world.resource in everyone and world.resource not in public
    assert all(e.visibility == "public" for e in public)
    assert similar(Resource, text_, kind="intellectual", public_only=False, exclude_org=need.org_id) == []
    assert world.paused_resource not in everyone
    assert similar(Resource, "un ar par", kind=None, public_only=False) == []  # stop words only
    assert similar(Resource, "", kind=None, public_only=False) == []


def test_the_resource_page_shows_open_needs_of_other_orgs(world, app):
    open_need = entry(world.other_member, "Vajadzīgs projektors prezentācijām", model=Need, category="equipment",
                      description="Uz vienu vakaru nepieciešams projektors un ekrāns.")
    paused_need = entry(world.other_member, "Projektors un ekrāns nometnei", model=Need, category="equipment",
                        description="Projektors un ekrāns.", state="paused")
    own_need = entry(world.member, "Mums arī vajag projektoru un ekrānu", model=Need, category="equipment",
                     description="Projektors un ekrāns.")
    db.session.commit()
    html = client_for(app, world.member).get(f"/resources/{world.public_resource.id}").get_data(as_text=True)
    related = html[html.index("entries compact"):]
    assert open_need.title in related
    assert f"/needs/{open_need.id}" in related
    assert paused_need.title not in related
    assert own_need.title not in related
    # A visitor sees only public needs there.
    html = client_for(app, None).get(f"/resources/{world.public_resource.id}").get_data(as_text=True)
    assert open_need.title not in html
