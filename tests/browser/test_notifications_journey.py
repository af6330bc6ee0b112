"""The bell in a real browser: opening a notification marks it read and lowers the count; "mark all as
read" leaves what waits for an action at the top until it is done."""
import re

from playwright.sync_api import Page, expect

from steps import log_in, lv, reset_login_rate_limit

OLGA = "olga.gailuma@in-lingua.example.org"  # In lingua's representative: no other journey reads her bell


def _plant(app) -> tuple[str, str]:
    """A request waiting for Olga's answer and a message for her (as the services would leave them)."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.notifications.services import notify

    with app.app_context():
        olga = db.session.scalar(select(User).where(User.email == OLGA))
        key = f"exchange:{900000 + olga.id}:answer"
        notify([olga], "exchange_requested", link="/exchanges", action=key, org="Sukrums",
               resource="Pārlūka pārbaudes projektors")
        notify([olga], "exchange_message", link="/exchanges", org="Sukrums", resource="Pārlūka pārbaudes zāle")
        db.session.commit()
    return key, "Pārlūka pārbaudes zāle"


def _resolve(app, key: str) -> None:
    from portal.extensions import db
    from portal.notifications.services import resolve

    with app.app_context():
        resolve(key)
        db.session.commit()


def _count(page: Page) -> int:
    badge = page.locator("header [data-testid=unread-count]")
    return int(badge.inner_text()) if badge.count() else 0


def test_notifications_read_state(live_server, page: Page, shot):
    base = live_server.url
    key, message_resource = _plant(live_server.app)
    reset_login_rate_limit(live_server.app)
    log_in(page, base, OLGA, live_server.demo_password)

    page.goto(f"{base}/notifications")
    before = _count(page)
    waiting = page.locator("[data-testid=waiting] [data-testid=notification]")
    expect(waiting.filter(has_text="Pārlūka pārbaudes projektors")).to_have_count(1)
    expect(waiting.first.locator(".action-needed")).to_contain_text(lv("Accept or decline the request"))
    shot(page, "notifications-before")

    message = page.locator("[data-testid=others] [data-testid=notification]").filter(has_text=message_resource)
    expect(message).to_have_class(re.compile(r"\bunread\b"))
    message.locator("button.notification-text").click()
    page.wait_for_url(f"{base}/exchanges")
    assert _count(page) == before - 1

    page.goto(f"{base}/notifications")
    message = page.locator("[data-testid=others] [data-testid=notification]").filter(has_text=message_resource)
    expect(message).not_to_have_class(re.compile(r"\bunread\b"))

    page.locator("form[action$='/notifications/read'] button").click()
    page.wait_for_url(f"{base}/notifications")
    assert _count(page) == page.locator("[data-testid=waiting] [data-testid=notification]").count() >= 1
    expect(page.locator("[data-testid=waiting]")).to_contain_text("Pārlūka pārbaudes projektors")
    shot(page, "notifications-after-mark-all-read")

    _resolve(live_server.app, key)  # the request is answered
    page.reload()
    expect(page.locator("[data-testid=waiting]").filter(has_text="Pārlūka pārbaudes projektors")).to_have_count(0)
