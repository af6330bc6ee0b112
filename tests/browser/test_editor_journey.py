"""The agreement editor's preview in a real browser (Latvian): a drafter moves a section and a point and sees the
preview beside the text change; typing refreshes it by the script, and without JavaScript the "Refresh the
preview" button does. At 390 px the preview is below the text and nothing is wider than the screen.

The draft is between DU Jauno zinātnieku biedrība and Sukrums, whom no other journey drafts with. Screenshots of
the other pages issue 13 changed (a need's day, photos on the publish form, a resource's calendar) are taken here
too, at 1,280 and 390 px."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from steps import log_in, lv, reset_login_rate_limit, watch

DRAFTER = "arturs.snepsts@jzb.example.org"  # DU Jauno zinātnieku biedrība
PUBLISHER = "janis.kalnins@balta-maja.example.org"  # Baltā māja's member
HALL = "Izvaltas tautas nama zāle"  # ATTĪSTĪBAI's, material
SECTIONS = [("Līguma priekšmets", "Puses kopīgi rīko zinātnes dienas jauniešiem.\nPuses dalās ar telpām."),
            ("Pušu pienākumi", "Katra Puse norīko atbildīgo personu."),
            ("Noslēguma noteikumi", "Līgums stājas spēkā, kad to parakstījušas abas Puses.")]


def _draft(app) -> int:
    from portal.accounts.models import User
    from portal.agreements import drafting
    from portal.extensions import db
    from portal.orgs.models import Organization

    with app.app_context():
        drafter = db.session.scalar(select(User).where(User.email == DRAFTER))
        partner = db.session.scalar(select(Organization).where(Organization.name == "Sukrums"))
        agreement = drafting.draft_cooperation(drafter, partner, language="lv", valid_from=date.today(),
                                               valid_to=date.today() + timedelta(days=365))
        agreement.clauses = [{"heading": h, "text": t} for h, t in SECTIONS]
        db.session.commit()
        return agreement.id


def preview_headings(page: Page) -> list[str]:
    frame = page.frame_locator("iframe[data-testid=preview]")
    expect(frame.locator("section.clauses h2").first).to_be_visible()
    return [re.sub(r"^\d+\.\s*", "", text).strip() for text in frame.locator("section.clauses h2").all_inner_texts()]


def preview_text(page: Page) -> str:
    return page.frame_locator("iframe[data-testid=preview]").locator("section.clauses").inner_text()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def drafter_page(page, live_server):
    reset_login_rate_limit(live_server.app)
    log_in(page, live_server.url, DRAFTER, live_server.demo_password)
    return page


def test_the_drafter_reorders_and_sees_the_preview_change(drafter_page, live_server, shot):
    page = drafter_page
    failed, console_errors = watch(page)
    agreement_id = _draft(live_server.app)
    page.goto(f"{live_server.url}/agreements/{agreement_id}/edit")
    form, pane = page.get_by_test_id("edit-form"), page.get_by_test_id("preview-pane")
    expect(pane.get_by_role("heading", name=lv("Preview"))).to_be_visible()
    assert [h.lower() for h in preview_headings(page)] == [h.lower() for h, _ in SECTIONS]
    form_box, pane_box = form.bounding_box(), pane.bounding_box()
    assert pane_box["x"] >= form_box["x"] + form_box["width"] - 1, "beside the text at 1,280 px"
    shot(page, "editor-preview-1280")

    # A section moved down: the page comes back with the change, and so does the preview.
    page.get_by_test_id("down-1").click()
    expect(page.locator(".flash.info")).to_contain_text(lv("The sections are rearranged. Press “Save” to keep the change."))
    lowered = [h.lower() for h in preview_headings(page)]
    assert lowered == [SECTIONS[1][0].lower(), SECTIONS[0][0].lower(), SECTIONS[2][0].lower()]

    # A point moved up within its section (now the second one).
    page.get_by_test_id("points-2").locator("summary").click()
    page.get_by_test_id("point-up-2-2").click()
    expect(page.locator(".flash.info")).to_contain_text(lv("The points are rearranged. Press “Save” to keep the change."))
    text = preview_text(page)
    assert text.index("Puses dalās ar telpām.") < text.index("Puses kopīgi rīko zinātnes dienas jauniešiem.")
    expect(page.locator(".point-row.focused button:focus")).to_have_count(1)  # the cursor stays with the point
    shot(page, "editor-point-moved-1280")

    # Typing: the script refreshes the preview a moment after the typing stops, nothing saved.
    heading = form.locator("[name=clauses-2-heading]")
    heading.fill("Nobeigums un strīdi")
    expect(page.frame_locator("iframe[data-testid=preview]").locator("section.clauses")).to_contain_text(
        re.compile("nobeigums un strīdi", re.I), timeout=15_000)
    assert not failed and not console_errors, (failed, console_errors)

    # At 390 px the preview is below the text and nothing is wider than the phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    form_box, pane_box = form.bounding_box(), pane.bounding_box()
    assert pane_box["y"] >= form_box["y"] + form_box["height"] - 1, "below the text at 390 px"
    fits(page, 390)
    shot(page, "editor-preview-390")


def test_without_javascript_the_button_refreshes_the_preview(browser, live_server, shot):
    reset_login_rate_limit(live_server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server.url, DRAFTER, live_server.demo_password)
        agreement_id = _draft(live_server.app)
        page.goto(f"{live_server.url}/agreements/{agreement_id}/edit")
        page.locator("[name=title]").fill("Sadarbības līgums par zinātnes dienām")
        page.locator("[name=clauses-0-heading]").fill("Priekšmets un mērķis")
        page.get_by_test_id("refresh-preview").click()
        expect(page).to_have_url(re.compile(r"/edit#preview$"))  # the page comes back at the preview
        frame = page.frame_locator("iframe[data-testid=preview]")
        expect(frame.locator("h1")).to_contain_text(re.compile("zinātnes dienām", re.I))
        expect(frame.locator("section.clauses")).to_contain_text(re.compile("priekšmets un mērķis", re.I))
        expect(page.locator("[name=title]")).to_have_value("Sadarbības līgums par zinātnes dienām")
        page.get_by_test_id("points-1").locator("summary").click()
        page.get_by_test_id("point-remove-1-1").click()
        assert "Puses kopīgi rīko" not in frame.locator("section.clauses").inner_text()
    finally:
        context.close()


def test_the_other_changed_pages_at_both_widths(page, live_server, shot):
    """A need's day on its card and page, the publish form asking to choose the photos again, and a material
    resource's calendar, in Latvian at 1,280 and 390 px."""
    from portal.extensions import db
    from portal.resources.models import Need, Resource

    with live_server.app.app_context():
        need = db.session.scalars(select(Need).order_by(Need.id)).first()
        need.needed_by = date.today() + timedelta(days=20)
        past = db.session.scalars(select(Need).order_by(Need.id.desc())).first()
        past.needed_by = date.today() - timedelta(days=2)
        need_id, hall_id = need.id, db.session.scalar(select(Resource.id).where(Resource.title == HALL))
        db.session.commit()
    reset_login_rate_limit(live_server.app)
    log_in(page, live_server.url, PUBLISHER, live_server.demo_password)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/needs")
        expect(page.get_by_test_id("needed-by").first).to_contain_text(lv("Needed by %(day)s", day="")[:10])
        expect(page.get_by_text(lv("the day is over")).first).to_be_visible()
        fits(page, width)
        shot(page, f"needs-needed-by-{width}")
        page.goto(f"{live_server.url}/needs/{need_id}")
        expect(page.get_by_test_id("needed-by")).to_be_visible()
        shot(page, f"need-needed-by-{width}")
        page.goto(f"{live_server.url}/resources/{hall_id}")
        calendar = page.get_by_test_id("availability")
        expect(calendar).to_be_visible()
        page.get_by_test_id("availability-next").click()
        expect(page).to_have_url(re.compile(r"\?month=\d{4}-\d{2}#availability$"))
        fits(page, width)
        shot(page, f"resource-calendar-{width}")
        page.goto(f"{live_server.url}/resources/new")
        page.locator("input[name=photos]").set_input_files([{"name": "zale.jpg", "mimeType": "image/jpeg",
                                                               "buffer": _jpeg()}])
        page.locator("[name=title]").fill("")
        page.locator("main form button[type=submit]").last.click()
        expect(page.locator("#photos-retype")).to_contain_text(
            lv("The chosen files are not kept when the form has a problem: choose them again."))
        fits(page, width)
        shot(page, f"resource-new-photos-{width}")


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 90)).save(out, "JPEG")
    return out.getvalue()
