"""Steps the browser journeys share."""
from playwright.sync_api import Page, expect


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
