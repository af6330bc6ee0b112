"""Membership: applying, deciding, suspending, and the people of an organization."""
import threading

import pytest
from sqlalchemy import func, select

from portal.accounts.models import REPRESENTATIVE, User
from portal.audit.models import AuditEvent
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db
from portal.notifications.models import Notification
from portal.orgs import services
from portal.orgs.models import ACTIVE, APPLIED, REJECTED, SUSPENDED, Organization

from .helpers import client_for, login, outbox

APPLICATION = {
    "name": "Rēzeknes jauniešu centrs “Ūdenszīme”", "legal_form": "association",
    "registration_number": "40008999888", "legal_address": "Atbrīvošanas aleja 1, Rēzekne",
    "municipality": "rezekne", "email": "info@udenszime.example.org", "phone": "+371 29 123 456",
    "website": "https://udenszime.example.org", "description": "Jauniešu iniciatīvas Rēzeknē.",
    "person_name": "Žanna Ķēniņa", "person_position": "valdes priekšsēdētāja",
    "person_email": "zanna@udenszime.example.org", "password": "zaļš ezers rudenī 2024",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def page(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- applying

def test_application_creates_an_applied_org_and_its_future_representative(client, world):
    response = client.post("/apply", data=APPLICATION)
    assert response.status_code == 302 and response.headers["Location"] == "/apply/sent"
    org = db.session.scalar(select(Organization).where(Organization.registration_number == "40008999888"))
    assert org.state == APPLIED and org.name == APPLICATION["name"]
    applicant = org.people[0]
    assert (applicant.email, applicant.role, applicant.position) == \
        ("zanna@udenszime.example.org", REPRESENTATIVE, "valdes priekšsēdētāja")
    # A receipt to the applicant; the coordinators hear what waits for their decision.
    assert [m.recipient for m in outbox()] == ["zanna@udenszime.example.org", "coordinator@example.org"]
    assert db.session.scalar(select(Notification).where(Notification.user_id == world.coordinator.id))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.applied")).org_id == org.id


@pytest.mark.parametrize("field, value, message_part", [
    ("registration_number", "123", "11"),
    ("registration_number", "4000899988A", "11"),
    ("email", "not-an-email", "e-mail"),
    ("person_email", "zanna@", "e-mail"),
    ("website", "udenszime", "https://"),
    ("password", "short", "12"),
    ("password", "123456789012", "common"),
    ("name", "", ""),
])
def test_bad_input_is_marked_next_to_its_field_and_the_typing_kept(client, world, field, value, message_part):
    data = dict(APPLICATION, **{field: value})
    html = page(client.post("/apply?lang=en", data=data))
    assert f'data-field="{field}"' in html
    assert message_part in html
    assert 'value="Žanna Ķēniņa"' in html or field == "person_name"
    assert "Jauniešu iniciatīvas Rēzeknē." in html or field == "description"
    assert count(Organization) == 4, "nothing may be stored"


def test_registration_number_with_spaces_is_accepted(client, world):
    client.post("/apply", data=dict(APPLICATION, registration_number="4000 8999 888"))
    assert db.session.scalar(select(Organization.registration_number).where(Organization.name == APPLICATION["name"])) \
        == "40008999888"


def test_duplicate_registration_number_or_email_is_refused(client, world):
    html = page(client.post("/apply?lang=en", data=dict(APPLICATION, registration_number=world.org.registration_number)))
    assert 'data-field="registration_number"' in html and "already registered" in html
    html = page(client.post("/apply?lang=en", data=dict(APPLICATION, person_email=world.member.email.upper())))
    assert 'data-field="person_email"' in html and "already exists" in html
    assert count(Organization) == 4 and count(User) == 6


def test_application_ignores_fields_it_does_not_have(client, world):
    client.post("/apply", data=dict(APPLICATION, state="active", is_coordinating="y", role="coordinator"))
    org = db.session.scalar(select(Organization).where(Organization.registration_number == "40008999888"))
    assert org.state == APPLIED and not org.is_coordinating
    assert not org.people[0].is_coordinator


# ---------------------------------------------------------------- deciding

def test_approval_activates_the_org_and_mails_the_applicant(app, world):
    coordinator = client_for(app, world.coordinator)
    response = coordinator.post(f"/coordination/applications/{world.applicant_org.id}/approve")
    assert response.status_code == 302
    db.session.refresh(world.applicant_org)
    assert world.applicant_org.state == ACTIVE
    assert world.applicant_org.decided_by_id == world.coordinator.id
    assert outbox()[-1].recipient == world.applicant.email
    login(app.test_client(), world.applicant.email)  # the applicant can now log in as representative


def test_rejection_needs_a_reason_and_mails_it(app, world):
    coordinator = client_for(app, world.coordinator)
    empty = coordinator.post(f"/coordination/applications/{world.applicant_org.id}/reject", data={"reason": ""})
    assert empty.status_code == 422 and 'data-field="reason"' in page(empty)
    db.session.refresh(world.applicant_org)
    assert world.applicant_org.state == APPLIED
    coordinator.post(f"/coordination/applications/{world.applicant_org.id}/reject",
                     data={"reason": "Nav reģistrēta kā NVO"})
    db.session.refresh(world.applicant_org)
    assert world.applicant_org.state == REJECTED
    assert "Nav reģistrēta kā NVO" in outbox()[-1].body


def test_a_decided_application_cannot_be_decided_again(app, world):
    services.approve_application(world.coordinator, world.applicant_org)
    db.session.commit()
    with pytest.raises(RuleViolation):
        services.reject_application(world.coordinator, world.applicant_org, "late")
    db.session.rollback()
    assert db.session.get(Organization, world.applicant_org.id).state == ACTIVE


def test_only_coordinators_decide(world):
    with pytest.raises(NotAllowed):
        services.approve_application(world.representative, world.applicant_org)


def test_two_coordinators_approving_at_once_leave_one_winner(app, world):
    second = User(org=world.coord_org, email="second.coordinator@example.org", name="Inese Valtere",
                  role="member", is_coordinator=True, password_hash=world.coordinator.password_hash)
    db.session.add(second)
    db.session.commit()
    clients = [client_for(app, world.coordinator), client_for(app, second)]
    url = f"/coordination/applications/{world.applicant_org.id}/approve?lang=en"
    barrier = threading.Barrier(2)
    results = [None, None]

    def act(i):
        barrier.wait()
        response = clients[i].post(url)
        results[i] = (response.status_code, clients[i].get(response.headers["Location"]).get_data(True))

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    db.session.commit()  # outside requests SQLite transactions take the write lock: hold none while they race
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r[0] for r in results] == [302, 302]
    won = [r for r in results if "is approved" in r[1]]
    lost = [r for r in results if "already been decided" in r[1]]
    assert len(won) == 1 and len(lost) == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "org.approved")) == 1
    assert len([m for m in outbox() if m.recipient == world.applicant.email]) == 1


# ---------------------------------------------------------------- suspending

def test_suspend_and_reactivate(app, world):
    coordinator = client_for(app, world.coordinator)
    coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "Nav pārskata"})
    db.session.refresh(world.org)
    assert world.org.state == SUSPENDED
    coordinator.post(f"/orgs/{world.org.id}/reactivate")
    db.session.refresh(world.org)
    assert world.org.state == ACTIVE
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.org_id == world.org.id)).all()
    assert "org.suspended" in actions and "org.reactivated" in actions


def test_the_suspension_page_says_what_it_does_and_asks_for_the_reason_at_its_field(app, world):
    coordinator = client_for(app, world.coordinator)
    profile = coordinator.get(f"/orgs/{world.org.id}").get_data(as_text=True)
    assert f'href="/orgs/{world.org.id}/suspend"' in profile
    page = coordinator.get(f"/orgs/{world.org.id}/suspend").get_data(as_text=True)
    assert "Tās sertifikāts tiek atsaukts" in page and 'name="reason"' in page
    refused = coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "  "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<p class="error" data-field="reason">Norādiet dalības apturēšanas iemeslu.</p>' in html
    assert 'href="#reason"' in html  # the error summary links to the field
    db.session.refresh(world.org)
    assert world.org.state == ACTIVE


def test_the_coordinating_org_cannot_be_suspended(world):
    with pytest.raises(NotAllowed):
        services.suspend(world.coordinator, world.coord_org, "no")


# ---------------------------------------------------------------- people

def test_representative_invites_a_member(app, world):
    rep = client_for(app, world.representative)
    response = rep.post(f"/orgs/{world.org.id}/people/invite",
                        data={"name": "Anna Ērgle", "email": "Anna@Example.org", "role": "member"})
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "anna@example.org"))
    assert invited.org_id == world.org.id and invited.password_hash is None
    assert outbox()[-1].recipient == "anna@example.org"


def test_inviting_an_existing_email_is_refused_next_to_the_field(app, world):
    rep = client_for(app, world.representative)
    response = rep.post(f"/orgs/{world.org.id}/people/invite?lang=en",
                        data={"name": "X", "email": world.other_member.email, "role": "member"})
    assert response.status_code == 422
    assert 'data-field="email"' in page(response) and "already exists" in page(response)


def test_a_removed_person_can_be_invited_again(app, world):
    services.remove_person(world.representative, world.org, world.member.id)
    db.session.commit()
    person = services.invite(world.representative, world.org, world.member.email, "Jānis", "member")
    db.session.commit()
    assert person.id == world.member.id and person.removed_at is None and person.password_hash is None


def test_roles_change_but_the_last_representative_stays(app, world):
    with pytest.raises(RuleViolation):
        services.change_role(world.representative, world.org, world.representative.id, "member")
    db.session.rollback()
    services.change_role(world.representative, world.org, world.member.id, "representative")
    services.change_role(world.representative, world.org, world.representative.id, "member")
    db.session.commit()
    assert db.session.get(User, world.member.id).role == "representative"
    assert db.session.get(User, world.representative.id).role == "member"


def test_the_last_representative_cannot_be_removed(world):
    world.member.role = "representative"
    db.session.commit()
    services.remove_person(world.member, world.org, world.representative.id)
    with pytest.raises(RuleViolation):
        services.remove_person(world.member, world.org, world.member.id)


def test_refused_role_change_shows_why(app, world):
    rep = client_for(app, world.representative)
    response = rep.post(f"/orgs/{world.org.id}/people/{world.representative.id}/role?lang=en",
                        data={"role": "member"}, follow_redirects=True)
    assert "at least one representative" in page(response)


def test_a_person_of_another_org_is_not_found_through_this_org(app, world):
    rep = client_for(app, world.representative)
    response = rep.post(f"/orgs/{world.org.id}/people/{world.other_member.id}/remove")
    assert response.status_code == 404
    assert db.session.get(User, world.other_member.id).removed_at is None


def test_removed_person_is_logged_out(app, world):
    member = client_for(app, world.member)
    client_for(app, world.representative).post(f"/orgs/{world.org.id}/people/{world.member.id}/remove")
    assert member.get("/account").status_code == 302


def test_cross_org_changes_answer_404_and_change_nothing(app, world):
    other = client_for(app, world.other_representative)
    before = db.session.get(Organization, world.org.id).name
    assert other.post(f"/orgs/{world.org.id}/edit", data={"name": "Hacked"}).status_code == 404
    assert other.post(f"/orgs/{world.org.id}/people/{world.member.id}/role",
                      data={"role": "representative"}).status_code == 404
    assert db.session.get(Organization, world.org.id).name == before
    assert db.session.get(User, world.member.id).role == "member"


# ---------------------------------------------------------------- profile pages

def test_public_profile_shows_the_org_but_not_its_people(client, world):
    html = page(client.get(f"/orgs/{world.org.id}"))
    assert "Baltā māja" in html and world.org.registration_number in html
    assert world.member.email not in html


def test_representative_edits_the_profile(app, world):
    rep = client_for(app, world.representative)
    data = {"name": "Baltā māja", "legal_form": "association", "registration_number": world.org.registration_number,
            "legal_address": "Rīgas iela 4, Līvāni", "municipality": "livanu", "email": "balta@example.org",
            "phone": "", "website": "", "description": "Labdarība un brīvprātīgais darbs"}
    assert rep.post(f"/orgs/{world.org.id}/edit", data=data).status_code == 302
    assert db.session.get(Organization, world.org.id).description == "Labdarība un brīvprātīgais darbs"


def test_directory_is_in_latvian_alphabetical_order(client, world):
    from .factories import make_org

    for name in ("Čiekuri", "Ābeles", "Cēsu draugi", "Žagatas", "Zīles"):
        make_org(name)
    db.session.commit()
    html = page(client.get("/orgs"))
    positions = [html.index(name) for name in
                 ("Ābeles", "Baltā māja", "Cēsu draugi", "Čiekuri", "Intelekta parks", "Sukrums", "Zīles", "Žagatas")]
    assert positions == sorted(positions)
