"""Forms in one pass, in a real browser and in Latvian: the exchange request and the signing form with every
field wrong at once show every message in one round, the error summary at the top takes focus and its links
lead to the fields; the typing is kept and the password field says to type it again."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from steps import log_in, lv, reset_login_rate_limit
from sweep_data import REPRESENTATIVE


@pytest.fixture
def fresh_login_limit(live_server):
    reset_login_rate_limit(live_server.app)
    yield
    reset_login_rate_limit(live_server.app)


def summary_items(page: Page) -> list[str]:
    return page.locator("[data-error-summary] li a").all_inner_texts()


def test_the_request_form_shows_every_problem_in_one_round(live_server, fresh_login_limit, sweep_ids, page: Page,
                                                           shot):
    base = live_server.url
    log_in(page, base, REPRESENTATIVE, live_server.demo_password)
    page.goto(f"{base}/resources/{sweep_ids.network_resource}/request")
    form = page.locator("main form[method=post]")
    yesterday = date.today() - timedelta(days=1)
    form.locator("[name=starts_on]").fill(yesterday.isoformat())
    form.locator("[name=ends_on]").fill((yesterday - timedelta(days=2)).isoformat())
    form.locator("[name=quantity]").fill("100000")
    form.locator("[name=purpose]").fill("")
    form.locator("[name=message]").fill("Vai varam paņemt arī pagarinātāju?")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text(lv("There is a problem"))
    expect(page).to_have_title(f"{lv('Error:')} " + page.title().removeprefix(f"{lv('Error:')} "))
    links = summary.locator("li a")
    items = dict(zip([links.nth(i).get_attribute("href") for i in range(links.count())], summary_items(page)))
    assert items["#starts_on"] == lv("The period cannot start in the past.")
    assert items["#ends_on"] == lv("The period must end on or after its first day.")
    assert items["#purpose"] == lv("Say what the resource is for.")
    assert "#quantity" in items
    assert list(items)[:2] == ["#starts_on", "#ends_on"] and list(items)[-1] == "#purpose"
    for name in ("starts_on", "ends_on", "quantity", "purpose"):
        expect(page.locator(f"p.error[data-field={name}]")).to_have_count(1)
    expect(form.locator("[name=message]")).to_have_value("Vai varam paņemt arī pagarinātāju?")
    expect(form.locator("[name=quantity]")).to_have_value("100000")
    border = {name: form.locator(f"[name={name}]").evaluate("e => getComputedStyle(e).borderTopColor")
              for name in ("starts_on", "ends_on", "quantity", "purpose", "message")}
    assert len({border[name] for name in ("starts_on", "ends_on", "quantity", "purpose")}) == 1, border
    assert border["quantity"] != border["message"], "a field in error is marked by its border"
    shot(page, "one-pass-request")
    summary.locator("a[href='#purpose']").click()
    expect(form.locator("[name=purpose]")).to_be_focused()


def test_the_signing_form_shows_password_name_and_consent_in_one_round(live_server, fresh_login_limit, sweep_ids,
                                                                       page: Page, shot):
    base = live_server.url
    log_in(page, base, REPRESENTATIVE, live_server.demo_password)
    url = f"{base}/agreements/{sweep_ids.signing_agreement}/sign"
    page.goto(url)
    form = page.locator(f"main form[action='/agreements/{sweep_ids.signing_agreement}/sign']")
    form.locator("[name=password]").fill("nepareiza parole")
    form.locator("[name=typed_name]").fill("I. Badune")
    form.locator("button[type=submit]").click()
    page.wait_for_url(url)

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert summary_items(page) == [
        lv("The password is not right."),
        lv("Type your full name as it is in your profile: %(name)s.", name="Inguna Badune"),
        lv("Tick the box to confirm that you sign for your organization."),
    ]
    expect(page.locator("[data-retype=password]")).to_have_text(
        lv("For your safety the password is not kept: type it again."))
    expect(form.locator("[name=password]")).to_have_value("")
    expect(form.locator("[name=typed_name]")).to_have_value("I. Badune")
    shot(page, "one-pass-signing")
    summary.locator("a[href='#consent']").click()
    expect(form.locator("[name=consent]")).to_be_focused()
