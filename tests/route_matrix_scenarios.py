"""What some rows of the authorization matrix make first, once per world and when a row first asks for it: a
failed mail, an agreement, exchanges ended, completed and disputed, volunteer hours, a photo upload, a
member's notification, the reports' and projects' signed PDFs, an unsubscribe link."""
from .factories import World, make_agreement, small_jpeg


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
