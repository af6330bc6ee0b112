"""After login the home says what waits: a coordinator reaches the agreement waiting for approval in one click."""
import re

from playwright.sync_api import expect

from conftest import COORDINATOR_EMAIL
from steps import log_in, log_out, reset_login_rate_limit


def test_a_coordinator_reaches_the_waiting_agreement_from_the_home_in_one_click(page, live_server, shot):
    reset_login_rate_limit(live_server.app)
    log_in(page, live_server.url, COORDINATOR_EMAIL, live_server.demo_password)
    waiting = page.get_by_test_id("waiting-approvals")
    expect(waiting).to_be_visible()
    expect(page.locator("text=Kā pievienoties")).to_have_count(0)  # the landing page is for visitors
    shot(page, "home-coordinator")
    link = waiting.locator(".waiting-items a").first
    expect(link).to_contain_text("Sukrums")  # the item names the parties
    link.click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    expect(page.locator("form[action$='/approve'] button")).to_be_visible()
    log_out(page, live_server.url)
    expect(page.locator("text=Kā pievienoties")).to_be_visible()
