"""Steps the browser journeys share."""
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

PO = Path(__file__).resolve().parents[2] / "portal" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=None)
def _catalog():
    with PO.open("rb") as po:
        return read_po(po, locale="lv")


def lv(msgid: str, **params) -> str:
    """What the Latvian page shows for msgid (the source text when it has no translation yet)."""
    message = _catalog().get(msgid)
    text = message.string if message is not None and isinstance(message.string, str) and message.string else msgid
    return text % params if params else text


def reset_login_rate_limit(app) -> None:
    """The live server is shared by every browser test and counts logins from 127.0.0.1 (10 a minute):
    a journey that logs in several times starts and leaves with a clean count."""
    from portal.extensions import limiter

    with app.app_context():
        limiter.reset()


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    form = page.locator("main form[method=post]")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator("header .user-nav a[href='/account']")).to_be_visible()


def log_out(page: Page, base: str) -> None:
    page.locator("header form[action$='/logout'] button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator("header a[href='/login']")).to_be_visible()


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Collects failed responses and console errors, and accepts confirmation dialogs."""
    failed_responses, console_errors = [], []
    page.on("response", lambda r: failed_responses.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 400 else None)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    return failed_responses, console_errors
