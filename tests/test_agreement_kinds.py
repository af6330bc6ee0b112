"""The network agreement (of all active members, accession of a new member, an amendment as version two) and
exchange agreements (from an accepted exchange only). Every test runs on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import func, select

from portal.accounts.models import REPRESENTATIVE
from portal.agreements import drafting, services
from portal.agreements.models import APPROVED, EXCHANGE, IN_FORCE, NETWORK, TERMINATED, Agreement
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db
from portal.orgs import services as orgs

from .agreement_helpers import TODAY, audit_actions, bring_in_force, edit, sign_as
from .factories import make_org, make_user
from .helpers import client_for


# ================================================================ 6. the network agreement


def test_the_network_agreement_is_of_all_active_members_the_coordinating_one_first(world):
    arona = make_org("Ābeļzieds")  # sorts first in Latvian order, after the coordinating org
    make_user(arona, REPRESENTATIVE, email="abele@example.org")
    agreement = drafting.draft_network(world.representative, language="lv", valid_from=TODAY, valid_to=None)
    assert agreement.kind == NETWORK and agreement.version == 1 and agreement.previous_id is None
    assert not agreement.is_accession
    assert [p.org.name for p in agreement.parties] == ["Intelekta parks", "Ābeļzieds", "Baltā māja", "Sukrums"]
    assert [p.position for p in agreement.parties] == [0, 1, 2, 3]
    assert world.applicant_org.id not in agreement.party_org_ids()  # only active members
    assert all(p.signatory is not None for p in agreement.parties)


def test_a_new_member_accedes_to_the_network_agreement_in_force(app, world):
    network = drafting.draft_network(world.coordinator, language="lv", valid_from=TODAY, valid_to=None)
    assert drafting.needs_accession(world.org) is None  # nothing in force yet
    bring_in_force(network, world.coordinator, world.coordinator)
    assert drafting.network_agreement_in_force().id == network.id
    for org in (world.coord_org, world.org, world.other_org):
        assert drafting.needs_accession(org) is None
    assert drafting.needs_accession(world.applicant_org) is None  # not a member yet

    orgs.approve_application(world.coordinator, world.applicant_org)
    db.session.commit()
    assert drafting.needs_accession(world.applicant_org).id == network.id
    page = client_for(app, world.applicant).get("/agreements?lang=en").get_data(as_text=True)
    assert 'data-testid="accession-notice"' in page

    accession = drafting.draft_accession(world.applicant, language="lv", valid_from=TODAY)
    assert accession.kind == NETWORK and accession.is_accession and accession.accedes_to_id == network.id
    assert [p.org_id for p in accession.parties] == [world.applicant_org.id, world.coord_org.id]
    assert accession.party_for(world.coord_org.id).signatory_id == world.coordinator.id
    assert accession.valid_to == network.valid_to
    assert drafting.needs_accession(world.applicant_org) is None  # the accession is under way
    with pytest.raises(RuleViolation):
        drafting.draft_accession(world.applicant, language="lv", valid_from=TODAY)
    with pytest.raises(RuleViolation):  # a party of the agreement has nothing to accede to
        drafting.draft_accession(world.representative, language="lv", valid_from=TODAY)
    # The accession is not "the network agreement in force", even once in force itself.
    bring_in_force(accession, world.applicant, world.coordinator)
    assert drafting.network_agreement_in_force().id == network.id
    assert drafting.needs_accession(world.applicant_org) is None


def test_an_amendment_is_version_two_and_replaces_version_one_when_in_force(world):
    first = drafting.draft_network(world.coordinator, language="lv", valid_from=TODAY, valid_to=None)
    edit(world.coordinator, first, title="Tīklojuma līgums")
    bring_in_force(first, world.coordinator, world.coordinator)
    orgs.approve_application(world.coordinator, world.applicant_org)

    second = drafting.draft_network(world.representative, language="lv", valid_from=TODAY, valid_to=None)
    assert second.version == 2 and second.previous_id == first.id
    assert second.title == "Tīklojuma līgums" and second.clauses == first.clauses
    assert world.applicant_org.id in second.party_org_ids() and len(second.parties) == 4
    services.submit(world.representative, second)
    services.approve(world.coordinator, second)
    for party in second.parties[:-1]:
        sign_as(party.signatory, second)
    db.session.refresh(first)
    assert first.state == IN_FORCE and second.state == APPROVED  # not replaced before all have signed
    sign_as(second.parties[-1].signatory, second)
    db.session.commit()
    db.session.expire_all()
    first, second = db.session.get(Agreement, first.id), db.session.get(Agreement, second.id)
    assert second.state == IN_FORCE
    assert first.state == TERMINATED and first.ended_at is not None and first.ended_by_id is not None
    assert second.number in first.end_reason
    assert drafting.network_agreement_in_force().id == second.id
    assert "agreement.replaced" in audit_actions(first)


# ================================================================ 7. exchange agreements

def test_an_exchange_agreement_from_the_accepted_exchange(app, world):
    exchange = world.accepted_exchange
    agreement = drafting.draft_for_exchange(world.representative, exchange, language="lv")
    assert agreement.kind == EXCHANGE and agreement.exchange_id == exchange.id
    assert [p.org_id for p in agreement.parties] == [exchange.owner_org_id, exchange.requester_org_id]
    assert [p.org_id for p in agreement.parties] == [world.org.id, world.other_org.id]
    assert (agreement.valid_from, agreement.valid_to) == (exchange.starts_on, exchange.ends_on)
    clauses = " ".join(c["heading"] + " " + c["text"] for c in agreement.clauses)
    assert "Konferenču zāle “Dzerkaļi”" in clauses
    # The requesting side may draft it too; the signatory there is its representative.
    other = drafting.draft_for_exchange(world.other_representative, exchange, language="en")
    assert other.party_for(world.other_org.id).signatory_id == world.other_representative.id
    assert "Konferenču zāle “Dzerkaļi”" in " ".join(c["text"] for c in other.clauses)
    # A coordinator outside the exchange may not.
    with pytest.raises((NotAllowed, RuleViolation)):
        drafting.draft_for_exchange(world.coordinator, exchange, language="lv")
    db.session.commit()
    response = client_for(app, world.representative).post(f"/exchanges/{exchange.id}/agreement?lang=en",
                                                           data={"language": "lv"})
    assert response.status_code == 302 and "/edit" in response.headers["Location"]


def test_no_exchange_agreement_for_a_pending_exchange(app, world):
    with pytest.raises(RuleViolation):
        drafting.draft_for_exchange(world.representative, world.exchange, language="lv")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{world.exchange.id}/agreement?lang=en", data={"language": "lv"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An agreement can be drafted for an accepted exchange only." in page
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
