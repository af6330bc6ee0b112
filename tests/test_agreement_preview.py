"""The preview beside the agreement editor: the HTML the PDF is rendered from, of the draft as typed (nothing is
saved), refreshed by a button without JavaScript or by the editor's script, within the per-person preview limit."""
import html as entities
import re

import pytest

from portal.agreements import preview
from portal.agreements.models import Agreement
from portal.agreements.pdf import render_html
from portal.extensions import db

from .factories import make_agreement
from .helpers import client_for
from .test_agreement_editor import _form

SECTIONS = [("Priekšmets", "Pirmais punkts\nOtrais punkts"), ("Tiesības", "Trešais punkts")]


def page(response) -> str:
    return response.get_data(as_text=True)


def srcdoc(html: str) -> str:
    """The document the preview frame shows."""
    return entities.unescape(re.search(r'<iframe[^>]*srcdoc="([^"]*)"', html).group(1))


def headings(document: str) -> list[str]:
    return [entities.unescape(h) for h in re.findall(r'<h2><span class="num">\d+\.</span>(.*?)</h2>', document)]


@pytest.fixture
def draft(world):
    agreement = make_agreement(world, "draft")
    db.session.commit()
    return agreement


@pytest.fixture
def drafter(app, world):
    return client_for(app, world.representative)


def test_the_edit_page_shows_the_stored_draft_as_the_pdf_prints_it(app, draft, drafter):
    html = page(drafter.get(f"/agreements/{draft.id}/edit?lang=lv"))
    assert 'data-testid="preview-pane"' in html and "Priekšskatījums" in html
    document = srcdoc(html)
    with app.test_request_context():
        assert document == preview.preview_html(preview.build_document(draft))
    assert render_html(preview.build_document(draft)).split("</head>")[1] in document  # the PDF's own HTML
    assert headings(document) == [c["heading"] for c in draft.clauses]
    assert "agreement-preview.js" in html


def test_the_button_previews_what_is_typed_and_saves_nothing(draft, drafter):
    stored = (draft.title, list(draft.clauses))
    data = _form(draft, list(reversed(SECTIONS)), op="preview", title="Līgums par zāli")
    html = page(drafter.post(f"/agreements/{draft.id}/edit?lang=en", data=data))
    document = srcdoc(html)
    assert headings(document) == ["Tiesības", "Priekšmets"]
    assert "Līgums par zāli" in document and "Otrais punkts" in document
    assert 'value="Līgums par zāli"' in html  # the typing is kept in the editor too
    db.session.expire_all()
    again = db.session.get(Agreement, draft.id)
    assert (again.title, again.clauses) == stored


def test_moving_a_point_or_a_section_shows_the_new_order_in_the_preview(draft, drafter):
    html = page(drafter.post(f"/agreements/{draft.id}/edit", data=_form(draft, SECTIONS, op="down-0")))
    assert headings(srcdoc(html)) == ["Tiesības", "Priekšmets"]
    html = page(drafter.post(f"/agreements/{draft.id}/edit", data=_form(draft, SECTIONS, op="point-up-0-1")))
    document = srcdoc(html)
    assert document.index("Otrais punkts") < document.index("Pirmais punkts")


def test_the_script_gets_the_typed_document_alone(draft, drafter):
    response = drafter.post(f"/agreements/{draft.id}/preview", data=_form(draft, SECTIONS, title="Cits"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    document = page(response)
    assert document.startswith("<!DOCTYPE html>") and headings(document) == ["Priekšmets", "Tiesības"]
    assert "<h1>Cits</h1>" in document and "/static/css/agreement-preview" in document


def test_typed_markup_is_text_in_the_preview(draft, drafter):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    html = page(drafter.post(f"/agreements/{draft.id}/edit", data=_form(draft, [(evil, evil)], op="preview")))
    assert "<script>alert" not in html and "<img src=x" not in html
    document = srcdoc(html)
    assert "<script>alert" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;" in document


def test_bad_dates_fall_back_to_the_stored_ones_and_a_draft_too_long_shows_no_preview(draft, drafter):
    data = _form(draft, SECTIONS, op="preview", valid_from="31.02.2030", valid_to="1999-01-01")
    response = drafter.post(f"/agreements/{draft.id}/edit?lang=en", data=data)
    assert response.status_code == 200 and headings(srcdoc(page(response))) == ["Priekšmets", "Tiesības"]
    too_long = _form(draft, [("Garš", "x" * 9000)], op="preview")
    html = page(drafter.post(f"/agreements/{draft.id}/edit?lang=en", data=too_long))
    assert srcdoc(html) == "" and "shorten it to see the preview" in html
    response = drafter.post(f"/agreements/{draft.id}/preview", data=too_long)
    assert response.status_code == 422


def test_previews_share_the_per_person_limit_with_the_pdf(app, draft, drafter, world):
    app.config["PREVIEW_RATE_LIMIT"] = "3 per minute"
    data = _form(draft, SECTIONS, op="preview")
    assert drafter.post(f"/agreements/{draft.id}/preview", data=data).status_code == 200
    assert 'srcdoc=""' not in page(drafter.post(f"/agreements/{draft.id}/edit?lang=en", data=data))
    assert drafter.get(f"/agreements/{draft.id}/pdf").status_code == 200
    # The fourth in the minute: the button's page says so in place of the preview, the script gets a 429.
    html = page(drafter.post(f"/agreements/{draft.id}/edit?lang=en", data=data))
    assert "Too many previews in a minute" in html and srcdoc(html) == ""
    refused = drafter.post(f"/agreements/{draft.id}/preview", data=data)
    assert refused.status_code == 429 and refused.headers["Retry-After"] and refused.mimetype == "text/plain"
    assert drafter.get(f"/agreements/{draft.id}/pdf").status_code == 429
    # Opening or rearranging the editor needs no preview of the budget: it shows what the page already holds.
    assert drafter.get(f"/agreements/{draft.id}/edit").status_code == 200
    # Another person's budget is their own.
    assert client_for(app, world.coordinator).get(f"/agreements/{draft.id}/pdf").status_code == 200


def test_only_the_drafter_previews_an_editable_draft(app, draft, world):
    data = _form(draft, SECTIONS)
    assert client_for(app, world.member).post(f"/agreements/{draft.id}/preview", data=data).status_code == 403
    assert client_for(app, world.other_member).post(f"/agreements/{draft.id}/preview", data=data).status_code == 404
    assert client_for(app, world.representative).post(f"/agreements/{draft.id}/preview", data=data,
                                                      csrf=False).status_code == 400
