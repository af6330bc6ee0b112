"""The tab bars of a section (nav.tabs: the Exchanges, Coordination and organization tabs, the calendar's views),
on every page that has one, in Latvian and English: at 390 px a bar is one row of 44 px tabs that scrolls
sideways inside itself (never the page), shows the current tab, fades the side that has more, and scrolls a
tab that the keyboard reaches into view; at 1,280 px every bar is one row that does not scroll."""
import pytest

import page_checks as checks
from sweep_pages import COORDINATOR, MEMBER, PAGES, REPRESENTATIVE

PHONE, DESKTOP = 390, 1280

# Each of these pages shows at least one tab bar to every role in the test that may open it.
WITH_TABS = {
    "exchanges", "calendar", "calendar-list", "ledger", "report", "volunteer-report", "projects", "project",
    "applications", "approval-queue", "certificates", "statistics", "dispute", "audit-log", "mail",
    "org-people", "org-edit", "org-webhooks",
}

# Each bar on the page, measured after the browser has drawn it (and finished any snapping of a scroll).
BARS = """async () => {
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return [...document.querySelectorAll('nav.tabs')].map(bar => {
        const box = bar.getBoundingClientRect(), tabs = [...bar.querySelectorAll('a')];
        const shown = a => { const r = a.getBoundingClientRect(); return r.left >= box.left - 0.5 && r.right <= box.right + 0.5; };
        const current = bar.querySelector('[aria-current=page]');
        const focused = bar.contains(document.activeElement) ? document.activeElement : null;
        const end = bar.scrollWidth - bar.clientWidth;
        return {
            label: bar.getAttribute('aria-label'),
            rows: new Set(tabs.map(a => Math.round(a.getBoundingClientRect().top))).size,
            low: tabs.filter(a => a.getBoundingClientRect().height < 43.5).map(a => a.textContent.trim()),
            scrolls: end > 0,
            current: current ? current.textContent.trim() : null,
            current_shown: !current || shown(current),
            focused: focused ? focused.textContent.trim() : null,
            focused_shown: !focused || shown(focused),
            hint: [bar.classList.contains('more-before'), bar.classList.contains('more-after')],
            hint_wanted: [bar.scrollLeft > 1, bar.scrollLeft < end - 1],
            tabs: tabs.length,
        };
    });
}"""


def _bar_problems(bars, path, width):
    problems = []
    for bar in bars:
        where = f"{path} at {width} px, {bar['label']!r}"
        if bar["rows"] != 1:
            problems.append(f"{where}: the tabs are on {bar['rows']} rows")
        if bar["low"]:
            problems.append(f"{where}: tabs lower than 44 px: {bar['low']}")
        if not bar["current_shown"]:
            problems.append(f"{where}: the current tab {bar['current']!r} is not (wholly) in view")
        if bar["hint"] != bar["hint_wanted"]:
            problems.append(f"{where}: fades {bar['hint']} (before, after), expected {bar['hint_wanted']}")
        if width == DESKTOP and bar["scrolls"]:
            problems.append(f"{where}: the bar scrolls on a desktop")
    return problems


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("role", [MEMBER, REPRESENTATIVE, COORDINATOR])
def test_tab_bars_are_one_row_that_scrolls_inside_the_page(live_server, browser, sweep_ids, role_states, role, lang,
                                                           shot):
    own = sweep_ids.coordinating_org if role == COORDINATOR else sweep_ids.own_org
    pages = [p for p in PAGES if p.name in WITH_TABS and role in p.roles]
    assert {p.name for p in PAGES} >= WITH_TABS, "WITH_TABS names a page the sweep no longer has"
    context = browser.new_context(viewport={"width": PHONE, "height": 860}, locale="de-DE",
                                  storage_state=role_states[role])
    problems, scrolled = [], 0
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?lang={lang}")
        for swept in pages:
            path = swept.url(sweep_ids, own)
            page.set_viewport_size({"width": PHONE, "height": 860})
            page.goto(live_server.url + path)  # loaded at the phone's width: the current tab is scrolled to there
            bars = page.evaluate(BARS)
            if not bars:
                problems.append(f"{path}: no tab bar")
                continue
            problems += _bar_problems(bars, path, PHONE)
            problems += [f"{path} at {PHONE} px: {p}" for p in checks.problems(page, "overflow", "targets")]
            if any(bar["scrolls"] for bar in bars):
                scrolled += 1
                if scrolled == 1:
                    shot(page, f"tabs-{lang}-{PHONE}-{role}-{swept.name}")
            # The keyboard goes through the first bar's tabs, each scrolled into view as it gets the focus.
            tabs = page.locator("nav.tabs").first.locator("a")
            tabs.first.focus()
            for index in range(bars[0]["tabs"]):
                if index:
                    page.keyboard.press("Tab")
                focused = page.evaluate(BARS)[0]
                if focused["focused"] is None or not focused["focused_shown"]:
                    problems.append(f"{path} at {PHONE} px: tab {index + 1} ({focused['focused']!r}) "
                                    "has the focus but is not (wholly) in view")
            page.set_viewport_size({"width": DESKTOP, "height": 860})
            problems += _bar_problems(page.evaluate(BARS), path, DESKTOP)
            problems += [f"{path} at {DESKTOP} px: {p}" for p in checks.problems(page, "overflow")]
            page.set_viewport_size({"width": PHONE, "height": 860})  # narrowed again: the current tab shows again
            problems += [f"{path} narrowed to {PHONE} px: the current tab {bar['current']!r} is not (wholly) in view"
                         for bar in page.evaluate(BARS) if not bar["current_shown"]]
    finally:
        context.close()
    assert problems == []
    assert scrolled, "no page had a tab bar wider than a phone: the test measured nothing that scrolls"
