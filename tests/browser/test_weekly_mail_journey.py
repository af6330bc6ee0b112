"""The weekly mail's choice on the account page, in a real browser: the day and the hour next to the
summary's on/off, kept after saving, readable at 390 px and 1,280 px (no horizontal scrolling, axe; on the
phone 44 px targets)."""
from playwright.sync_api import expect

import page_checks as checks
from steps import log_in, lv, reset_login_rate_limit
from sweep_data import MEMBER


def test_a_member_turns_the_weekly_summary_on_for_wednesday_evening(live_server, browser, shot):
    reset_login_rate_limit(live_server.app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.add_init_script(script=checks.axe_source())
    page = context.new_page()
    log_in(page, live_server.url, MEMBER, live_server.demo_password)
    page.goto(f"{live_server.url}/account?lang=lv")  # an earlier journey may have left the member in English
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        try:
            page.goto(f"{live_server.url}/account")
            weekly = page.locator("fieldset.mail-weekly")
            expect(weekly.locator("legend")).to_have_text(lv("The weekly summary of what waits for you"))
            expect(weekly.locator("#digest_weekday")).to_have_value("0")  # Monday, 8:00 by default
            expect(weekly.locator("#digest_hour")).to_have_value("8")
            assert checks.problems(page, *(("overflow", "targets") if width < 700 else ("overflow",))) == []
            assert checks.axe_violations(page) == []
            weekly.scroll_into_view_if_needed()
            shot(page, f"account-weekly-mail-{width}")

            weekly.get_by_label(lv("Send it"), exact=True).check()
            weekly.locator("#digest_weekday").select_option("2")
            weekly.locator("#digest_hour").select_option("18")
            page.locator("#mail button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/account#mail")
            expect(page.locator(".flash")).to_contain_text(lv("Your e-mail choices are saved."))
            expect(weekly.locator("#digest_weekday")).to_have_value("2")
            expect(weekly.locator("#digest_hour")).to_have_value("18")
            expect(weekly.get_by_label(lv("Send it"), exact=True)).to_be_checked()
            expect(weekly.locator("#digest_weekday option:checked")).to_have_text("Trešdiena")
        finally:
            _reset(live_server.app)
    context.close()


def _reset(app) -> None:
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db

    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == MEMBER))
        person.weekly_summary, person.digest_weekday, person.digest_hour = None, 0, 8
        db.session.commit()
