"""The authorization matrix of /api/v1/: every API route × the people of tests/route_matrix.py × their
tokens' scopes (read, read_write), with the answer each must get; tests/test_authorization_matrix.py asserts
each cell."""
from dataclasses import dataclass, field
from typing import Callable

from .factories import World
from .route_matrix_scenarios import agreement, completed_exchange

API_ROLES = ("anonymous", "member:read", "member:read_write", "representative:read_write", "coordinator:read",
             "other:read", "other:read_write")
UNAUTHENTICATED = 401


def api_roles(anonymous, member_read, member_write, representative, coordinator, other_read, other_write):
    return dict(zip(API_ROLES, (anonymous, member_read, member_write, representative, coordinator, other_read,
                                other_write)))


def api_everyone(status):
    return dict.fromkeys(API_ROLES, status)


@dataclass
class ApiRow:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: dict  # API role -> status
    json: Callable[[World], dict | None] = field(default=lambda w: None)
    scenario: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.scenario if self.scenario else ''}"


WITH_TOKEN = api_roles(UNAUTHENTICATED, 200, 200, 200, 200, 200, 200)
NETWORK_ENTRY = api_roles(404, 200, 200, 200, 200, 200, 200)
EXCHANGE_PARTY = api_roles(UNAUTHENTICATED, 200, 200, 200, 404, 200, 200)
AGREEMENT_PARTY = api_roles(UNAUTHENTICATED, 200, 200, 200, 200, 404, 404)

API_MATRIX = [
    ApiRow("api-docs.openapi_json", "GET", lambda w: "/api/v1/openapi.json", api_everyone(200)),
    ApiRow("api.docs", "GET", lambda w: "/api/v1/docs", api_everyone(200)),
    ApiRow("api.docs_asset", "GET", lambda w: "/api/v1/docs/swagger-ui.css", api_everyone(200)),
    ApiRow("api_catalogue.resources", "GET", lambda w: "/api/v1/resources?q=zale", api_everyone(200)),
    ApiRow("api_catalogue.resource", "GET", lambda w: f"/api/v1/resources/{w.resource.id}", NETWORK_ENTRY,
           scenario="network-only"),
    ApiRow("api_catalogue.resource", "GET", lambda w: f"/api/v1/resources/{w.public_resource.id}",
           api_everyone(200), scenario="public"),
    ApiRow("api_catalogue.resource", "GET", lambda w: f"/api/v1/resources/{w.paused_resource.id}",
           api_roles(404, 200, 200, 200, 200, 404, 404), scenario="paused"),
    ApiRow("api_catalogue.needs", "GET", lambda w: "/api/v1/needs", api_everyone(200)),
    ApiRow("api_catalogue.need", "GET", lambda w: f"/api/v1/needs/{w.need.id}", NETWORK_ENTRY),
    ApiRow("api_catalogue.organizations", "GET", lambda w: "/api/v1/organizations", api_everyone(200)),
    ApiRow("api_catalogue.organization", "GET", lambda w: f"/api/v1/organizations/{w.org.id}", api_everyone(200)),
    ApiRow("api_catalogue.organization", "GET", lambda w: f"/api/v1/organizations/{w.applicant_org.id}",
           api_everyone(404), scenario="applied org"),
    ApiRow("api_member.me", "GET", lambda w: "/api/v1/me", WITH_TOKEN),
    ApiRow("api_member.exchange_list", "GET", lambda w: "/api/v1/exchanges", WITH_TOKEN),
    ApiRow("api_member.exchange", "GET", lambda w: f"/api/v1/exchanges/{w.exchange.id}", EXCHANGE_PARTY),
    ApiRow("api_member.exchange_messages", "GET", lambda w: f"/api/v1/exchanges/{w.exchange.id}/messages",
           EXCHANGE_PARTY),
    ApiRow("api_member.agreement_list", "GET", lambda w: "/api/v1/agreements", WITH_TOKEN),
    ApiRow("api_member.agreement", "GET", lambda w: agreement(w, "draft").replace("/agreements", "/api/v1/agreements"),
           AGREEMENT_PARTY),
]


def api_request_body(w):
    from datetime import date, timedelta

    start = date.today() + timedelta(days=60)
    return {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=1)).isoformat(), "quantity": 1,
            "purpose": "Seminārs", "message": "Labdien!"}


API_OFFER = {"kind": "material", "category": "premises", "title": "Zāle", "description": "40 vietas",
             "municipality": "ludzas", "terms": "free", "visibility": "network"}

API_MATRIX += [
    ApiRow("api_catalogue.request_exchange", "POST", lambda w: f"/api/v1/resources/{w.resource.id}/exchanges",
           api_roles(UNAUTHENTICATED, 403, 403, 403, 403, 403, 201), json=api_request_body),
    ApiRow("api_catalogue.resource_state", "POST", lambda w: f"/api/v1/resources/{w.resource.id}/state",
           api_roles(UNAUTHENTICATED, 403, 200, 200, 403, 403, 404), json=lambda w: {"state": "paused"}),
    ApiRow("api_catalogue.publish_resource", "POST", lambda w: "/api/v1/resources",
           api_roles(UNAUTHENTICATED, 403, 201, 201, 403, 403, 201), json=lambda w: API_OFFER),
    ApiRow("api_catalogue.publish_need", "POST", lambda w: "/api/v1/needs",
           api_roles(UNAUTHENTICATED, 403, 201, 201, 403, 403, 201), json=lambda w: API_OFFER),
    ApiRow("api_member.answer", "POST", lambda w: f"/api/v1/exchanges/{w.exchange.id}/answer",
           api_roles(UNAUTHENTICATED, 403, 200, 200, 403, 403, 403), json=lambda w: {"decision": "accept"}),
    ApiRow("api_member.post_message", "POST", lambda w: f"/api/v1/exchanges/{w.exchange.id}/messages",
           api_roles(UNAUTHENTICATED, 403, 201, 201, 403, 403, 201), json=lambda w: {"body": "Sveiki"}),
    # Confirming what happened: either side's read-write token (C's member changes the completion's account).
    ApiRow("api_member.give_feedback", "POST", lambda w: f"/api/v1/exchanges/{completed_exchange(w)}/feedback",
           api_roles(UNAUTHENTICATED, 403, 200, 200, 403, 403, 200),
           json=lambda w: {"outcome": "as_agreed", "quantity": 1, "value_eur": 60}),
    ApiRow("api_member.give_feedback", "POST", lambda w: f"/api/v1/exchanges/{w.accepted_exchange.id}/feedback",
           api_roles(UNAUTHENTICATED, 403, 422, 422, 403, 403, 422),
           json=lambda w: {"outcome": "as_agreed"}, scenario="not completed"),
]
