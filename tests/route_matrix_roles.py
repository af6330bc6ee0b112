"""The authorization matrix's vocabulary: the five roles, a row (a route, its method, its address and the
answer each role must get) and the answers that recur (who may see a page, who may act), for the rows of
tests/route_matrix.py and its parts."""
from dataclasses import dataclass, field
from typing import Callable

from .factories import World

ROLES = ("anonymous", "member", "representative", "coordinator", "other")
LOGIN = 302  # login_required redirects anonymous users to the login page


@dataclass
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expected: dict  # role -> status
    data: Callable[[World], dict] = field(default=lambda w: {})
    scenario: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.scenario if self.scenario else ''}"


def everyone(status):
    return dict.fromkeys(ROLES, status)


def roles(anonymous, member, representative, coordinator, other):
    return dict(anonymous=anonymous, member=member, representative=representative,
                coordinator=coordinator, other=other)


ORG_FORM = lambda w: {  # noqa: E731
    "name": "Baltā māja", "legal_form": "association", "registration_number": w.org.registration_number,
    "legal_address": "Rīgas iela 4, Līvāni", "municipality": "livanu", "email": "balta@example.org",
    "phone": "", "website": "", "description": "Sociālie projekti",
}

DRAFT_FORM = {"title": "Sadarbības līgums", "place": "Līvānos", "valid_from": "2030-01-01", "valid_to": "",
              "review_on": "", "clauses-0-heading": "Priekšmets", "clauses-0-text": "Puses sadarbojas.", "edit_stamp": ""}
COORDINATOR_ONLY = roles(LOGIN, 403, 403, 200, 403)
COORDINATOR_ACTION = roles(LOGIN, 403, 403, 302, 403)
LOGGED_IN_PAGE = roles(LOGIN, 200, 200, 200, 200)
OWN_ORG_MANAGER_ACTION = roles(LOGIN, 403, 302, 403, 404)

ENTRY_FORM = lambda w: {  # noqa: E731
    "kind": "material", "category": "equipment", "title": "Skaņas pults", "description": "Pults ar 8 kanāliem",
    "municipality": "livanu", "location": "", "quantity": "1", "unit": "", "languages": ["lv"], "terms": "free",
    "availability": "", "visibility": "network", "format": "", "audience": "", "handover": "pickup",
    "value_eur": "", "value_unit": "", "licence": "",
}
OWNER_ACTION = roles(LOGIN, 302, 302, 404, 404)
OWNER_PAGE = roles(LOGIN, 200, 200, 404, 404)
PUBLISHER_PAGE = roles(LOGIN, 200, 200, 200, 200)
PUBLISHER_ACTION = roles(LOGIN, 302, 302, 302, 302)


PARTY_ACTION = roles(LOGIN, 302, 302, 404, 302)
OWNER_ONLY_ACTION = roles(LOGIN, 302, 302, 404, 403)
PARTY_PAGE = roles(LOGIN, 200, 200, 404, 200)

# Agreements: a cooperation agreement of org B (drafted by its representative) and the coordinating org,
# made when a row first asks for it. "other" (org C) is no party: 404 for the agreement and its PDF.
AGREEMENT_PAGE = roles(LOGIN, 200, 200, 200, 404)
AGREEMENT_DRAFTER_ACTION = roles(LOGIN, 403, 302, 403, 404)
AGREEMENT_COORDINATOR_ACTION = roles(LOGIN, 403, 403, 302, 404)
AGREEMENT_PARTY_ACTION = roles(LOGIN, 302, 302, 302, 404)
AGREEMENT_REPRESENTATIVE_ACTION = roles(LOGIN, 403, 302, 302, 404)
