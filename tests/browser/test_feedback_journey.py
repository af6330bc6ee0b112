"""Feedback after an exchange in a real browser (Latvian): the owner of the demo's completed workshop confirms
what happened with other figures, and both sides see the disagreement; the pages fit a phone and a desktop and
pass axe. Screenshots: test-artifacts/screenshots/feedback-*.png."""
import pytest
from playwright.sync_api import Page, expect

import page_checks as checks
from steps import lv, reset_login_rate_limit, watch

WORKSHOP = "Darbnīca: sociokultūras projektu sagatavošana un realizēšana"  # completed by its requester
PHONE, DESKTOP = 390, 1280


@pytest.fixture
def fresh_login_limit(live_server):
    reset_login_rate_limit(live_server.app)
    yield
    reset_login_rate_limit(live_server.app)


def demo_exchange(app, title: str):
    """(exchange id, the owner's representative's e-mail, the requester's representative's e-mail)."""
    from sqlalchemy import select

    from portal.exchanges.models import Exchange
    from portal.extensions import db
    from portal.resources.models import Resource

    with app.app_context():
        exchange = db.session.scalar(select(Exchange).join(Resource).where(Resource.title == title))
        rep = lambda org: next(p.email for p in org.people if p.role == "representative")  # noqa: E731
        found = exchange.id, rep(exchange.owner_org), rep(exchange.requester_org)
        db.session.rollback()
    return found


def check_both_widths(page: Page, shot, name: str) -> list[str]:
    found = []
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{name} at {width} px: {p}" for p in checks.problems(
            page, "structure", "overflow", *(("targets", "cell_labels") if width == PHONE else ()))]
        found += [f"{name} at {width} px: {p}" for p in checks.axe_violations(page)]
        shot(page, f"{name}-{width}")
    return found


def log_in_as(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login?lang=lv")
    form = page.locator("main form[method=post]")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def test_the_owner_confirms_otherwise_and_both_sides_see_the_dispute(live_server, fresh_login_limit, browser, shot):
    base = live_server.url
    exchange_id, owner, requester = demo_exchange(live_server.app, WORKSHOP)
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="de-DE")
    context.add_init_script(script=checks.axe_source())
    page = context.new_page()
    failed_responses, console_errors = watch(page)
    problems = []
    try:
        log_in_as(page, base, owner, live_server.demo_password)
        page.goto(f"{base}/exchanges/{exchange_id}")
        form = page.locator("[data-testid=feedback-form]")
        expect(form.locator("h3")).to_have_text(lv("Confirm what happened"))
        expect(page.locator("[data-testid=one-side]")).to_be_visible()
        problems += check_both_widths(page, shot, "feedback-01-owner-asked")

        # Everything wrong at once: the messages are next to the fields, in Latvian, the typing kept.
        form.locator("input[value=not_as_agreed]").check()
        form.locator("[name=quantity]").fill("")
        form.locator("[name=value_eur]").fill("-3")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator(".error-summary")).to_be_focused()
        errors = page.locator("[data-testid=feedback-form] p.error")
        expect(errors).to_have_count(3)
        expect(page.locator("[data-testid=feedback-form] [name=value_eur]")).to_have_value("-3")
        problems += check_both_widths(page, shot, "feedback-02-problems")

        form = page.locator("[data-testid=feedback-form]")
        form.locator("[name=quantity]").fill("12")
        form.locator("[name=value_eur]").fill("30")
        form.locator("[name=feedback]").fill("Ieradās 12 no 15 brīvprātīgajiem.")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}/exchanges/{exchange_id}")
        expect(page.locator(".flash.success")).to_be_visible()
        expect(page.locator("[data-testid=disputed]")).to_be_visible()
        expect(page.locator("[data-testid=counted-value] .xstate-disputed")).to_have_text(lv("disputed"))
        problems += check_both_widths(page, shot, "feedback-03-owner-disputed")
        # Maija Burima is also a coordinator: the network statistics list the disagreement.
        page.goto(f"{base}/coordination/statistics?period=all")
        expect(page.locator(f"[data-testid=dispute-{exchange_id}]")).to_contain_text(lv("Delivered, but not as agreed"))
        problems += check_both_widths(page, shot, "feedback-05-coordinator-statistics")
        page.goto(f"{base}/exchanges/{exchange_id}")
        page.locator("header form[action$='/logout'] button[type=submit]").click()
        page.wait_for_url(f"{base}/")

        log_in_as(page, base, requester, live_server.demo_password)
        page.goto(f"{base}/exchanges/{exchange_id}")
        expect(page.locator("[data-testid=disputed]")).to_be_visible()
        expect(page.locator("[data-testid=confirmation-owner]")).to_contain_text("Ieradās 12 no 15 brīvprātīgajiem.")
        expect(page.locator("[data-testid=feedback-form] h3")).to_have_text(lv("Change our confirmation"))
        problems += check_both_widths(page, shot, "feedback-04-requester-sees-it")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert failed_responses == [], failed_responses
    assert console_errors == [], console_errors


def test_a_representative_adds_volunteer_hours_to_the_report(live_server, fresh_login_limit, browser, shot):
    from datetime import date

    base = live_server.url
    owner = demo_exchange(live_server.app, WORKSHOP)[1]
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="de-DE")
    context.add_init_script(script=checks.axe_source())
    page = context.new_page()
    failed_responses, console_errors = watch(page)
    problems = []
    year = date.today().year
    try:
        log_in_as(page, base, owner, live_server.demo_password)
        page.goto(f"{base}/reports?period=year")
        page.locator("a", has_text=lv("Volunteer report")).first.click()
        form = page.locator("[data-testid=hours-form]")
        expect(form).to_be_visible()
        form.locator("[name=place]").fill("")
        form.locator("[name=starts_on]").fill(f"{year}-03-01")
        form.locator("[name=ends_on]").fill(f"{year - 1}-03-31")
        form.locator("[name=volunteers]").fill("0")
        form.locator("[name=hours]").fill("2500")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator(".error-summary li")).to_have_count(4)
        problems += check_both_widths(page, shot, "volunteers-01-problems")

        form = page.locator("[data-testid=hours-form]")
        form.locator("[name=place]").fill("Līvānu novada bibliotēka")
        form.locator("[name=ends_on]").fill(f"{year}-03-31")
        form.locator("[name=volunteers]").fill("6")
        form.locator("[name=hours]").fill("48,5")
        form.locator("[name=note]").fill("Lasīšanas stundas bērniem")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**/report/volunteers?year={year}#entered")
        expect(page.locator(".flash.success")).to_be_visible()
        expect(page.locator("[data-testid=entries]")).to_contain_text("Lasīšanas stundas bērniem")
        expect(page.locator("[data-testid=volunteer-places]")).to_contain_text(lv("entered by hand"))
        problems += check_both_widths(page, shot, "volunteers-02-entered")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert failed_responses == [], failed_responses
    assert console_errors == [], console_errors
