"""The signed PDFs of the reports: "Download as PDF (signed)" asks for one and answers at once, a job (a worker
with a queue, a thread without one) renders it in the reader's language, the network signs and time-stamps it,
the file is stored with its SHA-256 and a notification brings the link; the download has the report's own
permission; /verify recognizes the file and flags a changed copy. The PDFs are checked with pyHanko and their
text read with pdftotext, against the hand-counted history of tests/report_world.py."""
import hashlib
import io
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from portal.certificates import revocation, services as certificates
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import text_of
from portal.reports import documents
from portal.reports.models import FAILED, PENDING, READY, ReportDocument
from portal.signing.verify import validation_context

from .helpers import client_for
from .report_world import build_history
from .certificate_helpers import anonymous, flip_byte_in_signed_range, html, shown_at, upload_to_verify
from .test_completion_certificate import contains
from .test_jobs import queued_paths, work

JOB = "portal.reports.documents:make_document"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture
def history(world):
    return build_history(world)


def pdf_text(data: bytes) -> str:
    """The PDF's text as laid out (a table's row on one line), all whitespace removed."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return "".join(text.decode().split())


def ask(client, url: str):
    response = client.post(url)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def the_documents() -> list[ReportDocument]:
    db.session.expire_all()
    return db.session.scalars(sa.select(ReportDocument).order_by(ReportDocument.id)).all()


def notifications_of(user) -> list[Notification]:
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind.like("report_pdf_%"))).all()


def downloaded(app, user, document: ReportDocument) -> bytes:
    response = client_for(app, user).get(documents.download_path(document))
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code
    assert response.headers["Content-Disposition"] == f'attachment; filename="{documents.file_name(document)}"'
    return response.data


def check_signature(data: bytes) -> None:
    """Intact, trusted by the network CA, time-stamped, covering the whole file, certified: no change allowed."""
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_regular_signatures
    roots = certificates.network_trust_roots()
    known = [asn1_crl.CertificateList.load(der) for der in revocation.known_crls()]
    status = validate_pdf_signature(signature, validation_context(roots, crls=known),
                                    validation_context(roots, crls=known))
    assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert signature.docmdp_level.name == "NO_CHANGES"


def made(app, user, url: str) -> tuple[ReportDocument, bytes]:
    """Asks for the PDF as `user`, lets the worker make it, follows the notification's link."""
    client = client_for(app, user)
    response = ask(client, url)
    assert JOB in queued_paths(app)
    page = html(client.get(response.headers["Location"]))
    assert "The signed PDF is being made. You will get a notification with the link to download it." in page \
        or "Parakstītais PDF tiek sagatavots" in page
    work(app)
    document = the_documents()[-1]
    assert document.state == READY and document.requested_by_id == user.id
    [notification] = notifications_of(user)
    assert notification.link == documents.download_path(document)
    data = downloaded(app, user, document)
    as_png(data, f"report-pdf-{document.kind}-{document.language}")
    return document, data


def as_png(data: bytes, name: str) -> None:
    """Every page at 60 dpi in test-artifacts/screenshots/<name>-<page>.png, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-", str(SCREENSHOTS / name)], input=data, check=True)


# ---------------------------------------------------------------- the PDFs

def test_the_org_report_pdf_is_signed_time_stamped_and_has_the_figures(queue_app, world, history):
    document, data = made(queue_app, world.member, f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=lv")
    check_signature(data)
    assert (document.kind, document.org_id, document.language) == ("org", world.org.id, "lv")
    assert (document.sha256, document.storage_key) == (
        hashlib.sha256(data).hexdigest(), f"reports/{document.sha256}.pdf")
    text = pdf_text(data)
    for words in ("Pārskats: Baltā māja", "Periods 2025 (2025. gada 1. janvāris – 2025. gada 31. decembris)",
                  f"reģ. Nr. {world.org.registration_number}", "Ko deva Baltā māja", "Ko saņēma Baltā māja",
                  "Dots 2 256,00 € 12 2", "Saņemts 1 40,00 € 0 2", "Sukrums 2 256,00 €",
                  f"#{history.x1.id} {world.resource.title}", f"#{history.x5.id} Brīvprātīgie pasākumiem",
                  f"#{history.x3.id} Skaņas komplekts", "http://localhost/verify", "Sagatavots:", "1. lapa no"):
        assert contains(text, words), words
    assert f"#{history.x4.id} " not in text and f"#{history.x6.id} " not in text  # cancelled; ended in 2026
    notification = notifications_of(world.member)[0]
    assert text_of(notification) == "Parakstītais PDF „Pārskats: Baltā māja · 2025” ir gatavs: atveriet šo " \
        "paziņojumu, lai to lejupielādētu."
    with force_locale("en"):
        assert text_of(notification) == "The signed PDF “Pārskats: Baltā māja · 2025” is ready: open this to " \
            "download it."


def test_in_english_the_pdf_is_english(queue_app, world, history):
    _document, data = made(queue_app, world.representative,
                           f"/orgs/{world.org.id}/report/pdf?period=quarter&at=2025-03&lang=en")
    text = pdf_text(data)
    for words in ("Report of Baltā māja", "Q1 2025", "What Baltā māja gave", "Given 2 €256.00 12 2",
                  "Received 0 €0.00 0 0", "Nothing in this period.", "Page 1 of", "To check that it has not "
                  "been changed since, upload this PDF file at http://localhost/verify"):
        assert contains(text, words), words
    assert "Pārskats" not in text


def test_the_volunteer_report_pdf(queue_app, world, history):
    document, data = made(queue_app, world.representative,
                          f"/orgs/{world.org.id}/report/volunteers/pdf?year=2025&lang=lv")
    check_signature(data)
    assert (document.kind, document.period_kind, str(document.period_start)) == ("volunteers", "year", "2025-01-01")
    text = pdf_text(data)
    for words in ("Brīvprātīgā darba pārskats par 2025. gadu", "Baltā māja", "Līvāni 1 12",
                  f"#{history.x5.id}", "Kopā 1 12"):
        assert contains(text, words), words


def test_the_network_statistics_pdf_has_the_figures_and_the_charts(queue_app, world, history):
    document, data = made(queue_app, world.coordinator, "/coordination/statistics/pdf?period=year&at=2025&lang=en")
    check_signature(data)
    assert document.org_id is None and document.kind == "statistics"
    text = pdf_text(data)
    for words in ("Network statistics", "The period at a glance", "Exchanges completed 3", "€296.00",
                  "Completed exchanges by month", "Completed exchanges by municipality of the resource",
                  "Organizations that gave most", "Baltā māja 2 €256.00 1", "Members today",
                  "Members with no activity in 6 months", "Klusā biedrība"):
        assert contains(text, words), words
    assert data.count(b"/Subtype /Form") >= 4 or data.count(b"/Subtype/Form") >= 4  # the four charts, as vectors


# ---------------------------------------------------------------- /verify

def test_verify_recognizes_a_report_and_flags_a_changed_copy(queue_app, world, history):
    document, data = made(queue_app, world.member, f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=lv")
    page = html(upload_to_verify(anonymous(queue_app), data, name="report.pdf"))
    assert 'data-verdict="complete"' in page
    assert shown_at(page, "verdict").startswith("A report of Baltā māja for 2025, made on ")
    assert shown_at(page, "verdict").endswith(", intact and signed by the network.")
    assert shown_at(page, "held") == "This file is a signed report that the portal made and holds, byte for byte."
    assert "Certification by the network" in page

    page = html(upload_to_verify(anonymous(queue_app), flip_byte_in_signed_range(data), name="report.pdf"))
    assert 'data-verdict="altered"' in page and "Changed after signing" in page
    assert "signed report that the portal made" not in page


# ---------------------------------------------------------------- the button and the job

def test_the_report_pages_have_the_button(app, world, history):
    member, coordinator = client_for(app, world.member), client_for(app, world.coordinator)
    page = html(member.get(f"/orgs/{world.org.id}/report?period=quarter&at=2025-10&lang=en"))
    assert f'action="/orgs/{world.org.id}/report/pdf?period=quarter&amp;at=2025-10"' in page
    assert "Download as PDF (signed)" in page
    page = html(member.get(f"/orgs/{world.org.id}/report/volunteers?year=2024&lang=lv"))
    assert f'action="/orgs/{world.org.id}/report/volunteers/pdf?year=2024"' in page
    assert "Lejupielādēt PDF (parakstītu)" in page
    page = html(coordinator.get("/coordination/statistics?period=month&at=2025-03"))
    assert 'action="/coordination/statistics/pdf?period=month&amp;at=2025-03"' in page


def test_without_a_queue_the_pdf_is_made_in_process_after_the_commit(app, world, history):
    client = client_for(app, world.member)
    ask(client, f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=lv")
    for _ in range(3000):  # up to 60 s: on two busy cores the thread can wait its turn for seconds
        ready = [d.id for d in the_documents() if d.state == READY]
        db.session.rollback()  # no read transaction held while waiting: SQLite's writer must get its lock
        if ready:
            break
        time.sleep(0.02)
    [document] = the_documents()
    assert document.state == READY and document.pending_key is None
    [notification] = notifications_of(world.member)
    assert notification.link == f"/reports/documents/{document.id}.pdf"
    opened = client.post(f"/notifications/{notification.id}/open")  # the bell's link
    assert opened.status_code == 302 and opened.headers["Location"] == notification.link
    check_signature(downloaded(app, world.member, document))
    assert documents.make_document(document.id) is False  # a second run of the job finds it made


def test_asking_twice_makes_one_and_a_pdf_made_a_moment_ago_is_given_again(queue_app, world, history):
    client = client_for(queue_app, world.member)
    url = f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=lv"
    ask(client, url)
    ask(client, url)
    assert queued_paths(queue_app).count(JOB) == 1 and len(the_documents()) == 1
    # Another language, period or person is another document.
    ask(client, url.replace("lang=lv", "lang=en"))
    ask(client, url.replace("at=2025", "at=2024"))
    ask(client_for(queue_app, world.representative), url)
    assert queued_paths(queue_app).count(JOB) == 4 and len(the_documents()) == 4

    work(queue_app)
    first = the_documents()[0]
    response = ask(client, url)  # pressed again: the one just made, at once, and no new job
    assert response.headers["Location"] == f"/reports/documents/{first.id}.pdf"
    assert JOB not in queued_paths(queue_app) and len(the_documents()) == 4

    first.made_at -= timedelta(seconds=documents.REUSE_SECONDS + 1)  # later on, the figures may have changed
    db.session.commit()
    ask(client, url)
    assert queued_paths(queue_app) == [JOB] and len(the_documents()) == 5


def test_two_clicks_at_the_same_moment_make_one_document(queue_app, world, history):
    from portal.accounts.models import User
    from portal.reports.periods import period_of

    from .agreement_helpers import at_once

    period = period_of("year", history.x1.ends_on)
    member_id, org_id = world.member.id, world.org.id

    def click():
        return documents.request_document(db.session.get(User, member_id), "org",
                                          db.session.get(type(world.org), org_id), period, "lv").document.id

    first, second = at_once(queue_app, click, click)
    assert first == second and len(the_documents()) == 1
    assert queued_paths(queue_app).count(JOB) == 1


def test_a_lost_job_is_handed_out_again_and_one_pending_too_long_has_failed(queue_app, world, history,
                                                                          redis_server_url, redis_prefix):
    from .helpers import forget_redis_keys

    client = client_for(queue_app, world.member)
    url = f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=lv"
    ask(client, url)
    forget_redis_keys(redis_server_url, redis_prefix)  # Redis flushed: the job is gone
    ask(client, url)
    assert queued_paths(queue_app) == []  # it is still being made, as far as anyone can tell
    [document] = the_documents()
    document.requested_at -= documents.lost_after() + timedelta(seconds=1)
    db.session.commit()
    ask(client, url)  # asked again after the job must have ended: handed out again
    assert queued_paths(queue_app) == [JOB] and len(the_documents()) == 1

    forget_redis_keys(redis_server_url, redis_prefix)
    document = the_documents()[0]
    document.requested_at -= documents.lost_after() + timedelta(seconds=1)
    stale = ReportDocument(kind="volunteers", org_id=world.org.id, period_kind="year",
                           period_start=history.x1.ends_on.replace(month=1, day=1),
                           period_end=history.x1.ends_on.replace(month=12, day=31), language="en",
                           requested_by_id=world.representative.id, state=PENDING, pending_key="stale",
                           requested_at=document.requested_at - documents.GIVE_UP_AFTER)
    db.session.add(stale)
    db.session.commit()
    assert documents.sweep() == 1
    db.session.commit()
    assert queued_paths(queue_app) == [JOB]
    work(queue_app)
    document, stale = the_documents()
    assert document.state == READY and (stale.state, stale.pending_key) == (FAILED, None)
    [failed] = notifications_of(world.representative)
    assert failed.kind == "report_pdf_failed" and failed.link == f"/orgs/{world.org.id}/report/volunteers?year=2025"
    with force_locale("en"):
        assert text_of(failed) == ("The signed PDF “Volunteer report 2025 · Baltā māja” could not be made. Try "
                                   "again later.")
    assert len(notifications_of(world.member)) == 1


def test_a_pdf_that_cannot_be_made_fails_and_its_person_is_told(queue_app, world, history, monkeypatch):
    from portal.pdfs import PdfRenderError
    from portal.reports import pdf

    def broken(document, made_at):
        raise PdfRenderError("refused: file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

    monkeypatch.setattr(pdf, "render", broken)
    client = client_for(queue_app, world.coordinator)
    ask(client, "/coordination/statistics/pdf?period=all&lang=en")
    work(queue_app)
    [document] = the_documents()
    assert (document.state, document.sha256) == (FAILED, None)
    [notification] = notifications_of(world.coordinator)
    assert (notification.kind, notification.link) == ("report_pdf_failed", "/coordination/statistics?period=all")
    response = client.get(documents.download_path(document) + "?lang=en")
    assert response.status_code == 302
    assert "The signed PDF could not be made. Ask for it again." in html(client.get(response.headers["Location"]))
    monkeypatch.undo()
    ask(client, "/coordination/statistics/pdf?period=all&lang=en")  # asked again: a new one
    assert len(the_documents()) == 2 and queued_paths(queue_app) == [JOB]


# ---------------------------------------------------------------- who may download it

def test_the_download_asks_for_the_reports_own_permission(queue_app, world, history):
    org_document, _ = made(queue_app, world.member, f"/orgs/{world.org.id}/report/pdf?period=all&lang=lv")
    for person in (world.representative, world.coordinator):
        downloaded(queue_app, person, org_document)
    other = client_for(queue_app, world.other_member)
    assert other.get(documents.download_path(org_document)).status_code == 404
    assert other.post(f"/orgs/{world.org.id}/report/pdf?period=all").status_code == 404
    assert other.post(f"/orgs/{world.org.id}/report/volunteers/pdf?year=2025").status_code == 404
    assert len(the_documents()) == 1
    response = client_for(queue_app, None).get(documents.download_path(org_document))
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    statistics_document, _ = made(queue_app, world.coordinator, "/coordination/statistics/pdf?period=year&at=2025")
    for person in (world.member, world.representative, world.other_member):
        client = client_for(queue_app, person)
        assert client.get(documents.download_path(statistics_document)).status_code == 403
        assert client.post("/coordination/statistics/pdf?period=year&at=2025").status_code == 403
    assert client_for(queue_app, world.coordinator).get("/reports/documents/999999.pdf").status_code == 404


def test_a_pending_or_lost_pdf_is_a_clear_message_not_an_error(queue_app, world, history):
    from portal.storage import get_storage

    client = client_for(queue_app, world.member)
    ask(client, f"/orgs/{world.org.id}/report/pdf?period=year&at=2025&lang=en")
    [document] = the_documents()
    response = client.get(documents.download_path(document) + "?lang=en")
    assert response.status_code == 302 and response.headers["Location"] == documents.report_path(document)
    assert "The signed PDF is still being made" in html(client.get(response.headers["Location"]))
    work(queue_app)
    get_storage().delete(the_documents()[0].storage_key)
    response = client.get(documents.download_path(document) + "?lang=en")
    assert response.status_code == 302
    assert "The signed PDF cannot be read now. Tell a coordinator." in html(client.get(response.headers["Location"]))
