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
from .test_certificates import anonymous, flip_byte_in_signed_range, html, shown_at, upload_to_verify
from .test_completion_certificate import contains
from .test_jobs import queued_paths, work

JOB = "portal.reports.documents:make_document"


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
    import os
    if os.environ.get("DUMP_DIR"):
        open(os.path.join(os.environ["DUMP_DIR"], documents.file_name(document)), "wb").write(
            client_for(app, user).get(documents.download_path(document)).data)
    assert document.state == READY and document.requested_by_id == user.id
    [notification] = notifications_of(user)
    assert notification.link == documents.download_path(document)
    return document, downloaded(app, user, document)


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
