"""What every swept page must satisfy, measured in the browser. Each check is a JavaScript function that
returns the page's problems as sentences; `problems(page, ...)` runs several in one round trip.

axe-core comes from the npm registry (tests/browser/vendor, installed by scripts/install-browser-test-deps)
and is put into every page of a context as Playwright's init script, which the portal's CSP
(`script-src 'self'`) does not govern.
"""
import json
import subprocess
from functools import lru_cache
from pathlib import Path

from playwright.sync_api import Page

PROJECT = Path(__file__).resolve().parents[2]
AXE = PROJECT / "tests" / "browser" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
MIN_TARGET = 44  # px, the touch target size of the portal's own controls on phones

CHECKS = {
    "lang": """(want) => document.documentElement.lang === want ? [] : [`html lang is ${document.documentElement.lang}`]""",
    # No horizontal scrolling; names the outermost elements that stick out.
    "overflow": """() => {
        const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
        if (scroll <= width) { return []; }
        const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim()
                ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
        return [`the document is ${scroll} px wide in a ${width} px window: ${wide.join(', ')}`];
    }""",
    # The header marks exactly the current section (or nothing).
    "section": """(expected) => {
        const marked = [...document.querySelectorAll('header [aria-current="page"]')].map(a => a.getAttribute('href'));
        const want = expected ? [expected] : [];
        return JSON.stringify(marked) === JSON.stringify(want) ? [] :
            [`aria-current=page marks ${JSON.stringify(marked)} in the header, expected ${JSON.stringify(want)}`];
    }""",
    # One h1; the skip link is the first thing the keyboard reaches; every photo says what it shows (the
    # portal has no decorative images: its icons are inline SVG).
    "structure": """() => {
        const problems = [], h1 = document.querySelectorAll('h1').length;
        if (h1 !== 1) { problems.push(`${h1} h1 elements, expected one`); }
        const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, summary');
        if (!(first && first.matches('a.skip-link[href="#main"]') && document.querySelector('main#main'))) {
            problems.push(`the first focusable element is ${first ? first.outerHTML.slice(0, 100) : 'none'}, expected the skip link to main#main`);
        }
        const unnamed = [...document.querySelectorAll('img')].filter(i => !(i.getAttribute('alt') || '').trim());
        if (unnamed.length) { problems.push('photos without alt text: ' + unnamed.map(i => i.getAttribute('src')).join(', ')); }
        return problems;
    }""",
    # Controls of at least 44 × 44 px. Links inside running text are exempt (WCAG 2.5.8); a checkbox or a
    # radio button counts with its label.
    "targets": """(min) => {
        const small = [];
        for (const control of document.querySelectorAll(
                'button, select, textarea, input:not([type=hidden]), summary, a.button, .site-header a, nav a, .pager a')) {
            let box = control;
            if (control.matches('input[type=checkbox], input[type=radio]')) {
                box = control.closest('label') || (control.id && document.querySelector(`label[for="${control.id}"]`)) || control;
            }
            const r = box.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || getComputedStyle(box).visibility === 'hidden') { continue; }
            if (r.height < min - 0.5 || r.width < min - 0.5) {
                small.push(`${box.tagName.toLowerCase()}${box.name ? '[name=' + box.name + ']' : ''} "${(box.innerText || box.value || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
            }
        }
        return small.length ? [`touch targets under ${min} px: ${small.slice(0, 8).join('; ')}`] : [];
    }""",
    # On a phone a table is stacked rows: every data cell says which column it is.
    "cell_labels": """() => {
        const bare = [...document.querySelectorAll('main table tbody td:not([colspan])')].filter(td => !td.hasAttribute('data-label'));
        return bare.length ? ['table cells without data-label: ' + bare.slice(0, 4).map(td => JSON.stringify(td.innerText.trim().slice(0, 40))).join(', ')] : [];
    }""",
    # Every table of the page sits in its .table-scroll box, which scrolls it sideways when it is wider than the page;
    # a box that scrolls can be focused (the keyboard scrolls it: axe's scrollable-region-focusable), one that fits
    # is no tab stop. Measured after a frame, when portal.js has followed a resize.
    "table_boxes": """() => {
        const problems = [], name = t => t.dataset.testid || (t.querySelector('th') ? t.querySelector('th').innerText.trim().slice(0, 30) : '');
        const bare = [...document.querySelectorAll('main table')].filter(t => !t.parentElement.matches('.table-scroll'));
        if (bare.length) { problems.push('tables outside a .table-scroll box: ' + bare.map(name).join(', ')); }
        for (const box of document.querySelectorAll('.table-scroll')) {
            const scrolls = box.scrollWidth > box.clientWidth + 1, focusable = box.getAttribute('tabindex') === '0';
            if (scrolls !== focusable) {
                problems.push(`the box of table "${name(box.querySelector('table'))}" ${scrolls ? 'scrolls' : 'fits'} ` +
                    `(${box.scrollWidth} px in ${box.clientWidth} px) but is ${focusable ? '' : 'not '}focusable`);
            }
        }
        return problems;
    }""",
    # On a desktop the header is its designed rows: the brand and the person's links on one line, every
    # section link on the line below.
    "header_rows": """() => {
        const middle = e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); };
        const bar = [...document.querySelectorAll('.header-row > :not(.site-menu), .site-menu > .user-nav, .site-menu > .lang-switch')]
            .filter(e => e.getBoundingClientRect().height > 0);
        const problems = [], middles = bar.map(middle);
        if (Math.max(...middles) - Math.min(...middles) > 6) {
            problems.push('the header\\'s top row is not one line: ' + bar.map(e => `${e.className} at ${middle(e)}`).join(', '));
        }
        const tops = new Set([...document.querySelectorAll('.main-nav a')].map(a => Math.round(a.getBoundingClientRect().top)));
        if (tops.size > 1) { problems.push(`the navigation wraps onto ${tops.size} rows`); }
        return problems;
    }""",
}


def problems(page: Page, *names: str, section: str | None = None, lang: str | None = None) -> list[str]:
    """The problems the named checks find, in one evaluation; `section` is the href the header must mark."""
    args = {"section": section, "lang": lang, "targets": MIN_TARGET}
    calls = ", ".join(f"...({CHECKS[name]})({json.dumps(args.get(name))})" for name in names)
    return page.evaluate(f"() => [{calls}]")


@lru_cache(maxsize=None)
def axe_source() -> str:
    if not AXE.exists():
        subprocess.run([str(PROJECT / "scripts" / "install-browser-test-deps")], check=True)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """Runs axe-core, which the context's init script (`axe_source()`) has put into the page. `preload: false`:
    axe would fetch every stylesheet again for one rule (css-orientation-lock) that a page without
    orientation media queries passes anyway."""
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations'], preload: false});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 4).map(n => n.target.join(' ') + (n.failureSummary ? ' — ' +
                n.failureSummary.split('\\n').slice(1, 2).join('').trim() : ''))}));
    }""")
    return [f"axe {v['impact']} {v['id']}: {v['help']} at {v['targets']}"
            for v in violations if v["impact"] in FAILING_IMPACTS]
