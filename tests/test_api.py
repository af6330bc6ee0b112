"""/api/v1/: personal tokens (made on the account page, shown once, stored hashed, revoked, stopped with
their person or organization), the catalogue for anyone, what a token's person may see, problem+json errors
in the owner's language, ETags, cursors, the OpenAPI document and the documentation page."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.api import services as api_tokens
from portal.api.models import ApiToken
from portal.database import utcnow
from portal.extensions import db
from portal.orgs import services as orgs

from .factories import bearer, make_agreement, make_resource, make_token
from .helpers import client_for

PROBLEM = "application/problem+json"


def api(app, secret=None):
    """A client that sends a token (or nothing): no cookies, as a program would."""
    client = app.test_client(use_cookies=False)
    headers = bearer(secret) if secret else {}

    class Api:
        def get(self, url, **kwargs):
            return client.get(url, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)

        def post(self, url, **kwargs):
            return client.post(url, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)

    return Api()


def text_of(response) -> str:
    """The answer as text, with JSON's \\u escapes decoded (a canary must not hide behind them)."""
    return json.dumps(response.json, ensure_ascii=False) if response.is_json else response.get_data(as_text=True)


# ---------------------------------------------------------------- tokens on the account page

def test_a_token_is_shown_once_and_stored_hashed(app, world):
    browser = client_for(app, world.member)
    response = browser.post("/account/tokens", data={"name": "Mūsu mājaslapa", "scope": "read",
                                                     "expires_in_days": "90"})
    assert response.status_code == 200
    secret = re.search(r'data-testid="token-secret">(lbt_[\w-]+)<', response.get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Mūsu mājaslapa" and token.scope == "read" and token.user_id == world.member.id
    assert token.token_hash == api_tokens.hash_token(secret) and secret not in token.token_hash
    assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    listing = browser.get("/account/tokens").get_data(as_text=True)
    assert "Mūsu mājaslapa" in listing and secret not in listing and token.prefix in listing
    assert api(app, secret).get("/api/v1/me").json["id"] == world.member.id


def test_the_token_form_shows_every_problem_at_once_and_keeps_the_typing(app, world):
    browser = client_for(app, world.member)
    response = browser.post("/account/tokens", data={"name": "x" * 81, "scope": "root", "expires_in_days": "7"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="error"') >= 3, html
    assert "x" * 81 in html
    assert db.session.scalar(select(ApiToken)) is None


def test_revoking_stops_the_token_at_once(app, world):
    secret = make_token(world.member)
    assert api(app, secret).get("/api/v1/me").status_code == 200
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is not None
    browser = client_for(app, world.member)
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    response = api(app, secret).get("/api/v1/me")
    assert response.status_code == 401 and response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_persons_token(app, world):
    make_token(world.member)
    token = db.session.scalar(select(ApiToken))
    assert client_for(app, world.representative).post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


@pytest.mark.parametrize("what", ["expired", "person removed", "organization suspended"])
def test_a_token_stops_with_its_person_or_organization(app, world, what):
    secret = make_token(world.member)
    assert api(app, secret).get("/api/v1/me").status_code == 200
    if what == "expired":
        db.session.scalar(select(ApiToken)).expires_at = utcnow() - timedelta(seconds=1)
    elif what == "person removed":
        orgs.remove_person(world.representative, world.org, world.member.id)
    else:
        orgs.suspend(world.coordinator, world.org, "Pārbaude")
    db.session.commit()
    assert api(app, secret).get("/api/v1/me").status_code == 401
    assert api(app, secret).get("/api/v1/resources").status_code == 401  # a bad token is no visitor


def test_a_suspended_organization_makes_no_tokens(app, world):
    orgs.suspend(world.coordinator, world.org, "Pārbaude")
    db.session.commit()
    browser = client_for(app, world.member)
    assert "While your organization is suspended" in browser.get("/account/tokens?lang=en").get_data(as_text=True)
    assert browser.post("/account/tokens", data={"name": "a", "scope": "read", "expires_in_days": "30"}
                        ).status_code == 403


def test_tokens_never_open_pages_and_cookies_never_open_the_api(app, world):
    secret = make_token(world.member, "read_write")
    program = app.test_client(use_cookies=False)
    page = program.get("/exchanges", headers=bearer(secret))
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert program.get("/account/tokens", headers=bearer(secret)).status_code == 302

    browser = client_for(app, world.member)  # logged in: the session cookie is sent
    response = browser.get("/api/v1/me")
    assert response.status_code == 401 and response.content_type == PROBLEM
    catalogue = browser.get("/api/v1/resources").json  # as a visitor: public entries only
    assert {item["visibility"] for item in catalogue["items"]} == {"public"}
    assert "Set-Cookie" not in response.headers


# ---------------------------------------------------------------- the catalogue

def test_visitors_read_public_entries_and_tokens_the_networks(app, world):
    visitor = api(app).get("/api/v1/resources").json
    assert [item["id"] for item in visitor["items"]] == [world.public_resource.id]
    assert visitor["items"][0]["organization"] == {"id": world.org.id, "name": world.org.name}
    member = api(app, make_token(world.other_member)).get("/api/v1/resources").json
    assert {item["id"] for item in member["items"]} == {world.resource.id, world.public_resource.id}
    assert api(app).get(f"/api/v1/resources/{world.resource.id}").status_code == 404
    assert api(app).get(f"/api/v1/resources/{world.paused_resource.id}").status_code == 404
    assert api(app).get(f"/api/v1/needs/{world.need.id}").status_code == 404
    assert api(app, make_token(world.other_member)).get(f"/api/v1/needs/{world.need.id}").json["title"] == \
        "Meklējam lektoru"


def test_the_same_words_and_filters_as_the_pages(app, world):
    secret = make_token(world.other_member)
    found = api(app, secret).get("/api/v1/resources?q=zale+dzerkali").json
    assert [item["id"] for item in found["items"]] == [world.resource.id]
    assert api(app, secret).get("/api/v1/resources?category=equipment").json["total"] == 1
    assert api(app, secret).get(f"/api/v1/resources?org={world.other_org.id}").json["total"] == 0
    refused = api(app).get("/api/v1/resources?kind=spaceship&limit=0&lang=en")
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert set(refused.json["errors"]) == {"kind", "limit"}


def test_cursor_paging_walks_every_entry_once(app, world):
    for n in range(5):
        make_resource(world.representative, title=f"Krēsls {n}", category="equipment", visibility="public")
    db.session.commit()
    seen, url = [], "/api/v1/resources?limit=2&sort=newest"
    while url:
        page = api(app).get(url).json
        seen += [item["id"] for item in page["items"]]
        url = f"/api/v1/resources?limit=2&sort=newest&cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert len(seen) == len(set(seen)) == 6
    bad = api(app).get("/api/v1/resources?cursor=not-ours")
    assert bad.status_code == 422 and "cursor" in bad.json["errors"]


def test_etags_answer_not_modified(app, world):
    first = api(app).get("/api/v1/resources")
    etag = first.headers["ETag"]
    again = api(app).get("/api/v1/resources", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_resource(world.representative, title="Jauns projektors", category="equipment", visibility="public")
    db.session.commit()
    assert api(app).get("/api/v1/resources", headers={"If-None-Match": etag}).status_code == 200


def test_organizations_are_the_public_directory(app, world):
    listing = api(app).get("/api/v1/organizations").json["items"]
    names = [org["name"] for org in listing]
    assert world.org.name in names and world.applicant_org.name not in names
    assert api(app).get(f"/api/v1/organizations/{world.applicant_org.id}").status_code == 404
    assert api(app, make_token(world.coordinator)).get(
        f"/api/v1/organizations/{world.applicant_org.id}").status_code == 404


# ---------------------------------------------------------------- with a token

def test_a_token_reads_its_organizations_exchanges_messages_and_agreements(app, world):
    owner = api(app, make_token(world.member))
    incoming = owner.get("/api/v1/exchanges?direction=incoming").json["items"]
    assert {e["id"] for e in incoming} == {world.exchange.id, world.accepted_exchange.id}
    assert owner.get("/api/v1/exchanges?direction=outgoing").json["items"] == []
    assert owner.get(f"/api/v1/exchanges/{world.exchange.id}").json["requester"]["id"] == world.other_org.id
    assert owner.get(f"/api/v1/exchanges/{world.exchange.id}/messages").json == {"items": []}
    agreement = make_agreement(world)
    db.session.commit()
    assert [a["id"] for a in owner.get("/api/v1/agreements").json["items"]] == [agreement.id]
    assert owner.get(f"/api/v1/agreements/{agreement.id}").json["parties"][0]["signed"] is False


def test_canary_org_a_token_never_reads_org_b_private_data(app, world):
    from portal.exchanges import services as exchanges

    canary = "Kanārijputniņš-api-5e2c"
    exchanges.post_message(world.representative, world.exchange, f"{canary}: atslēga pie sētnieka")
    agreement = make_agreement(world)
    agreement.title = f"{canary} līgums"
    hidden = make_resource(world.representative, title=f"{canary} zāle", category="premises")
    archived = make_resource(world.representative, title=f"{canary} arhīvā", category="equipment",
                             visibility="public")
    from portal.resources import services as catalogue

    catalogue.change_state(world.representative, hidden, "paused")
    catalogue.change_state(world.representative, archived, "archived")
    db.session.commit()
    third = orgs.coordinating_org()  # the coordinating org is party to the agreement; take a fourth org
    from .factories import make_org, make_user

    outsider_org = make_org("Ceturtā biedrība")
    outsider = make_user(outsider_org, "representative")
    db.session.commit()
    assert third is not None
    for scope in ("read", "read_write"):
        client = api(app, make_token(outsider, scope))
        urls = ["/api/v1/exchanges", "/api/v1/exchanges?direction=incoming", "/api/v1/agreements",
                f"/api/v1/exchanges/{world.exchange.id}", f"/api/v1/exchanges/{world.exchange.id}/messages",
                f"/api/v1/agreements/{agreement.id}", f"/api/v1/resources/{hidden.id}",
                "/api/v1/resources?q=kanarijputnins", "/api/v1/resources?sort=newest", "/api/v1/needs",
                f"/api/v1/organizations/{world.org.id}", "/api/v1/me"]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert canary not in text_of(response) and "5e2c" not in text_of(response), url
        assert client.get(f"/api/v1/exchanges/{world.exchange.id}").status_code == 404
    # It is there for its own side.
    assert canary in text_of(api(app, make_token(world.member)).get(
        f"/api/v1/exchanges/{world.exchange.id}/messages"))


def test_problems_speak_the_token_owners_language(app, world):
    world.member.locale = "en"
    db.session.commit()
    english = api(app, make_token(world.member)).get("/api/v1/exchanges/999999")
    assert english.status_code == 404 and english.content_type == PROBLEM
    assert english.json["title"] == "Not found" and english.json["status"] == 404
    latvian = api(app, make_token(world.representative)).get("/api/v1/exchanges/999999")
    assert latvian.json["title"] == "Nav atrasts"
    assert api(app).get("/api/v1/me").json["title"] == "Nav autentificēts"
    assert api(app).get("/api/v1/nothing-here").content_type == PROBLEM


# ---------------------------------------------------------------- the document and the docs

def test_the_openapi_document_validates(app):
    from openapi_spec_validator import validate

    document = api(app).get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert "/api/v1/resources" in document["paths"] and "/api/v1/exchanges/{exchange_id}" in document["paths"]
    assert PROBLEM in document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "post" in document["paths"]["/api/v1/resources"] and "post" in document["paths"]["/api/v1/needs"]


def test_the_document_describes_every_webhook_event_and_its_signature(app):
    from portal.api.webhooks import EVENT_NAMES

    document = api(app).get("/api/v1/openapi.json").json
    assert set(document["webhooks"]) == {*EVENT_NAMES, "test"}
    accepted = document["webhooks"]["exchange.accepted"]["post"]
    assert "Portal-Signature" in {p["name"] for p in accepted["parameters"]}
    body = accepted["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["data"]["properties"]["exchange"] == {"$ref": "#/components/schemas/Exchange"}
    assert "Exchange" in document["components"]["schemas"] and "Agreement" in document["components"]["schemas"]


def test_the_documentation_is_served_by_the_portal_itself(app):
    page = api(app).get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing from another site (no CDN)"
    for asset in re.findall(r'(?:src|href)="(/api/v1/docs/[^"?]+)', html):
        assert api(app).get(asset).status_code == 200, asset
