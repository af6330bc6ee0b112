"""The home page after login: what waits for each role (never another organization's private items), what
is coming, the network's month for coordinators, and a new organization's checklist that ticks itself."""
from datetime import date, timedelta

from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.home import services as home
from portal.orgs.models import APPLIED
from portal.resources.models import Need

from .factories import make_agreement, make_org, make_resource, make_user, request_exchange
from .helpers import client_for


def _counts(waiting):
    return {w.key: w.count for w in waiting}


def test_visitors_get_the_landing_page_and_people_their_home(app, world):
    visitor = app.test_client().get("/").get_data(as_text=True)
    assert "How to join" in visitor or "Kā pievienoties" in visitor
    page = client_for(app, world.member).get("/").get_data(as_text=True)
    assert 'data-testid="waiting"' in page
    assert "Kā pievienoties" not in page and "How to join" not in page


def test_coordinator_waits_for_applications_and_approvals_and_sees_the_month(app, world):
    agreement = make_agreement(world, "submitted")
    db.session.commit()
    counts = _counts(home.coordinator_waiting(world.coordinator))
    assert counts["applications"] == 1 and counts["approvals"] == 1 and counts["suspended"] == 0
    assert home.coordinator_waiting(world.representative) == []  # not a coordinator
    page = client_for(app, world.coordinator).get("/").get_data(as_text=True)
    assert f'href="/agreements/{agreement.id}"' in page  # one click from home to the waiting agreement
    assert 'href="/coordination/applications/%d"' % world.applicant_org.id in page
    assert 'data-testid="network-figures"' in page


def test_network_figures_count_this_month_only(app, world):
    exchange = world.accepted_exchange
    exchanges.complete(world.representative, exchange, value_units=None, value_eur=120,
                       today=exchange.ends_on)
    db.session.commit()
    figures = home.network_figures()
    assert figures["exchanges_completed"] == 1 and figures["value_shared"] == 120
    assert home.network_figures(date.today() + timedelta(days=62))["exchanges_completed"] == 0


def test_representative_waits_for_requests_signatures_and_comments_of_their_own_org_only(app, world):
    # org C's representative drafts with org B: org B has a draft to read, org C a draft to finish.
    drafted = make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)
    approved = make_agreement(world, "approved")  # org B and the coordinating org; nobody has signed
    db.session.commit()
    counts = _counts(home.representative_waiting(world.representative))
    assert counts == {"sign": 1, "comment": 1, "drafts": 0, "requests": 1}
    assert home.agreements_to_sign(world.representative)[0].id == approved.id
    other = _counts(home.representative_waiting(world.other_representative))
    assert other == {"sign": 0, "comment": 0, "drafts": 1, "requests": 0}  # org B's request and agreement: not theirs
    assert home.representative_waiting(world.member) == []  # members do not answer or sign
    page = client_for(app, world.representative).get("/").get_data(as_text=True)
    assert f'href="/agreements/{drafted.id}"' in page and f'href="/exchanges/{world.exchange.id}"' in page


def test_signing_stops_waiting_once_our_party_signed(app, world):
    from portal.agreements import signatures
    from .factories import PASSWORD

    agreement = make_agreement(world, "approved")
    party = agreement.party_for(world.org.id)
    signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name, consent=True)
    db.session.commit()
    assert home.agreements_to_sign(world.representative) == []


def test_member_sees_our_requests_what_we_lend_and_unread_messages(app, world):
    today = date.today()
    assert [e.id for e in home.our_requests(world.other_org.id)] == [world.accepted_exchange.id, world.exchange.id]
    assert home.our_requests(world.org.id) == []
    soon = world.accepted_exchange  # starts in 10 days: not this week
    assert home.lent_this_week(world.org.id) == []
    assert home.lent_this_week(world.org.id, today + timedelta(days=5)) == [soon]
    assert home.starting_soon(world.other_org.id, today + timedelta(days=5)) == [soon]
    assert home.lent_this_week(world.other_org.id, today + timedelta(days=5)) == []  # they borrow, not lend
    exchanges.post_message(world.other_member, world.exchange, "Vai der arī piektdien?")
    db.session.commit()
    assert home.unread_messages(world.member) == 1 and home.unread_messages(world.other_member) == 0
    page = client_for(app, world.member).get("/").get_data(as_text=True)
    assert 'data-testid="unread-messages">1<' in page


def test_a_new_organization_has_a_checklist_that_ticks_itself(app, world):
    org = make_org("Jaunā Latgale")
    org.description = ""
    rep = make_user(org, "representative")
    db.session.commit()
    done = lambda: {s.key: s.done for s in home.onboarding(org)}  # noqa: E731
    assert done() == dict.fromkeys(("profile", "colleague", "resource", "need", "network"), False)
    page = client_for(app, rep).get("/").get_data(as_text=True)
    assert 'data-testid="onboarding"' in page and 'data-testid="step-resource" data-done="no"' in page
    org.description, org.phone = "Jauniešu biedrība", "+371 20000000"
    make_user(org)
    make_resource(rep, title="Galda spēles")
    make_resource(rep, model=Need, title="Meklējam telpas")
    db.session.commit()
    assert done() == {"profile": True, "colleague": True, "resource": True, "need": True, "network": False}
    make_agreement(world, "draft")  # a cooperation agreement of other orgs is no accession
    db.session.commit()
    assert done()["network"] is False
    assert 'data-testid="step-resource" data-done="yes"' in client_for(app, rep).get("/").get_data(as_text=True)


def test_an_established_organization_sees_no_checklist(app, world):
    org = world.org
    org.phone = "+371 26000000"
    make_agreement(world, "submitted")  # stands in for its network agreement below
    from portal.agreements.models import Agreement
    agreement = db.session.scalars(db.select(Agreement)).first()
    agreement.kind = "network"
    db.session.commit()
    assert all(s.done for s in home.onboarding(org))
    assert 'data-testid="onboarding"' not in client_for(app, world.representative).get("/").get_data(as_text=True)


def test_applicants_are_never_counted_for_representatives(app, world):
    assert world.applicant_org.state == APPLIED
    page = client_for(app, world.representative).get("/").get_data(as_text=True)
    assert "Jaunā biedrība" not in page


def test_needs_show_offers_published_after_them(app, world):
    offer = make_resource(world.other_representative, title="Lektors par projektu vadību", kind="intellectual",
                          category="training", handover="", format="in_person",
                          description="Meklējam lektoru? Lektors apmācībām par projektiem.")
    db.session.commit()
    found = home.needs_with_new_offers(world.representative)
    assert [(need.id, [o.id for o in offers]) for need, offers in found] == [(world.need.id, [offer.id])]


def test_a_coordinator_waits_for_the_disputes_to_settle_oldest_first_and_nobody_else(app, world):
    from portal.exchanges.resolutions import resolve_dispute

    from .test_exchange_resolution import SETTLED, make_disputed

    newer = make_disputed(world, title="Brīvprātīgie festivālam")
    older = make_disputed(world, title="Skaņas pults")
    older.starts_on = older.ends_on = date.today() - timedelta(days=9)
    settled = make_disputed(world, title="Telts pasākumiem")
    resolve_dispute(world.coordinator, settled, SETTLED)
    db.session.commit()
    [disputes] = [w for w in home.coordinator_waiting(world.coordinator) if w.key == "disputes"]
    assert disputes.count == 2 and disputes.link == "/coordination/statistics?period=all#confirmations"
    assert disputes.items == [
        (f"#{older.id} Skaņas pults · Baltā māja – Sukrums", f"/coordination/disputes/{older.id}"),
        (f"#{newer.id} Brīvprātīgie festivālam · Baltā māja – Sukrums", f"/coordination/disputes/{newer.id}")]
    coordinator = client_for(app, world.coordinator)
    for lang, label in (("en", "Disputed exchanges to settle"), ("lv", "Apmaiņas strīdā, kas jāatrisina")):
        page = coordinator.get(f"/?lang={lang}").get_data(as_text=True)
        section = page[page.index('data-testid="waiting-disputes"'):]
        section = section[:section.index("</li>\n")]  # the kind's own item, as the other kinds render
        assert label in section and '<span class="count">2</span>' in section, lang
        assert 'href="/coordination/statistics?period=all#confirmations"' in section
        assert f'href="/coordination/disputes/{older.id}"' in section
        assert "Skaņas pults · Baltā māja – Sukrums" in section
        assert f"/coordination/disputes/{settled.id}" not in page, "a settled dispute no longer waits"
    listed = coordinator.get(disputes.link.split("#")[0]).get_data(as_text=True)  # where the section's link leads
    assert 'id="confirmations"' in listed
    assert f'data-testid="dispute-{older.id}"' in listed and f'data-testid="dispute-{newer.id}"' in listed
    for person in (world.representative, world.other_representative, world.member, world.other_member):
        assert home.coordinator_waiting(person) == []
        assert "disputes" not in _counts(home.representative_waiting(person))
        page = client_for(app, person).get("/").get_data(as_text=True)
        assert 'data-testid="waiting-disputes"' not in page and "/coordination/disputes/" not in page


def test_an_agreement_is_named_with_its_parties_unless_its_title_already_names_them(app, world):
    agreement = make_agreement(world, "submitted")
    names = [party.org.name for party in agreement.parties]
    agreement.title = "Sadarbības līgums"
    assert home.agreement_item(agreement)[0] == "Sadarbības līgums: " + " – ".join(names)
    agreement.title = "Sadarbības līgums: " + " – ".join(names)
    assert home.agreement_item(agreement)[0] == agreement.title  # not "…: A – B: A – B"
