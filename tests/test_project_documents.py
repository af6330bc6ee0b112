"""The signed PDF of a project's co-financing report: asked for on the project's page, made by the job like
the other reports' (tests/test_report_documents.py), signed and time-stamped by the network, and recognized by
/verify. The figures are those of tests/test_cofinancing.py."""
from portal.reports import documents

from .helpers import client_for
from .certificate_helpers import anonymous, flip_byte_in_signed_range, html, shown_at, upload_to_verify
from .test_cofinancing import history, leaflets, project  # noqa: F401 (fixtures)
from .test_completion_certificate import contains
from .test_report_documents import check_signature, downloaded, made, pdf_text


def test_the_co_financing_pdf_is_signed_and_has_the_figures_and_the_evidence(queue_app, world, history, leaflets,
                                                                           project):
    url = f"/orgs/{world.org.id}/projects/{project.id}/report/pdf?lang=lv"
    document, data = made(queue_app, world.member, url)
    check_signature(data)
    assert (document.kind, document.org_id, document.project_id) == ("project", world.org.id, project.id)
    assert documents.file_name(document) == f"cofinancing-{world.org.id}-{project.id}-signed.pdf"
    text = pdf_text(data)
    for words in ("Līdzfinansējuma pārskats: Kopā Latgalē", "Finansētājs Sabiedrības integrācijas fonds, NVO fonds",
                  "2025.LV/NVOF/12",
                  "Projekta periods 2025. gada 1. janvāris – 2026. gada 1. janvāris",
                  "Brīvprātīgie 1 12 stundas 8,00 € 96,00 €", "Telpas vai norises vieta 1 2 dienas 50,00 € 100,00 €",
                  "Aprīkojums 1 2 dienas nav likmes 40,00 €", "200 vienības 0,30 € 60,00 €",
                  "Ieguldījums natūrā 296,00 €", "Līdzfinansējums naudā: Biedrības līdzekļi 500,00 €",
                  "Kopā līdzfinansējums 796,00 €", f"#{history.x1.id} Konferenču zāle", f"#{history.x5.id} Brīvprātīgie",
                  f"#{leaflets.id} Bukleti", "nav likmes", "http://localhost/verify"):
        assert contains(text, words), words
    assert f"#{history.x4.id} " not in text  # cancelled
    # Its people and the coordinators download it; another organization does not see it.
    for person in (world.representative, world.coordinator):
        downloaded(queue_app, person, document)
    other = client_for(queue_app, world.other_member)
    assert other.get(documents.download_path(document)).status_code == 404
    assert other.post(f"/orgs/{world.org.id}/projects/{project.id}/report/pdf").status_code == 404


def test_in_english_and_recognized_by_verify(queue_app, world, history, leaflets, project):
    _document, data = made(queue_app, world.representative,
                           f"/orgs/{world.org.id}/projects/{project.id}/report/pdf?lang=en")
    text = pdf_text(data)
    for words in ("Co-financing report: Kopā Latgalē", "In-kind contributions €296.00", "Total co-financing €796.00"):
        assert contains(text, words), words
    page = html(upload_to_verify(anonymous(queue_app), data, name="cofinancing.pdf"))
    assert 'data-verdict="complete"' in page
    assert shown_at(page, "verdict").startswith(
        "The co-financing report of the project “Kopā Latgalē” of Baltā māja, made on ")
    page = html(upload_to_verify(anonymous(queue_app), flip_byte_in_signed_range(data), name="cofinancing.pdf"))
    assert 'data-verdict="altered"' in page


def test_the_project_page_has_the_button(app, world, history, project):
    page = html(client_for(app, world.member).get(f"/orgs/{world.org.id}/projects/{project.id}?lang=en"))
    assert f'action="/orgs/{world.org.id}/projects/{project.id}/report/pdf"' in page
    assert "Download as PDF (signed)" in page
