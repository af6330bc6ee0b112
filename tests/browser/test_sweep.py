"""Every page of every role at a phone's width (390 px) and a desktop's (1,280 px), in Latvian and English.

In Latvian every page of every role; in English every page once (as the last of its roles sees it) and
without axe, since the structure is the same. On each page: the expected status, no console error (a CSP
violation is one), no horizontal scrolling (`document.documentElement.scrollWidth > window.innerWidth`
fails), no serious or critical axe-core violation, the current section marked in the navigation, one h1,
a skip link, alt text on every photo; on a phone every control is at least 44 px and every table cell is
labelled for the stacked layout; on a desktop the header does not wrap.
Screenshots: test-artifacts/screenshots/sweep/<lang>-<width>/<role>-<page>.jpg (JPEG: a third of PNG's time).

Between and beyond those two widths (MID_WIDTHS: from 320 px, under a small phone, past the breakpoints at 700 and
820 px, to 1,400 px) every page is measured once more, for horizontal scrolling only: a table wider than a window
between a phone's and a desktop's scrolls inside its own box, never the page (and the box can then be focused).

One browser, one context per role and language; each role logs in once (conftest's role_states).
Problems are collected over the whole sweep and reported together.
"""
import shutil

import pytest
from playwright.sync_api import Browser

import page_checks as checks
from conftest import SCREENSHOTS
from sweep_pages import COORDINATOR, NAV, NOT_PAGES, PAGES, ROLES, pages_for

SWEEP = SCREENSHOTS / "sweep"
PHONE, DESKTOP = 390, 1280
MID_WIDTHS = (320, 600, 700, 701, 760, 820, 860, 1024, 1400)


@pytest.fixture(scope="module")
def sweep(sweep_ids, role_states):
    shutil.rmtree(SWEEP, ignore_errors=True)
    return sweep_ids, role_states


def test_every_get_route_is_swept(live_server):
    pages = {rule.endpoint for rule in live_server.app.url_map.iter_rules() if "GET" in rule.methods}
    swept = {page.endpoint for page in PAGES}
    assert pages - swept - set(NOT_PAGES) == set(), "GET routes neither swept nor listed in NOT_PAGES"
    assert set(NOT_PAGES) & swept == set()
    assert set(NOT_PAGES) - pages == set(), "NOT_PAGES names routes that no longer exist"


def _org_of(role, ids):
    return ids.coordinating_org if role == COORDINATOR else ids.own_org


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_passes_axe(live_server, browser: Browser, sweep, role, lang):
    """Each page is loaded once and measured at both widths: the viewport is resized in between, which
    the media queries follow like a new window (and costs a fraction of loading the page again)."""
    ids, states = sweep
    own = _org_of(role, ids)
    context = browser.new_context(viewport={"width": PHONE, "height": 860}, locale="de-DE",
                                  storage_state=states[role])
    run_axe = lang == "lv"  # the structure is the same in English
    if run_axe:
        context.add_init_script(script=checks.axe_source())
    page = context.new_page()
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    widths = [PHONE, DESKTOP]
    for width in widths:
        (SWEEP / f"{lang}-{width}").mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        page.goto(f"{live_server.url}/?lang={lang}")
        for swept in pages_for(role, lang):
            path = swept.url(ids, own)
            console_errors.clear()
            response = page.goto(live_server.url + path)
            if response.status != swept.status:
                problems.append(f"{path}: status {response.status}, expected {swept.status}")
            section = swept.section_for(role)
            for width in widths:
                if page.viewport_size["width"] != width:
                    page.set_viewport_size({"width": width, "height": 860})
                found = checks.problems(page, "lang", "section", "structure", "overflow",
                                        *(("targets", "cell_labels") if width == PHONE else ("header_rows",)),
                                        section=f"/orgs/{own}" if section == "own" else NAV.get(section), lang=lang)
                if run_axe:
                    found += checks.axe_violations(page)
                page.screenshot(path=str(SWEEP / f"{lang}-{width}" / f"{role}-{swept.name}.jpg"), full_page=True,
                                type="jpeg", quality=80)
                problems += [f"{path} at {width} px: {problem}" for problem in found]
            widths.reverse()  # the next page starts at the width this one ended with
            own_status = f"the server responded with a status of {swept.status}"
            problems += [f"{path}: console: {text}" for text in console_errors
                         if swept.status == 200 or own_status not in text]
    finally:
        context.close()
    assert not problems, f"{role} in {lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_at_every_width(live_server, browser: Browser, sweep, role, lang):
    """Each page is loaded once and resized through MID_WIDTHS: the document never scrolls sideways, every table is
    in its .table-scroll box, and a box that scrolls its table can be focused. At 860 px, say, the people of an
    organization or the figures beside a chart of the statistics did not fit before."""
    ids, states = sweep
    own = _org_of(role, ids)
    context = browser.new_context(viewport={"width": MID_WIDTHS[0], "height": 860}, locale="de-DE",
                                  storage_state=states[role])
    page = context.new_page()
    problems = []
    try:
        page.goto(f"{live_server.url}/?lang={lang}")
        widths = list(MID_WIDTHS)
        for swept in pages_for(role, lang):
            path = swept.url(ids, own)
            page.goto(live_server.url + path)
            for width in widths:
                if page.viewport_size["width"] != width:
                    page.set_viewport_size({"width": width, "height": 860})
                    page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")  # resize handled
                problems += [f"{path} at {width} px: {problem}"
                             for problem in checks.problems(page, "overflow", "table_boxes")]
            widths.reverse()  # the next page starts at the width this one ended with
    finally:
        context.close()
    assert not problems, f"{role} in {lang}:\n" + "\n".join(problems)
