"""The header menu, the catalogue's filters, the skip link, focus and photos' alt text, used as people use
them: on a phone the menu and the filters fold behind a button (and unfold without JavaScript too), on a
desktop everything is on the page; the keyboard reaches the skip link first and always shows where it is."""
import pytest
from playwright.sync_api import expect

import page_checks as checks
from steps import lv

HALL = "Konferenču zāle “Dzerkaļi”"  # with the photo and the condition record sweep_data.prepare adds
CONDITION_NOTE = "Zāle sakārtota, projektors darbojas."


@pytest.fixture
def open_page(browser, live_server, role_states):
    contexts = []

    def open_page(role, width, path, **options):
        context = browser.new_context(viewport={"width": width, "height": 860}, locale="de-DE",
                                      storage_state=role_states[role], **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}{path}?lang=lv" if "?" not in path else f"{live_server.url}{path}&lang=lv")
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_the_phone_menu_unfolds_marks_the_section_and_folds_again(open_page, live_server, shot):
    page = open_page("coordinator", 390, "/agreements")
    toggle = page.locator("header button.menu-toggle")
    nav = page.locator("nav.main-nav")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(page.locator("header .user-nav")).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for href in ("/resources", "/needs", "/orgs", "/exchanges", "/agreements", "/coordination/applications"):
        expect(nav.locator(f"a[href='{href}']")).to_be_visible()
    expect(nav.locator("a[aria-current=page]")).to_have_attribute("href", "/agreements")
    expect(page.locator("header .user-nav a[href='/account']")).to_be_visible()
    expect(page.locator("header .lang-switch a[hreflang=en]")).to_be_visible()
    assert checks.problems(page, "targets", "overflow") == []
    shot(page, "sweep/menu-open-390")

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    toggle.click()
    nav.locator("a[href='/resources']").click()
    page.wait_for_url(f"{live_server.url}/resources")
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator("nav.main-nav a[aria-current=page]")).to_have_attribute("href", "/resources")


@pytest.mark.parametrize("width", [900, 1280])
def test_on_a_desktop_the_header_is_two_tidy_rows_without_a_menu_button(open_page, width):
    page = open_page("coordinator", width, "/coordination/audit")
    expect(page.locator("header button.menu-toggle")).to_be_hidden()
    expect(page.locator("nav.main-nav a[href='/coordination/applications']")).to_be_visible()
    expect(page.locator("nav.main-nav a[aria-current=page]")).to_have_attribute("href", "/coordination/applications")
    expect(page.locator("header .user-nav a[href='/account']")).to_be_visible()
    assert checks.problems(page, "header_rows", "overflow") == []


def test_without_javascript_nothing_is_folded(open_page):
    page = open_page("representative", 390, "/resources", java_script_enabled=False)
    expect(page.locator("header button.menu-toggle")).to_be_hidden()
    expect(page.locator("nav.main-nav a[href='/exchanges']")).to_be_visible()
    expect(page.locator("header .user-nav a[href='/account']")).to_be_visible()
    expect(page.locator("button.filters-toggle")).to_be_hidden()
    expect(page.locator("select[name=municipality]")).to_be_visible()
    assert checks.problems(page, "overflow", "targets") == []


def test_the_catalogue_filters_fold_behind_a_button_that_counts_them(open_page, live_server, shot):
    page = open_page("visitor", 390, "/resources?kind=material&municipality=ludzas")
    toggle = page.locator("button.filters-toggle")
    expect(toggle).to_be_visible()
    expect(toggle.locator(".count")).to_have_text("2")
    expect(page.locator("select[name=municipality]")).to_be_hidden()
    expect(page.locator("input[name=q]")).to_be_visible()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("select[name=municipality]")).to_be_visible()
    shot(page, "sweep/filters-open-390")
    page.locator("select[name=kind]").select_option("")
    page.locator("#catalogue-filters button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/resources?**")
    assert "municipality=ludzas" in page.url and "kind=material" not in page.url
    expect(page.locator("button.filters-toggle .count")).to_have_text("1")

    desktop = open_page("visitor", 1280, "/resources")
    expect(desktop.locator("button.filters-toggle")).to_be_hidden()
    expect(desktop.locator("select[name=municipality]")).to_be_visible()


def test_the_organization_filter_suggests_members_as_one_types(open_page, live_server):
    page = open_page("member", 1280, "/resources")  # Baltā māja's own entries are for the network
    field = page.locator("input[name=org_name]")
    field.press_sequentially("balta ma", delay=30)
    options = page.locator("#org-suggestions option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Baltā māja"
    field.fill("Baltā māja")
    page.locator("#catalogue-filters button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/resources?**")
    expect(page.locator("input[name=org_name]")).to_have_value("Baltā māja")
    expect(page.locator("button.filters-toggle .count")).to_have_text("1")
    assert page.locator("[data-testid=entry]").count() >= 1


def test_the_keyboard_reaches_the_skip_link_first_and_focus_is_always_visible(open_page):
    page = open_page("member", 1280, "/resources")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 40, "the focused skip link is on the screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    focused = []
    for _ in range(3):  # into the content: the publish button, the search field, the search button
        page.keyboard.press("Tab")
        focused.append(_focus_ring(page))
    for _ in range(3):  # back out of the content: the header's last control, the logout button
        page.keyboard.press("Shift+Tab")
    focused.append(_focus_ring(page))
    assert [f["in_main"] for f in focused] == [True, True, True, False], focused
    for ring in focused:
        assert ring["style"] == "solid" and ring["width"] >= 3, ring


def _focus_ring(page):
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {element: e.outerHTML.slice(0, 60), in_main: !!e.closest('main'), style: s.outlineStyle,
                width: parseFloat(s.outlineWidth), color: s.outlineColor}; }""")


def test_photos_say_what_they_show(open_page, sweep_ids):
    page = open_page("visitor", 390, f"/resources/{sweep_ids.public_resource}")
    gallery = page.locator(".gallery img").first
    expect(gallery).to_have_attribute("alt", f"{lv('Photo %(n)d of %(title)s', n=1, title=HALL)}")

    page.goto(page.url.split("/resources/")[0] + "/resources?q=dzerkali")
    expect(page.locator(".entry-card img.thumb").first).to_have_attribute(
        "alt", lv("Photo of %(title)s", title=HALL))

    member = open_page("member", 390, f"/exchanges/{sweep_ids.accepted_exchange}")
    expect(member.locator(".condition img")).to_have_attribute(
        "alt", lv("Photo at hand-over: %(note)s", note=CONDITION_NOTE))


@pytest.mark.parametrize("width", [390, 1280])
def test_a_verification_report_fits_and_passes_axe(browser, live_server, sweep_ids, tmp_path, shot, width):
    """The report on an uploaded file is a POST answer, so the sweep does not reach it: the document of
    record of the network agreement, checked by a visitor."""
    from portal.agreements.files import current_file

    with live_server.app.app_context():
        document = tmp_path / "tiklojuma-ligums.pdf"
        document.write_bytes(current_file(sweep_ids.network_agreement).data)
    context = browser.new_context(viewport={"width": width, "height": 860}, locale="de-DE")
    context.add_init_script(script=checks.axe_source())
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/verify?lang=lv")
        page.locator("main input[name=document]").set_input_files(str(document))
        page.locator("main form[action='/verify'] button[type=submit]").click()
        expect(page.locator("[data-testid=verify-report]")).to_be_visible()
        found = checks.problems(page, "structure", "overflow",
                                *(("targets", "cell_labels") if width == 390 else ("header_rows",)))
        assert found + checks.axe_violations(page) == []
        shot(page, f"sweep/verify-report-{width}")
    finally:
        context.close()


def test_the_api_documentation_renders_the_openapi_31_document(browser, live_server, shot):
    """Swagger UI, served by the portal, reads the OpenAPI 3.1 document: every operation and every webhook
    event is listed (Swagger UI 4 refused 3.1 with "Unable to render this definition"), no console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/resources").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    expect(page.locator(".opblock-summary", has_text="exchange.accepted")).to_have_count(1)
    assert errors == []
    shot(page, "api-docs")
    context.close()
