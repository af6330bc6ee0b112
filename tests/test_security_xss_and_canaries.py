"""SECURITY.md made testable, stored data: hostile text planted in every field a person can fill is escaped
on every page, mail and JSON; a canary in private data never leaks to outsiders."""
import json
import secrets
import urllib.parse

import pytest
import sqlalchemy as sa
from markupsafe import escape

from portal.accounts.models import User
from portal.extensions import db
from portal.orgs.models import Organization

from .factories import PASSWORD_HASH, make_user
from .helpers import client_for, login
from .route_matrix_roles import ENTRY_FORM, ORG_FORM
from .security_helpers import GET_ROWS, NEW_PASSWORD, RAW, assert_no_raw_payload, page


# ---------------------------------------------------------------- stored XSS


@pytest.fixture
def many_logins(app):
    """These tests log many people in from the one test IP; the login rate limit is tested elsewhere."""
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def payload(tag: str) -> str:
    return f"{RAW}{tag}"


def shown(value: str) -> str:
    """How a value must appear in HTML."""
    return str(escape(value))


def shown_in_json(value: str) -> str:
    """How a value must appear inside the audit log's JSON details."""
    return str(escape(json.dumps(value, ensure_ascii=False)[1:-1]))


def check_pages(app, checks):
    """checks: (user or None, url, {tag: value shown plainly}, {tag: value shown in JSON})."""
    clients = {}
    for user, url, plain, in_json in checks:
        key = getattr(user, "id", None)
        if key not in clients:
            clients[key] = client_for(app, user)
        response = clients[key].get(url)
        where = f"{url} as {getattr(user, 'email', 'anonymous')}"
        assert response.status_code == 200, where
        html = page(response)
        assert_no_raw_payload(html, where)
        assert "&lt;script&gt;alert(1)" in html, f"the payload is not shown on {where}"
        for tag, value in plain.items():
            assert shown(value) in html, f"{tag} not shown escaped on {where}"
        for tag, value in in_json.items():
            assert shown_in_json(value) in html, f"{tag} not shown escaped in the details on {where}"


def page_urls(world) -> dict:
    """The URL of every GET row of the matrix, its objects made now (agreements need org B active)."""
    urls = {row.id: row.url(world) for row in GET_ROWS}
    db.session.commit()
    return urls


def sweep_all_get_pages(app, world, urls):
    """No payload appears unescaped on any page of the matrix, whoever looks: each page once per role."""
    for role in ("anonymous", "member", "representative", "coordinator", "other"):
        client = client_for(app, world.user(role))
        for row in GET_ROWS:
            response = client.get(urls[row.id])
            if response.mimetype != "text/html":
                # CSV and iCalendar are data, not markup: no browser renders them as HTML (nosniff).
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                continue
            assert_no_raw_payload(page(response), f"{urls[row.id]} as {role}")


def plant_in_the_application_form(app, world):
    fields = {f: payload(f) for f in ("name", "legal_address", "description", "person_name", "person_position")}
    form = {**fields, "legal_form": "association", "registration_number": "40008777666",
            "municipality": "rezekne", "email": "xss@example.org", "phone": "", "website": "",
            "person_email": "xss.applicant@example.org", "password": NEW_PASSWORD}
    assert app.test_client().post("/apply", data=form).status_code == 302
    org = db.session.scalar(sa.select(Organization).where(Organization.registration_number == "40008777666"))
    org_fields = {k: fields[k] for k in ("name", "legal_address", "description")}
    person_fields = {k: fields[k] for k in ("person_name", "person_position")}
    name = {"name": fields["name"]}
    c = world.coordinator
    check_pages(app, [
        (c, "/coordination/applications", name, {}),
        (c, f"/coordination/applications/{org.id}", fields, {}),
        (c, f"/orgs/{org.id}", org_fields, {}),
        (c, f"/orgs/{org.id}/people", {**name, **person_fields}, {}),
        (c, "/notifications", name, {}),
        (c, "/coordination/audit", name, {}),  # details are sentences now, not JSON
    ])

    assert client_for(app, c).post(f"/coordination/applications/{org.id}/approve").status_code == 302
    applicant = db.session.scalar(sa.select(User).where(User.email == "xss.applicant@example.org"))
    applicant.password_hash = PASSWORD_HASH  # check_pages logs in with the tests' password
    db.session.commit()
    check_pages(app, [
        (None, "/", name, {}),
        (None, "/orgs", {**name, "description": fields["description"]}, {}),
        (None, f"/orgs/{org.id}", org_fields, {}),
        (applicant, "/", name, {}),
        (applicant, f"/orgs/{org.id}", org_fields, {}),
        (applicant, f"/orgs/{org.id}/edit", org_fields, {}),
        (applicant, f"/orgs/{org.id}/people", {**name, **person_fields}, {}),
        (applicant, "/notifications", name, {}),
        (applicant, "/account", {**name, **person_fields}, {}),
        (c, "/coordination/applications", name, {}),
    ])


def plant_in_the_own_profile(app, world):
    fields = {"name": payload("name"), "position": payload("position")}
    client = client_for(app, world.member)
    assert client.post("/account", data={**fields, "locale": "lv"}).status_code == 302
    check_pages(app, [
        (world.member, "/account", fields, {}),
        (world.member, "/", {"name": fields["name"]}, {}),  # the header shows the own name
        (world.representative, f"/orgs/{world.org.id}/people", fields, {}),
        (world.coordinator, f"/orgs/{world.org.id}/people", fields, {}),
    ])


def plant_in_the_organization_profile(app, world):
    fields = {f: payload(f) for f in ("name", "legal_address", "description")}
    client = client_for(app, world.representative)
    assert client.post(f"/orgs/{world.org.id}/edit", data={**ORG_FORM(world), **fields}).status_code == 302
    name = {"name": fields["name"]}
    check_pages(app, [
        (None, "/", name, {}),
        (None, "/orgs", {**name, "description": fields["description"]}, {}),
        (None, f"/orgs/{world.org.id}", fields, {}),
        (world.representative, f"/orgs/{world.org.id}/edit", fields, {}),
        (world.representative, f"/orgs/{world.org.id}/people", name, {}),
        (world.member, "/account", name, {}),
        (world.coordinator, "/coordination/applications", name, {}),
        (world.coordinator, "/coordination/audit", name, {}),
    ])
    # Notifications carry the org's name too.
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/orgs/{world.org.id}/suspend", data={"reason": "Pārbaude"}).status_code == 302
    check_pages(app, [(world.member, "/notifications", name, {})])
    assert coordinator.post(f"/orgs/{world.org.id}/reactivate").status_code == 302


def plant_in_the_invitation_name(app, world):
    name = {"name": payload("invite")}
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/people/invite",
                           data={**name, "email": "invited.xss@example.org", "role": "member"})
    assert response.status_code == 302
    check_pages(app, [
        (world.representative, f"/orgs/{world.org.id}/people", name, {}),
        (world.coordinator, f"/orgs/{world.org.id}/people", name, {}),
    ])
    # The refused form (422) shows the typed name back in its input.
    refused = client.post(f"/orgs/{world.org.id}/people/invite",
                          data={**name, "email": "invited.xss@example.org", "role": "member"})
    assert refused.status_code == 422
    assert_no_raw_payload(page(refused), "the refused invitation form")
    assert shown(name["name"]) in page(refused)


def plant_in_the_rejection_reason(app, world):
    reason = {"reason": payload("reject")}
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/coordination/applications/{world.applicant_org.id}/reject",
                            data=reason).status_code == 302
    check_pages(app, [
        (world.coordinator, f"/coordination/applications/{world.applicant_org.id}", reason, {}),
        (world.coordinator, "/coordination/audit", reason, {}),
    ])


def plant_in_the_suspension_reason(app, world):
    reason = {"reason": payload("suspend")}
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(f"/orgs/{world.org.id}/suspend", data=reason).status_code == 302
    check_pages(app, [
        (world.coordinator, f"/orgs/{world.org.id}", reason, {}),
        (world.coordinator, "/coordination/audit", reason, {}),
    ])


def plant_in_catalogue_entries(app, world, section):
    fields = {f: payload(f) for f in ("title", "description", "location", "availability", "audience")}
    fields["unit"] = "<script>alert(1)</script>u"  # at most 40 characters
    client = client_for(app, world.representative)
    # An intellectual resource keeps its audience (a material one drops it).
    form = {**ENTRY_FORM(world), "kind": "intellectual", "category": "training", "handover": "", **fields}
    response = client.post(f"/{section}/new", data=form)
    assert response.status_code == 302, page(response)[:300]
    entry_url = response.headers["Location"]
    shown_in_card = {k: fields[k] for k in ("title", "location", "description")}
    check_pages(app, [
        (world.representative, entry_url, fields, {}),
        (world.representative, f"{entry_url}/edit", fields, {}),
        (world.other_member, entry_url, fields, {}),
        (world.other_member, f"/{section}", shown_in_card, {}),
        (world.other_member, f"/orgs/{world.org.id}", shown_in_card, {}),
    ])
    for query in ("alert", "script", "onerror", "title"):
        assert_no_raw_payload(page(client_for(app, world.other_member).get(f"/{section}", query_string={"q": query})),
                              f"/{section}?q={query}")


def test_stored_xss_is_escaped_everywhere(app, world, many_logins):
    """Payloads in every kind of text a person can store, each checked where it is shown, then every page
    of the matrix swept once per role with all of them in place."""
    plant_in_catalogue_entries(app, world, "resources")
    plant_in_catalogue_entries(app, world, "needs")
    plant_in_the_application_form(app, world)
    plant_in_the_own_profile(app, world)
    plant_in_the_invitation_name(app, world)
    plant_in_the_rejection_reason(app, world)
    plant_in_the_organization_profile(app, world)
    urls = page_urls(world)  # before org B is suspended: its agreements can still be made
    plant_in_the_suspension_reason(app, world)
    sweep_all_get_pages(app, world, urls)


# ---------------------------------------------------------------- canary

def test_canary_in_private_data_never_leaks_to_outsiders(app, world, many_logins):
    canary = f"KANĀRIJPUTNS-{secrets.token_hex(6)}"
    person = make_user(world.org, email=f"{canary.lower()}@example.org")
    person.position = canary
    db.session.commit()
    login(app.test_client(), person.email)  # leaves traces (audit, last login) as real use would
    forms = {canary.casefold(), urllib.parse.quote(canary).casefold(), urllib.parse.quote(canary.lower()).casefold(),
             str(escape(canary)).casefold()}

    insider = page(client_for(app, world.representative).get(f"/orgs/{world.org.id}/people"))
    assert canary in insider and canary.lower() in insider, "the canary was not planted where insiders see it"

    for role in ("anonymous", "other"):
        client = client_for(app, world.user(role))
        for row in GET_ROWS:
            for url in (row.url(world), row.url(world) + "?lang=en"):
                body = page(client.get(url)).casefold()
                for form in forms:
                    assert body.count(form) == 0, f"canary on {url} as {role}"
