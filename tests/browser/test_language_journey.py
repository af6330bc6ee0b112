"""The language switch on a search, in a real browser: it keeps the page and the query, and for a logged-in
person it is their language from then on (another browser, after logging in again, is in English too)."""
import re

from playwright.sync_api import Page, expect

from steps import log_in, log_out, reset_login_rate_limit, watch

PERSON = "olga.gailuma@in-lingua.example.org"


def search(page: Page, base: str, words: str) -> None:
    page.goto(f"{base}/resources")
    form = page.locator("form.search-form")
    form.locator("input[name=q]").fill(words)
    form.locator(".search-row button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/resources\?.*q=" + words))


def test_the_switch_keeps_the_search_and_sticks_for_a_logged_in_person(live_server, browser, page: Page, shot):
    base = live_server.url
    failed_responses, console_errors = watch(page)

    # A visitor searching in Latvian switches to English: the same search, in English.
    page.goto(f"{base}/?lang=lv")
    search(page, base, "projektors")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    page.locator("header .lang-switch a[hreflang=en]").click()
    page.wait_for_url(re.compile(r"/resources\?(.*&)?q=projektors(&.*)?&lang=en$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("form.search-form input[name=q]")).to_have_value("projektors")
    shot(page, "language-1-search-in-english")

    # A logged-in person switches on a search: saved to the profile.
    reset_login_rate_limit(live_server.app)
    page.goto(f"{base}/?lang=lv")
    log_in(page, base, PERSON, live_server.demo_password)
    search(page, base, "telpa")
    page.locator("header .lang-switch a[hreflang=en]").click()
    page.wait_for_url(re.compile(r"q=telpa.*&lang=en$"))
    expect(page.locator("form.search-form input[name=q]")).to_have_value("telpa")

    # Another browser, no language chosen there: after logging in, the portal is in English.
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    try:
        other_page = other.new_page()
        log_in(other_page, base, PERSON, live_server.demo_password)
        expect(other_page.locator("html")).to_have_attribute("lang", "en")
        other_page.goto(f"{base}/resources?q=telpa")
        expect(other_page.locator("html")).to_have_attribute("lang", "en")
        shot(other_page, "language-2-english-in-another-browser")
        # back to Latvian: the profile follows again
        other_page.locator("header .lang-switch a[hreflang=lv]").click()
        other_page.wait_for_url(re.compile(r"q=telpa&lang=lv$"))
        expect(other_page.locator("html")).to_have_attribute("lang", "lv")
    finally:
        other.close()
    log_out(page, base)
    reset_login_rate_limit(live_server.app)

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)
