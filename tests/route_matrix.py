"""The authorization matrix: every route × {anonymous, member, representative, coordinator, member of another
org}, with the answer each must get. tests/test_authorization_matrix.py asserts each cell; a route added
without a row here fails `test_every_route_has_a_row`."""
from dataclasses import dataclass, field
from typing import Callable

from .factories import PASSWORD, World, make_agreement, small_jpeg

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


def failed_mail(w: World) -> int:
    """A mail of the outbox that the sender gave up on."""
    from portal.database import utcnow
    from portal.extensions import db
    from portal.mail.services import enqueue

    if "_failed_mail" not in w.__dict__:
        message = enqueue("nobody@example.org", "Sveiki", "Teksts")
        message.failed_at, message.attempts, message.last_error = utcnow(), 8, "SMTPDataError: (554, b'refused')"
        db.session.commit()
        w.__dict__["_failed_mail"] = message.id
    return w.__dict__["_failed_mail"]


def agreement(w: World, state: str) -> str:
    cache = w.__dict__.setdefault("_agreements", {})
    if state not in cache:
        cache[state] = make_agreement(w, state).id
    return f"/agreements/{cache[state]}"



def remind_url(w: World) -> str:
    """Reminding the coordinating organization's signatory of the approved agreement nobody has signed."""
    from portal.agreements.models import Agreement
    from portal.extensions import db

    path = agreement(w, "approved")
    party = db.session.get(Agreement, int(path.rsplit("/", 1)[1])).party_for(w.coord_org.id)
    return f"{path}/parties/{party.id}/remind"


def request_form_data(w):
    from datetime import date, timedelta

    start = date.today() + timedelta(days=60)
    return {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=1)).isoformat(), "quantity": "1",
            "hours": "", "purpose": "Seminārs", "message": "Labdien!"}


def ended_exchange(w: World) -> int:
    """Org C's accepted request for B's hall whose last day was yesterday: it can be completed."""
    from datetime import date, timedelta

    from portal.exchanges import services as exchanges
    from portal.extensions import db

    from .factories import request_exchange

    cache = w.__dict__.setdefault("_ended_exchange", [])
    if not cache:
        exchange = request_exchange(w.other_member, w.resource, start_in_days=20, purpose="Sapulce")
        exchanges.accept(w.representative, exchange)
        exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
        db.session.commit()
        cache.append(exchange.id)
    return cache[0]


CONFIRMATION = lambda w: {"outcome": "as_agreed", "quantity": "1", "value_eur": "160", "feedback": ""}  # noqa: E731


def completed_exchange(w: World) -> int:
    """The ended exchange, completed by org C's member as agreed (value 60 EUR): B has not confirmed yet."""
    from decimal import Decimal

    from portal.exchanges import services as exchanges
    from portal.exchanges.models import Exchange
    from portal.extensions import db

    cache = w.__dict__.setdefault("_completed_exchange", [])
    if not cache:
        exchange = db.session.get(Exchange, ended_exchange(w))
        exchanges.complete(w.other_member, exchange, value_units=None, value_eur=Decimal("60"), feedback="Paldies!")
        db.session.commit()
        cache.append(exchange.id)
    return cache[0]


def disputed_exchange(w: World, with_coordinating_org: bool = False) -> int:
    """A completed exchange whose sides' figures differ: C's (the completed exchange: 60 EUR, B says 40), or, with
    `with_coordinating_org`, the coordinating organization's use of B's hall (its coordinator says 60, B 40)."""
    from datetime import date, timedelta
    from decimal import Decimal

    from portal.exchanges import services as exchanges
    from portal.exchanges.confirmations import Figures, give_feedback
    from portal.exchanges.models import Exchange
    from portal.extensions import db

    from .factories import request_exchange

    cache = w.__dict__.setdefault("_disputed", {})
    if with_coordinating_org not in cache:
        if with_coordinating_org:
            exchange = request_exchange(w.coordinator, w.resource, start_in_days=30, purpose="Valdes sēde")
            exchanges.accept(w.representative, exchange)
            exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
            exchanges.complete(w.coordinator, exchange, value_units=None, value_eur=Decimal("60"))
        else:
            exchange = db.session.get(Exchange, completed_exchange(w))
        give_feedback(w.representative, exchange, Figures("not_as_agreed", 1, None, None, Decimal("40"), "Auksti."))
        db.session.commit()
        cache[with_coordinating_org] = exchange.id
    return cache[with_coordinating_org]


SETTLEMENT = lambda w: {"outcome": "as_agreed", "quantity": "1", "value_eur": "50",  # noqa: E731
                        "note": "Vienojāmies par 50 EUR."}


VOLUNTEER_HOURS = lambda w: {"place": "Līvānu bibliotēka", "starts_on": "2025-03-01",  # noqa: E731
                              "ends_on": "2025-05-31", "volunteers": "4", "hours": "36,5", "note": "Lasīšanas stundas"}


def volunteer_entry(w: World) -> int:
    """Hours of org B's volunteers outside the portal, entered by its representative."""
    from datetime import date
    from decimal import Decimal

    from portal.extensions import db
    from portal.reports import volunteer_hours

    cache = w.__dict__.setdefault("_volunteer_entry", [])
    if not cache:
        entry = volunteer_hours.add_entry(w.representative, w.org, place="Līvāni", starts_on=date(2025, 6, 1),
                                          ends_on=date(2025, 6, 30), volunteers=3, hours=Decimal("12"))
        db.session.commit()
        cache.append(entry.id)
    return cache[0]


def photo_upload(w):
    import io


    return {"photo": (io.BytesIO(small_jpeg((10, 120, 60))), "zale.jpg")}


def member_notification(w: World) -> str:
    """A notification of org B's member: only they may open it."""
    from portal.notifications.services import notify, recent

    cache = w.__dict__.setdefault("_notification", [])
    if not cache:
        notify([w.member], "member_joined", link=f"/orgs/{w.org.id}", name="Anna Liepa", org=w.org.name)
        cache.append(recent(w.member)[0].id)
    return f"/notifications/{cache[0]}/open"


def report_pdf_pending(w: World, url: str, kind: str, org, at: str) -> str:
    """`url`, with the signed PDF it asks for already being made for each person of the matrix: asking again
    answers without making another (the job itself is tested in tests/test_report_documents.py)."""
    from datetime import date

    from portal.extensions import db
    from portal.reports import documents
    from portal.reports.models import ReportDocument
    from portal.reports.periods import period_of

    period = period_of("year", date(int(at), 1, 1))
    for person in (w.member, w.representative, w.coordinator, w.other_member):
        for language in ("lv", "en"):
            db.session.add(ReportDocument(
                kind=kind, org_id=org.id if org else None, period_kind=period.kind, period_start=period.start,
                period_end=period.end, language=language, requested_by_id=person.id,
                pending_key=documents.pending_key(person, kind, org, period, language)))
    db.session.flush()
    return url


def report_pdf(w: World, kind: str) -> str:
    """The download of a signed report PDF of org B ("org") or of the network ("statistics"), made already."""
    from datetime import date

    from portal import signed_documents
    from portal.database import utcnow
    from portal.extensions import db
    from portal.reports.models import ReportDocument

    stored = signed_documents.store(f"%PDF-1.7 {kind}".encode(), "reports")
    document = ReportDocument(kind=kind, org_id=w.org.id if kind == "org" else None, period_kind="year",
                              period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), language="lv",
                              requested_by_id=(w.member if kind == "org" else w.coordinator).id, state="ready",
                              made_at=utcnow(), sha256=stored.sha256, size=stored.size,
                              storage_key=stored.storage_key)
    db.session.add(document)
    db.session.flush()
    return f"/reports/documents/{document.id}.pdf"


PROJECT_FORM = lambda w: {  # noqa: E731
    "name": "Kopā Latgalē", "funder": "Sabiedrības integrācijas fonds", "number": "2026/7", "starts_on": "2025-01-01",
    "ends_on": "2030-12-31", "cash_eur": "", "cash_note": "", "rate_volunteers": "8,00", "rate_premises": "50"}


def org_project(w: World) -> int:
    """Org B's project, over the world's exchanges (which are in the coming weeks), tagged by B with its accepted
    one."""
    from datetime import date

    from portal.extensions import db
    from portal.reports import projects

    cache = w.__dict__.setdefault("_project", [])
    if not cache:
        project = projects.create_project(w.representative, w.org, {
            "name": "Kopā Latgalē", "funder": "SIF", "number": "", "starts_on": date(2025, 1, 1),
            "ends_on": date(2030, 12, 31), "cash_eur": None, "cash_note": ""}, {})
        projects.tag_exchange(w.representative, w.accepted_exchange, project)
        db.session.commit()
        cache.append(project.id)
    return cache[0]


def project_pdf_pending(w: World) -> str:
    """Asking for the signed PDF of B's project's report, with one already being made for each person."""
    from portal.extensions import db
    from portal.reports import documents
    from portal.reports.models import Project, ReportDocument
    from portal.reports.periods import ALL_TIME, Period

    project = db.session.get(Project, org_project(w))
    for person in (w.member, w.representative, w.coordinator, w.other_member):
        for language in ("lv", "en"):
            db.session.add(ReportDocument(
                kind="project", org_id=w.org.id, project_id=project.id, period_kind=ALL_TIME, language=language,
                requested_by_id=person.id, pending_key=documents.pending_key(
                    person, "project", w.org, Period(ALL_TIME, None, None), language, project)))
    db.session.flush()
    return f"/orgs/{w.org.id}/projects/{project.id}/report/pdf"


def project_pdf(w: World) -> str:
    """The download of the signed PDF of B's project's report, made already."""
    from portal import signed_documents
    from portal.database import utcnow
    from portal.extensions import db
    from portal.reports.models import ReportDocument

    stored = signed_documents.store(b"%PDF-1.7 project", "reports")
    document = ReportDocument(kind="project", org_id=w.org.id, project_id=org_project(w), period_kind="all",
                              language="lv", requested_by_id=w.member.id, state="ready", made_at=utcnow(),
                              sha256=stored.sha256, size=stored.size, storage_key=stored.storage_key)
    db.session.add(document)
    db.session.flush()
    return f"/reports/documents/{document.id}.pdf"


def unsubscribe_link(w: World) -> str:
    """The member's one-click link that stops mails about exchanges: it works without logging in."""
    from portal.mail.preferences import unsubscribe_token

    return f"/unsubscribe/{unsubscribe_token(w.member, 'exchanges')}"


# POSTs that need no CSRF token: the one-click unsubscribe (RFC 8058), which a mail reader sends with the
# signed token in the address as its only proof.
# RFC 3161's time-stamp queries (POST /tsa) come from signing tools, with the query as the whole body.
CSRF_EXEMPT = {"accounts.unsubscribe", "certificates.time_stamp"}

MAIL_CHOICES = lambda w: {"exchanges": "daily", "messages": "instant", "agreements": "weekly",  # noqa: E731
                          "network": "off", "weekly_summary": "on", "digest_weekday": "0", "digest_hour": "8"}

MATRIX = [
    Row("main.landing", "GET", lambda w: "/", everyone(200)),
    Row("operations.healthz", "GET", lambda w: "/healthz", everyone(200)),
    Row("operations.readyz", "GET", lambda w: "/readyz", everyone(200)),
    Row("operations.prometheus_metrics", "GET", lambda w: "/metrics", everyone(404)),  # no METRICS_TOKEN set
    Row("static", "GET", lambda w: "/static/css/portal.css", everyone(200)),
    Row("accounts.login", "GET", lambda w: "/login", roles(200, 302, 302, 302, 302)),
    Row("accounts.login", "POST", lambda w: "/login", roles(200, 302, 302, 302, 302),
        data=lambda w: {"email": "nobody@example.org", "password": "wrong password!"}),
    Row("accounts.logout", "POST", lambda w: "/logout", roles(LOGIN, 302, 302, 302, 302)),
    Row("accounts.unlock", "GET", lambda w: "/login/unlock/not-a-token", everyone(410)),
    Row("accounts.unlock", "POST", lambda w: "/login/unlock/not-a-token", everyone(410)),
    Row("accounts.forgot_password", "GET", lambda w: "/password/forgot", everyone(200)),
    Row("accounts.forgot_password", "POST", lambda w: "/password/forgot", everyone(302),
        data=lambda w: {"email": "nobody@example.org"}),
    Row("accounts.accept_invitation", "GET", lambda w: "/invitation/not-a-token", everyone(410)),
    Row("accounts.accept_invitation", "POST", lambda w: "/invitation/not-a-token", everyone(410)),
    Row("accounts.reset_password", "GET", lambda w: "/password/reset/not-a-token", everyone(410)),
    Row("accounts.reset_password", "POST", lambda w: "/password/reset/not-a-token", everyone(410)),
    Row("accounts.profile", "GET", lambda w: "/account", LOGGED_IN_PAGE),
    Row("accounts.profile", "POST", lambda w: "/account", roles(LOGIN, 302, 302, 302, 302),
        data=lambda w: {"name": "Vārds Uzvārds", "position": "", "locale": "lv"}),
    Row("accounts.change_password", "GET", lambda w: "/account/password", LOGGED_IN_PAGE),
    Row("accounts.change_password", "POST", lambda w: "/account/password", LOGGED_IN_PAGE,
        data=lambda w: {"current_password": "not the password", "password": "x", "confirm": "x"}),
    Row("orgs.apply", "GET", lambda w: "/apply", roles(200, 302, 302, 302, 302)),
    Row("orgs.apply", "POST", lambda w: "/apply", roles(200, 302, 302, 302, 302),
        data=lambda w: {"name": ""}),
    Row("orgs.application_sent", "GET", lambda w: "/apply/sent", everyone(200)),
    Row("orgs.directory", "GET", lambda w: "/orgs", everyone(200)),
    Row("orgs.lookup", "GET", lambda w: "/orgs/lookup?q=balt", everyone(200)),
    Row("main.organization", "GET", lambda w: f"/orgs/{w.org.id}", everyone(200), scenario="active org"),
    Row("main.organization", "GET", lambda w: f"/orgs/{w.applicant_org.id}", roles(404, 404, 404, 200, 404),
        scenario="applied org"),
    Row("orgs.edit", "GET", lambda w: f"/orgs/{w.org.id}/edit", roles(LOGIN, 403, 200, 403, 404)),
    Row("orgs.edit", "POST", lambda w: f"/orgs/{w.org.id}/edit", OWN_ORG_MANAGER_ACTION, data=ORG_FORM),
    Row("orgs.people", "GET", lambda w: f"/orgs/{w.org.id}/people", roles(LOGIN, 200, 200, 200, 404)),
    Row("orgs.people", "GET", lambda w: f"/orgs/{w.applicant_org.id}/people", roles(LOGIN, 404, 404, 200, 404),
        scenario="applied org"),
    Row("orgs.invite", "POST", lambda w: f"/orgs/{w.org.id}/people/invite", OWN_ORG_MANAGER_ACTION,
        data=lambda w: {"name": "Jauns Biedrs", "email": "new.person@example.org", "role": "member"}),
    Row("orgs.change_role", "POST", lambda w: f"/orgs/{w.org.id}/people/{w.member.id}/role",
        OWN_ORG_MANAGER_ACTION, data=lambda w: {"role": "representative"}),
    Row("orgs.remove_person", "POST", lambda w: f"/orgs/{w.org.id}/people/{w.member.id}/remove",
        OWN_ORG_MANAGER_ACTION),
    Row("orgs.applications", "GET", lambda w: "/coordination/applications", COORDINATOR_ONLY),
    Row("orgs.application", "GET", lambda w: f"/coordination/applications/{w.applicant_org.id}", COORDINATOR_ONLY),
    Row("orgs.approve", "POST", lambda w: f"/coordination/applications/{w.applicant_org.id}/approve",
        COORDINATOR_ACTION),
    Row("orgs.reject", "POST", lambda w: f"/coordination/applications/{w.applicant_org.id}/reject",
        COORDINATOR_ACTION, data=lambda w: {"reason": "Nav NVO"}),
    Row("orgs.suspend", "GET", lambda w: f"/orgs/{w.org.id}/suspend", COORDINATOR_ONLY),
    Row("orgs.suspend", "POST", lambda w: f"/orgs/{w.org.id}/suspend", COORDINATOR_ACTION,
        data=lambda w: {"reason": "Pārbaude"}),
    Row("orgs.suspend", "POST", lambda w: f"/orgs/{w.org.id}/suspend", roles(LOGIN, 403, 403, 422, 403),
        data=lambda w: {"reason": " "}, scenario="no reason: the page again"),
    Row("orgs.reactivate", "POST", lambda w: f"/orgs/{w.org.id}/reactivate", COORDINATOR_ACTION),
    Row("notifications.inbox", "GET", lambda w: "/notifications", LOGGED_IN_PAGE),
    Row("notifications.mark_read", "POST", lambda w: "/notifications/read", roles(LOGIN, 302, 302, 302, 302)),
    Row("notifications.open_notification", "POST", member_notification, roles(LOGIN, 302, 404, 404, 404)),
    Row("accounts.save_mail_choices", "POST", lambda w: "/account/mail", roles(LOGIN, 302, 302, 302, 302),
        data=MAIL_CHOICES),
    Row("accounts.unsubscribe", "GET", unsubscribe_link, everyone(200)),
    Row("accounts.unsubscribe", "GET", lambda w: "/unsubscribe/WzEsImV4Y2hhbmdlcyJd.forged", everyone(404),
        scenario="forged token"),
    Row("accounts.unsubscribe", "POST", unsubscribe_link, everyone(200),
        data=lambda w: {"List-Unsubscribe": "One-Click"}),
    Row("accounts.unsubscribe", "POST", lambda w: "/unsubscribe/WzEsImV4Y2hhbmdlcyJd.forged", everyone(404),
        data=lambda w: {"List-Unsubscribe": "One-Click"}, scenario="forged token"),
    Row("coordination.audit_log", "GET", lambda w: "/coordination/audit", COORDINATOR_ONLY),
    Row("coordination.audit_csv", "GET", lambda w: "/coordination/audit.csv", COORDINATOR_ONLY),
    Row("coordination.mail", "GET", lambda w: "/coordination/mail", COORDINATOR_ONLY),
    Row("reports.network_statistics", "GET", lambda w: "/coordination/statistics?period=quarter&at=2025-10",
        COORDINATOR_ONLY),
    Row("coordination.send_mail_again", "POST", lambda w: f"/coordination/mail/{failed_mail(w)}/send-again",
        COORDINATOR_ACTION),
    Row("resources.catalogue", "GET", lambda w: "/resources?q=zale", everyone(200)),
    Row("resources.needs", "GET", lambda w: "/needs", everyone(200)),
    Row("resources.new_resource", "GET", lambda w: "/resources/new", PUBLISHER_PAGE),
    Row("resources.new_resource", "POST", lambda w: "/resources/new", PUBLISHER_ACTION, data=ENTRY_FORM),
    Row("resources.new_need", "GET", lambda w: "/needs/new", PUBLISHER_PAGE),
    Row("resources.new_need", "POST", lambda w: "/needs/new", PUBLISHER_ACTION, data=ENTRY_FORM),
    Row("resources.resource", "GET", lambda w: f"/resources/{w.resource.id}", roles(404, 200, 200, 200, 200),
        scenario="network-only"),
    Row("resources.resource", "GET", lambda w: f"/resources/{w.public_resource.id}", everyone(200),
        scenario="public"),
    Row("resources.resource", "GET", lambda w: f"/resources/{w.paused_resource.id}", roles(404, 200, 200, 200, 404),
        scenario="paused"),
    Row("resources.need", "GET", lambda w: f"/needs/{w.need.id}", roles(404, 200, 200, 200, 200)),
    Row("resources.edit_resource", "GET", lambda w: f"/resources/{w.resource.id}/edit", OWNER_PAGE),
    Row("resources.edit_resource", "POST", lambda w: f"/resources/{w.resource.id}/edit", OWNER_ACTION,
        data=ENTRY_FORM),
    Row("resources.edit_need", "GET", lambda w: f"/needs/{w.need.id}/edit", OWNER_PAGE),
    Row("resources.edit_need", "POST", lambda w: f"/needs/{w.need.id}/edit", OWNER_ACTION, data=ENTRY_FORM),
    Row("resources.resource_state", "POST", lambda w: f"/resources/{w.resource.id}/state", OWNER_ACTION,
        data=lambda w: {"state": "paused"}),
    Row("resources.need_state", "POST", lambda w: f"/needs/{w.need.id}/state", OWNER_ACTION,
        data=lambda w: {"state": "archived"}),
    Row("resources.add_photo", "POST", lambda w: f"/resources/{w.resource.id}/photos", OWNER_ACTION,
        data=photo_upload),
    Row("resources.remove_photo", "POST",
        lambda w: f"/resources/{w.public_resource.id}/photos/{w.public_resource.photos[0].id}/delete", OWNER_ACTION),
    Row("resources.photo", "GET",
        lambda w: f"/resources/{w.public_resource.id}/photos/{w.public_resource.photos[0].id}/thumb.jpg",
        everyone(200), scenario="public"),
    Row("resources.photo", "GET",
        lambda w: f"/resources/{w.resource.id}/photos/{w.public_resource.photos[0].id}/thumb.jpg",
        everyone(404), scenario="photo of another resource"),
    Row("exchanges.index", "GET", lambda w: "/exchanges", LOGGED_IN_PAGE),
    Row("exchanges.request_form", "GET", lambda w: f"/resources/{w.resource.id}/request",
        roles(LOGIN, 302, 302, 200, 200)),
    Row("exchanges.request_form", "POST", lambda w: f"/resources/{w.resource.id}/request",
        roles(LOGIN, 302, 302, 302, 302), data=request_form_data),
    Row("exchanges.detail", "GET", lambda w: f"/exchanges/{w.exchange.id}", PARTY_PAGE),
    Row("exchanges.accept", "POST", lambda w: f"/exchanges/{w.exchange.id}/accept", OWNER_ONLY_ACTION),
    Row("exchanges.decline", "POST", lambda w: f"/exchanges/{w.exchange.id}/decline", OWNER_ONLY_ACTION,
        data=lambda w: {"reason": "Aizņemts"}),
    Row("exchanges.withdraw", "POST", lambda w: f"/exchanges/{w.exchange.id}/withdraw",
        roles(LOGIN, 403, 403, 404, 302)),
    Row("exchanges.cancel", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/cancel", PARTY_ACTION,
        data=lambda w: {"reason": "Mainījās plāni"}),
    # Before its last day the rule refuses: the page again, with the message (the form is not shown yet).
    Row("exchanges.complete", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/complete", PARTY_PAGE,
        data=CONFIRMATION, scenario="before its last day"),
    Row("exchanges.complete", "POST", lambda w: f"/exchanges/{ended_exchange(w)}/complete", PARTY_ACTION,
        data=CONFIRMATION, scenario="ended"),
    Row("exchanges.complete", "POST", lambda w: f"/exchanges/{ended_exchange(w)}/complete", PARTY_PAGE,
        data=lambda w: {"outcome": "as_agreed", "quantity": "Infinity", "value_eur": "-1", "feedback": ""},
        scenario="bad figures"),
    # Confirming what happened: B's people confirm C's completion, C's member changes its own; the coordinating
    # organization is no party (404). Before completion the rule refuses with the page again.
    Row("exchanges.give_feedback", "POST", lambda w: f"/exchanges/{completed_exchange(w)}/feedback", PARTY_ACTION,
        data=lambda w: {"outcome": "not_as_agreed", "quantity": "1", "value_eur": "40",
                        "feedback": "Zāle bija auksta."}),
    Row("exchanges.give_feedback", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/feedback", PARTY_PAGE,
        data=lambda w: {"outcome": "as_agreed", "quantity": "1"}, scenario="not completed"),
    Row("exchanges.post_message", "POST", lambda w: f"/exchanges/{w.exchange.id}/messages", PARTY_ACTION,
        data=lambda w: {"body": "Vai der?"}),
    # Settling a dispute: the coordinators'; the sides' people see the exchange but may not (403); an organization
    # that is no side does not learn of it (404); a coordinator whose organization is a side may.
    Row("coordination.dispute", "GET", lambda w: f"/coordination/disputes/{disputed_exchange(w)}",
        roles(LOGIN, 403, 403, 200, 403)),
    Row("coordination.dispute", "GET", lambda w: f"/coordination/disputes/{disputed_exchange(w, True)}",
        roles(LOGIN, 403, 403, 200, 404), scenario="of B and the coordinating organization"),
    Row("coordination.dispute", "GET", lambda w: f"/coordination/disputes/{w.accepted_exchange.id}",
        roles(LOGIN, 404, 404, 404, 404), scenario="not completed"),
    Row("coordination.dispute", "POST", lambda w: f"/coordination/disputes/{disputed_exchange(w)}",
        roles(LOGIN, 403, 403, 302, 403), data=SETTLEMENT),
    Row("coordination.dispute", "POST", lambda w: f"/coordination/disputes/{disputed_exchange(w, True)}",
        roles(LOGIN, 403, 403, 302, 404), data=SETTLEMENT, scenario="of B and the coordinating organization"),
    Row("coordination.dispute", "POST", lambda w: f"/coordination/disputes/{disputed_exchange(w)}",
        roles(LOGIN, 403, 403, 422, 403), data=lambda w: {"outcome": "as_agreed", "quantity": "0", "note": ""},
        scenario="bad input"),
    Row("coordination.dispute", "POST", lambda w: f"/coordination/disputes/{completed_exchange(w)}",
        roles(LOGIN, 403, 403, 302, 403), data=SETTLEMENT, scenario="not disputed: the page with the message"),
    Row("exchanges.record_condition", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/conditions",
        PARTY_ACTION, data=lambda w: {"stage": "return", "note": "Atdots"}),
    Row("exchanges.condition_photo", "GET",
        lambda w: f"/exchanges/{w.accepted_exchange.id}/conditions/{w.accepted_exchange.conditions[0].id}.jpg",
        PARTY_PAGE),
    Row("exchanges.calendar", "GET", lambda w: "/calendar", LOGGED_IN_PAGE),
    Row("exchanges.renew_calendar", "POST", lambda w: "/calendar/renew", roles(LOGIN, 302, 302, 302, 302)),
    Row("exchanges.ical_feed", "GET", lambda w: f"/calendar/{w.feed_token}.ics", everyone(200)),
    Row("exchanges.ical_feed", "GET", lambda w: "/calendar/not-the-token.ics", everyone(404), scenario="bad token"),
    Row("exchanges.ledger", "GET", lambda w: "/ledger", LOGGED_IN_PAGE),
    Row("exchanges.ledger_csv", "GET", lambda w: "/ledger.csv", LOGGED_IN_PAGE),
    Row("exchanges.ledger_xlsx", "GET", lambda w: "/ledger.xlsx", LOGGED_IN_PAGE),
    Row("reports.own_report", "GET", lambda w: "/reports?period=year", roles(LOGIN, 302, 302, 302, 302)),
    # Org B's reports: its people and coordinators; a member of another organization gets 404.
    Row("reports.org_report", "GET", lambda w: f"/orgs/{w.org.id}/report?period=quarter&at=2025-10",
        roles(LOGIN, 200, 200, 200, 404)),
    Row("reports.org_report_file", "GET", lambda w: f"/orgs/{w.org.id}/report.csv?period=year",
        roles(LOGIN, 200, 200, 200, 404), scenario="csv"),
    Row("reports.org_report_file", "GET", lambda w: f"/orgs/{w.org.id}/report.xlsx?period=all",
        roles(LOGIN, 200, 200, 200, 404), scenario="xlsx"),
    Row("reports.volunteer_report_file", "GET", lambda w: f"/orgs/{w.org.id}/report/volunteers.csv?year=2025",
        roles(LOGIN, 200, 200, 200, 404), scenario="csv"),
    Row("reports.volunteer_report_file", "GET", lambda w: f"/orgs/{w.org.id}/report/volunteers.xlsx?year=2025",
        roles(LOGIN, 200, 200, 200, 404), scenario="xlsx"),
    Row("reports.volunteer_report", "GET", lambda w: f"/orgs/{w.org.id}/report/volunteers?year=2025",
        roles(LOGIN, 200, 200, 200, 404)),
    # The signed PDFs: asked for like the report is read (another organization's: 404; the network's statistics:
    # coordinators); the download checks the same.
    Row("report_documents.org_report", "POST",
        lambda w: report_pdf_pending(w, f"/orgs/{w.org.id}/report/pdf?period=year&at=2025", "org", w.org, "2025"),
        roles(LOGIN, 302, 302, 302, 404)),
    Row("report_documents.volunteer_report", "POST",
        lambda w: report_pdf_pending(w, f"/orgs/{w.org.id}/report/volunteers/pdf?year=2025", "volunteers", w.org,
                                     "2025"),
        roles(LOGIN, 302, 302, 302, 404)),
    Row("report_documents.network_statistics", "POST",
        lambda w: report_pdf_pending(w, "/coordination/statistics/pdf?period=year&at=2025", "statistics", None,
                                     "2025"),
        roles(LOGIN, 403, 403, 302, 403)),
    Row("report_documents.download", "GET", lambda w: report_pdf(w, "org"), roles(LOGIN, 200, 200, 200, 404),
        scenario="an organization's report"),
    Row("report_documents.download", "GET", lambda w: report_pdf(w, "statistics"), roles(LOGIN, 403, 403, 200, 403),
        scenario="the network statistics"),
    # Hours of work outside the portal: B's representatives enter and remove them; B's member and the coordinator
    # read the report but may not (403); another organization does not see it (404).
    Row("reports.add_volunteer_hours", "POST", lambda w: f"/orgs/{w.org.id}/report/volunteers/hours?year=2025",
        roles(LOGIN, 403, 302, 403, 404), data=VOLUNTEER_HOURS),
    Row("reports.add_volunteer_hours", "POST", lambda w: f"/orgs/{w.org.id}/report/volunteers/hours?year=2025",
        roles(LOGIN, 403, 200, 403, 404), data=lambda w: {**VOLUNTEER_HOURS(w), "ends_on": "2024-12-31"},
        scenario="period across two years: the form again"),
    Row("reports.remove_volunteer_hours", "POST",
        lambda w: f"/orgs/{w.org.id}/report/volunteers/hours/{volunteer_entry(w)}/remove",
        roles(LOGIN, 403, 302, 403, 404)),

    # Projects and their co-financing reports: seen like the organization's reports (its people, coordinators;
    # another organization: 404); managed by its representatives; an exchange is tagged by a representative of
    # a side (a coordinator is no party: 404; the other side's member may not: 403).
    Row("projects.own_projects", "GET", lambda w: "/projects", roles(LOGIN, 302, 302, 302, 302)),
    Row("projects.index", "GET", lambda w: f"/orgs/{w.org.id}/projects", roles(LOGIN, 200, 200, 200, 404)),
    Row("projects.new", "GET", lambda w: f"/orgs/{w.org.id}/projects/new", roles(LOGIN, 403, 200, 403, 404)),
    Row("projects.new", "POST", lambda w: f"/orgs/{w.org.id}/projects/new", roles(LOGIN, 403, 302, 403, 404),
        data=PROJECT_FORM),
    Row("projects.new", "POST", lambda w: f"/orgs/{w.org.id}/projects/new", roles(LOGIN, 403, 422, 403, 404),
        data=lambda w: {**PROJECT_FORM(w), "ends_on": "2024-12-31"}, scenario="ends before it starts: the form again"),
    Row("projects.detail", "GET", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}",
        roles(LOGIN, 200, 200, 200, 404)),
    Row("projects.edit", "GET", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/edit",
        roles(LOGIN, 403, 200, 403, 404)),
    Row("projects.edit", "POST", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/edit",
        roles(LOGIN, 403, 302, 403, 404), data=PROJECT_FORM),
    Row("projects.archive", "POST", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/archive",
        roles(LOGIN, 403, 302, 403, 404)),
    Row("projects.restore", "POST", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/restore",
        roles(LOGIN, 403, 302, 403, 404)),
    Row("projects.report_file", "GET", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/report.csv",
        roles(LOGIN, 200, 200, 200, 404), scenario="csv"),
    Row("projects.report_file", "GET", lambda w: f"/orgs/{w.org.id}/projects/{org_project(w)}/report.xlsx",
        roles(LOGIN, 200, 200, 200, 404), scenario="xlsx"),
    Row("report_documents.project_report", "POST", project_pdf_pending, roles(LOGIN, 302, 302, 302, 404)),
    Row("report_documents.download", "GET", project_pdf, roles(LOGIN, 200, 200, 200, 404),
        scenario="a project's co-financing report"),
    Row("projects.tag", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/project?p={org_project(w)}",
        roles(LOGIN, 403, 302, 404, 403), data=lambda w: {"project": str(org_project(w))}),
    Row("projects.untag", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/project/remove?p={org_project(w)}",
        roles(LOGIN, 403, 302, 404, 403)),

    Row("agreements.index", "GET", lambda w: "/agreements", LOGGED_IN_PAGE),
    Row("agreements.queue", "GET", lambda w: "/agreements/queue", COORDINATOR_ONLY),
    Row("agreements.new", "GET", lambda w: "/agreements/new", roles(LOGIN, 403, 200, 200, 403)),
    Row("agreements.new", "POST", lambda w: "/agreements/new", roles(LOGIN, 403, 302, 302, 403),
        data=lambda w: {"kind": "cooperation", "partner": str(w.other_org.id), "language": "lv",
                        "valid_from": "2030-01-01", "valid_to": ""}),
    Row("agreements.draft_for_exchange", "POST", lambda w: f"/exchanges/{w.accepted_exchange.id}/agreement",
        roles(LOGIN, 403, 302, 404, 403), data=lambda w: {"language": "lv"}),
    Row("agreements.detail", "GET", lambda w: agreement(w, "draft"), AGREEMENT_PAGE),
    Row("agreements.edit", "GET", lambda w: agreement(w, "draft") + "/edit", roles(LOGIN, 403, 200, 403, 404)),
    Row("agreements.edit", "POST", lambda w: agreement(w, "draft") + "/edit", AGREEMENT_DRAFTER_ACTION,
        data=lambda w: {"title": "Sadarbības līgums", "place": "Līvānos", "valid_from": "2030-01-01",
                        "valid_to": "", "review_on": "", "clauses-0-heading": "Priekšmets",
                        "clauses-0-text": "Puses sadarbojas.", "edit_stamp": ""}),
    Row("agreements.edit", "POST", lambda w: agreement(w, "draft") + "/edit", roles(LOGIN, 403, 200, 403, 404),
        data=lambda w: {**DRAFT_FORM, "op": "preview"}, scenario="preview"),
    Row("agreements.edit", "POST", lambda w: agreement(w, "draft") + "/edit", roles(LOGIN, 403, 200, 403, 404),
        data=lambda w: {**DRAFT_FORM, "clauses-0-text": "Pirmais.\nOtrais.", "op": "point-up-0-1"},
        scenario="point"),
    Row("agreements.preview_draft", "POST", lambda w: agreement(w, "draft") + "/preview",
        roles(LOGIN, 403, 200, 403, 404), data=lambda w: DRAFT_FORM),
    Row("agreements.comment", "POST", lambda w: agreement(w, "draft") + "/comments", AGREEMENT_PARTY_ACTION,
        data=lambda w: {"body": "Labs projekts."}),
    Row("agreements.choose_signatory", "POST", lambda w: agreement(w, "draft") + "/signatory",
        roles(LOGIN, 403, 302, 302, 404), data=lambda w: {"signatory": str(w.representative.id)}),
    Row("agreements.submit", "POST", lambda w: agreement(w, "draft") + "/submit", AGREEMENT_DRAFTER_ACTION),
    Row("agreements.approve", "POST", lambda w: agreement(w, "submitted") + "/approve",
        AGREEMENT_COORDINATOR_ACTION),
    Row("agreements.return_to_drafter", "POST", lambda w: agreement(w, "submitted") + "/return",
        AGREEMENT_COORDINATOR_ACTION, data=lambda w: {"comment": "Precizējiet termiņu."}),
    Row("agreements.sign", "GET", lambda w: agreement(w, "approved") + "/sign", roles(LOGIN, 403, 200, 200, 404)),
    # Typed as B's representative: the coordinator (who signs for the coordinating org) gets the form back.
    Row("agreements.sign", "POST", lambda w: agreement(w, "approved") + "/sign", roles(LOGIN, 403, 302, 200, 404),
        data=lambda w: {"password": PASSWORD, "typed_name": w.representative.name, "consent": "y"}),
    Row("agreements.remind", "POST", lambda w: remind_url(w), roles(LOGIN, 403, 302, 302, 404)),
    Row("agreements.terminate", "POST", lambda w: agreement(w, "approved") + "/terminate",
        AGREEMENT_REPRESENTATIVE_ACTION, data=lambda w: {"reason": "Sadarbība beigusies."}),
    Row("agreements.upload_signed", "POST", lambda w: agreement(w, "approved") + "/upload",
        roles(LOGIN, 403, 200, 200, 404), data=lambda w: {}, scenario="no file: the form again"),
    Row("agreements.pdf", "GET", lambda w: agreement(w, "draft") + "/pdf", AGREEMENT_PAGE, scenario="draft"),
    Row("agreements.pdf", "GET", lambda w: agreement(w, "approved") + "/pdf", AGREEMENT_PAGE,
        scenario="signing copy"),
    Row("agreements.completion_certificate", "GET", lambda w: agreement(w, "in_force") + "/completion-certificate",
        AGREEMENT_PAGE, scenario="in force"),
    Row("agreements.completion_certificate", "GET", lambda w: agreement(w, "approved") + "/completion-certificate",
        roles(LOGIN, 404, 404, 404, 404), scenario="not in force: none"),

    Row("verification.verify", "GET", lambda w: "/verify", everyone(200)),
    Row("verification.verify", "GET", lambda w: "/verify?code=" + make_agreement(w, "approved").verification_code,
        everyone(200), scenario="code"),
    Row("verification.verify", "POST", lambda w: "/verify", everyone(200), data=lambda w: {"code": "NONE-SUCH-CODE"}),
    Row("certificates.ca_certificate", "GET", lambda w: "/verify/network-ca.pem", everyone(200)),
    Row("certificates.revocation_list", "GET", lambda w: "/ca.crl", everyone(200)),
    # a form is not a time-stamp query (415); a real one is tested in test_long_term_signatures
    Row("certificates.time_stamp", "POST", lambda w: "/tsa", everyone(415)),
    Row("coordination.certificates", "GET", lambda w: "/coordination/certificates", COORDINATOR_ONLY),
    Row("coordination.rotate_certificate", "POST", lambda w: f"/coordination/certificates/{w.org.id}/rotate",
        COORDINATOR_ACTION),
]


# ---------------------------------------------------------------- the account page's API tokens

def member_token_id(w: World) -> int:
    """A token of org B's member: only they may revoke it."""
    from portal.api import services as api_tokens
    from portal.extensions import db

    cache = w.__dict__.setdefault("_member_token", [])
    if not cache:
        cache.append(api_tokens.create_token(w.member, name="Mājaslapa", scope="read", expires_in_days=30).token.id)
        db.session.commit()
    return cache[0]


MATRIX += [
    Row("api.tokens", "GET", lambda w: "/account/tokens", LOGGED_IN_PAGE),
    Row("api.tokens", "POST", lambda w: "/account/tokens", LOGGED_IN_PAGE,
        data=lambda w: {"name": "Mājaslapa", "scope": "read", "expires_in_days": "30"}),
    Row("api.revoke", "POST", lambda w: f"/account/tokens/{member_token_id(w)}/revoke",
        roles(LOGIN, 302, 404, 404, 404)),
]


# ---------------------------------------------------------------- /api/v1/: roles × token scopes

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


# ---------------------------------------------------------------- an organization's webhooks

def webhook_id(w: World) -> int:
    """A webhook of org B (to an address the portal would refuse to call: nothing leaves the test)."""
    from portal.api.models import Webhook
    from portal.extensions import db

    cache = w.__dict__.setdefault("_webhook", [])
    if not cache:
        hook = Webhook(org_id=w.org.id, url="https://192.0.2.10/hook", events="exchange.requested",
                       secret="whsec_matrix", created_by_id=w.representative.id)
        db.session.add(hook)
        db.session.commit()
        cache.append(hook.id)
    return cache[0]


WEBHOOK_MANAGER_PAGE = roles(LOGIN, 403, 200, 403, 404)
WEBHOOK_MANAGER_ACTION = roles(LOGIN, 403, 302, 403, 404)

MATRIX += [
    Row("api.org_webhooks", "GET", lambda w: f"/orgs/{w.org.id}/webhooks", WEBHOOK_MANAGER_PAGE),
    Row("api.org_webhooks", "POST", lambda w: f"/orgs/{w.org.id}/webhooks", WEBHOOK_MANAGER_PAGE,
        data=lambda w: {"url": "https://192.0.2.10/hook", "events": ["exchange.requested"]}),
    Row("api.test_webhook", "POST", lambda w: f"/orgs/{w.org.id}/webhooks/{webhook_id(w)}/test",
        WEBHOOK_MANAGER_ACTION),
    Row("api.remove_webhook", "POST", lambda w: f"/orgs/{w.org.id}/webhooks/{webhook_id(w)}/remove",
        WEBHOOK_MANAGER_ACTION),
]
