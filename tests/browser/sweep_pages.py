"""Every page of every role that the sweep visits, and the routes it cannot visit (with the reason).

A page names the navigation link that must be marked as the current section (`aria-current="page"`):
a key of NAV, "own" for the organization of the person looking, or None where no section applies.
A GET route of the app that is neither visited here nor in NOT_PAGES fails `test_every_get_route_is_swept`.
"""
from dataclasses import dataclass
from typing import Callable

from sweep_data import SweepIds

VISITOR, MEMBER, REPRESENTATIVE, COORDINATOR = "visitor", "member", "representative", "coordinator"
ROLES = (VISITOR, MEMBER, REPRESENTATIVE, COORDINATOR)
LOGGED_IN = (MEMBER, REPRESENTATIVE, COORDINATOR)
EVERYONE = ROLES

NAV = {
    "resources": "/resources", "needs": "/needs", "members": "/orgs", "exchanges": "/exchanges",
    "agreements": "/agreements", "coordination": "/coordination/applications",
    "account": "/account", "notifications": "/notifications",
}

# Routes that answer something other than an HTML page; what they answer is tested elsewhere.
NOT_PAGES = {
    "static": "CSS, JavaScript and icons",
    "operations.healthz": "JSON for monitoring (tests/test_operations.py)",
    "operations.readyz": "JSON for monitoring (tests/test_operations.py)",
    "operations.prometheus_metrics": "Prometheus metrics (tests/test_operations.py)",
    "certificates.revocation_list": "the CA's CRL, DER (tests/test_long_term_signatures.py)",
    "orgs.lookup": "JSON for the catalogue's organization type-ahead (tests/test_org_filter.py)",
    "exchanges.ical_feed": "an iCalendar feed",
    "exchanges.ledger_csv": "a CSV download",
    "exchanges.ledger_xlsx": "an XLSX download",
    "coordination.audit_csv": "a CSV download",
    "reports.org_report_file": "a CSV or XLSX download",
    "reports.volunteer_report_file": "a CSV or XLSX download",
    "reports.own_report": "a redirect to the organization's report (swept)",
    "projects.own_projects": "a redirect to the organization's projects (swept)",
    "projects.report_file": "a CSV or XLSX download",
    "report_documents.download": "a signed report PDF (tests/test_report_documents.py, test_report_pdf_journey.py)",
    "agreements.pdf": "a PDF download",
    "agreements.completion_certificate": "a PDF download (tests/test_completion_certificate.py)",
    "resources.photo": "a JPEG (shown on the resource pages that are swept)",
    "exchanges.condition_photo": "a JPEG (shown on the exchange page that is swept)",
    "certificates.ca_certificate": "a PEM download",
    "api-docs.openapi_json": "the API's OpenAPI document (JSON, validated in tests/test_api.py)",
    "api.docs_asset": "Swagger UI's CSS and JavaScript",
    "api.docs": "Swagger UI's own page for programmers (tests/test_api.py: served locally, no CDN)",
    **{f"api_catalogue.{name}": "JSON of /api/v1/ (tests/test_api*.py)"
       for name in ("resources", "resource", "needs", "need", "organizations", "organization")},
    **{f"api_member.{name}": "JSON of /api/v1/ (tests/test_api*.py)"
       for name in ("me", "exchange_list", "exchange", "exchange_messages", "agreement_list", "agreement")},
}


@dataclass(frozen=True)
class SweepPage:
    name: str                              # the screenshot's name
    endpoint: str
    url: Callable[[SweepIds, int], str]    # (ids, the organization of the person looking) -> path
    roles: tuple[str, ...]
    section: str | dict | None             # or {role: section}
    status: int = 200

    def section_for(self, role: str) -> str | None:
        return self.section.get(role) if isinstance(self.section, dict) else self.section


def _page(name, endpoint, url, roles, section=None, status=200):
    return SweepPage(name, endpoint, url, roles, section, status)


PAGES = [
    _page("home", "main.landing", lambda i, o: "/", EVERYONE),
    _page("login", "accounts.login", lambda i, o: "/login", (VISITOR,)),
    _page("password-forgot", "accounts.forgot_password", lambda i, o: "/password/forgot", (VISITOR,)),
    _page("password-reset", "accounts.reset_password", lambda i, o: f"/password/reset/{i.reset_token}", (VISITOR,)),
    _page("password-reset-spent", "accounts.reset_password", lambda i, o: "/password/reset/no-such-link",
          (VISITOR,), status=410),
    _page("unlock", "accounts.unlock", lambda i, o: f"/login/unlock/{i.unlock_token}", (VISITOR,)),
    _page("invitation", "accounts.accept_invitation", lambda i, o: f"/invitation/{i.invitation_token}", (VISITOR,)),
    _page("apply", "orgs.apply", lambda i, o: "/apply", (VISITOR,)),
    _page("apply-sent", "orgs.application_sent", lambda i, o: "/apply/sent", (VISITOR,)),

    _page("members", "orgs.directory", lambda i, o: "/orgs", EVERYONE, "members"),
    _page("org-balta-maja", "main.organization", lambda i, o: f"/orgs/{i.own_org}", EVERYONE,
          {VISITOR: "members", MEMBER: "own", REPRESENTATIVE: "own", COORDINATOR: "members"}),
    _page("org-intelekta-parks", "main.organization", lambda i, o: f"/orgs/{i.coordinating_org}", EVERYONE,
          {VISITOR: "members", MEMBER: "members", REPRESENTATIVE: "members", COORDINATOR: "own"}),
    _page("org-applied", "main.organization", lambda i, o: f"/orgs/{i.applied_org}", (COORDINATOR,), "members"),
    _page("org-edit", "orgs.edit", lambda i, o: f"/orgs/{o}/edit", (REPRESENTATIVE, COORDINATOR), "own"),
    _page("org-people", "orgs.people", lambda i, o: f"/orgs/{o}/people", LOGGED_IN, "own"),
    _page("suspend", "orgs.suspend", lambda i, o: f"/orgs/{i.own_org}/suspend", (COORDINATOR,), "members"),
    _page("applications", "orgs.applications", lambda i, o: "/coordination/applications", (COORDINATOR,),
          "coordination"),
    _page("application", "orgs.application", lambda i, o: f"/coordination/applications/{i.applied_org}",
          (COORDINATOR,), "coordination"),
    _page("approval-queue", "agreements.queue", lambda i, o: "/agreements/queue", (COORDINATOR,), "coordination"),
    _page("certificates", "coordination.certificates", lambda i, o: "/coordination/certificates", (COORDINATOR,),
          "coordination"),
    _page("statistics", "reports.network_statistics", lambda i, o: "/coordination/statistics?period=all",
          (COORDINATOR,), "coordination"),
    _page("dispute", "coordination.dispute", lambda i, o: f"/coordination/disputes/{i.disputed_exchange}",
          (COORDINATOR,), "coordination"),
    _page("audit-log", "coordination.audit_log", lambda i, o: "/coordination/audit", (COORDINATOR,), "coordination"),
    _page("mail", "coordination.mail", lambda i, o: "/coordination/mail", (COORDINATOR,), "coordination"),
    _page("unsubscribe-invalid", "accounts.unsubscribe", lambda i, o: "/unsubscribe/no-such-token", (VISITOR,),
          status=404),

    _page("notifications", "notifications.inbox", lambda i, o: "/notifications", LOGGED_IN, "notifications"),
    _page("account", "accounts.profile", lambda i, o: "/account", LOGGED_IN, "account"),
    _page("account-password", "accounts.change_password", lambda i, o: "/account/password", LOGGED_IN, "account"),
    _page("account-tokens", "api.tokens", lambda i, o: "/account/tokens", LOGGED_IN, "account"),
    _page("org-webhooks", "api.org_webhooks", lambda i, o: f"/orgs/{o}/webhooks", (REPRESENTATIVE,), "own"),

    _page("resources", "resources.catalogue", lambda i, o: "/resources", EVERYONE, "resources"),
    _page("resources-search", "resources.catalogue", lambda i, o: "/resources?q=zale&kind=material", EVERYONE,
          "resources"),
    _page("needs", "resources.needs", lambda i, o: "/needs", EVERYONE, "needs"),
    _page("resource-public", "resources.resource", lambda i, o: f"/resources/{i.public_resource}", EVERYONE,
          "resources"),
    _page("resource-network", "resources.resource", lambda i, o: f"/resources/{i.network_resource}", LOGGED_IN,
          "resources"),
    _page("resource-own", "resources.resource", lambda i, o: f"/resources/{i.own_resource}",
          (MEMBER, REPRESENTATIVE), "resources"),
    _page("resource-new", "resources.new_resource", lambda i, o: "/resources/new", (MEMBER, COORDINATOR),
          "resources"),
    _page("resource-edit", "resources.edit_resource", lambda i, o: f"/resources/{i.own_resource}/edit",
          (MEMBER,), "resources"),
    _page("need-own", "resources.need", lambda i, o: f"/needs/{i.own_need}", (MEMBER, REPRESENTATIVE), "needs"),
    _page("need-other", "resources.need", lambda i, o: f"/needs/{i.other_need}", LOGGED_IN, "needs"),
    _page("need-new", "resources.new_need", lambda i, o: "/needs/new", (REPRESENTATIVE,), "needs"),
    _page("need-edit", "resources.edit_need", lambda i, o: f"/needs/{i.own_need}/edit", (REPRESENTATIVE,), "needs"),

    _page("exchange-request", "exchanges.request_form", lambda i, o: f"/resources/{i.network_resource}/request",
          (MEMBER, COORDINATOR), "resources"),
    _page("exchanges", "exchanges.index", lambda i, o: "/exchanges", LOGGED_IN, "exchanges"),
    _page("exchange-accepted", "exchanges.detail", lambda i, o: f"/exchanges/{i.accepted_exchange}", LOGGED_IN,
          "exchanges"),
    _page("exchange-incoming", "exchanges.detail", lambda i, o: f"/exchanges/{i.incoming_request}",
          (MEMBER, REPRESENTATIVE), "exchanges"),
    _page("calendar", "exchanges.calendar", lambda i, o: "/calendar", LOGGED_IN, "exchanges"),
    _page("calendar-list", "exchanges.calendar", lambda i, o: "/calendar?view=list", LOGGED_IN, "exchanges"),
    _page("ledger", "exchanges.ledger", lambda i, o: "/ledger", LOGGED_IN, "exchanges"),
    # Under /orgs/<own>/: the header marks the person's own organization; the page shows the Exchanges tabs.
    _page("report", "reports.org_report", lambda i, o: f"/orgs/{o}/report?period=all", LOGGED_IN, "own"),
    _page("volunteer-report", "reports.volunteer_report", lambda i, o: f"/orgs/{o}/report/volunteers", LOGGED_IN,
          "own"),
    _page("projects", "projects.index", lambda i, o: f"/orgs/{o}/projects", LOGGED_IN, "own"),
    _page("project-new", "projects.new", lambda i, o: f"/orgs/{o}/projects/new", (REPRESENTATIVE,), "own"),
    _page("project", "projects.detail", lambda i, o: f"/orgs/{i.own_org}/projects/{i.own_project}",
          (MEMBER, REPRESENTATIVE), "own"),
    _page("project-edit", "projects.edit", lambda i, o: f"/orgs/{i.own_org}/projects/{i.own_project}/edit",
          (REPRESENTATIVE,), "own"),

    _page("agreements", "agreements.index", lambda i, o: "/agreements", LOGGED_IN, "agreements"),
    _page("agreement-new", "agreements.new", lambda i, o: "/agreements/new", (REPRESENTATIVE, COORDINATOR),
          "agreements"),
    _page("agreement-network", "agreements.detail", lambda i, o: f"/agreements/{i.network_agreement}", LOGGED_IN,
          "agreements"),
    _page("agreement-draft", "agreements.detail", lambda i, o: f"/agreements/{i.draft_agreement}", LOGGED_IN,
          "agreements"),
    _page("agreement-edit", "agreements.edit", lambda i, o: f"/agreements/{i.draft_agreement}/edit",
          (REPRESENTATIVE,), "agreements"),
    _page("agreement-submitted", "agreements.detail", lambda i, o: f"/agreements/{i.submitted_agreement}",
          (COORDINATOR,), "agreements"),
    _page("agreement-signing", "agreements.detail", lambda i, o: f"/agreements/{i.signing_agreement}",
          (REPRESENTATIVE, COORDINATOR), "agreements"),
    _page("agreement-sign", "agreements.sign", lambda i, o: f"/agreements/{i.signing_agreement}/sign",
          (REPRESENTATIVE, COORDINATOR), "agreements"),

    _page("verify", "verification.verify", lambda i, o: "/verify", EVERYONE),
    _page("verify-code", "verification.verify", lambda i, o: f"/verify?code={i.verification_code}", (VISITOR,)),
    _page("not-found", "", lambda i, o: "/no-such-page", EVERYONE, status=404),
]


def pages_for(role: str, lang: str) -> list[SweepPage]:
    """Every page of the role in Latvian; in English each page once, as the last of its roles sees it
    (the templates are the same for every role, the header of the last is the longest)."""
    if lang == "lv":
        return [p for p in PAGES if role in p.roles]
    return [p for p in PAGES if max(p.roles, key=ROLES.index) == role]
