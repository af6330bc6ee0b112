"""A report's signed PDF in a real browser: the button on the report page (at 1,280 and 390 px), the answer at
once, the notification that brings the link, the download, and /verify naming the report."""
import time

from playwright.sync_api import Page, expect

from steps import log_in, lv, reset_login_rate_limit
from sweep_data import REPRESENTATIVE


def test_a_report_downloads_as_a_signed_pdf(live_server, page: Page, shot, tmp_path):
    base = live_server.url
    reset_login_rate_limit(live_server.app)
    log_in(page, base, REPRESENTATIVE, live_server.demo_password)

    page.goto(f"{base}/reports?period=all&lang=lv")
    button = page.get_by_role("button", name=lv("Download as PDF (signed)"))
    expect(button).to_be_visible()
    shot(page, "report-pdf-button-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(button).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    box = button.bounding_box()
    assert box["height"] >= 44 or box["width"] >= 44
    shot(page, "report-pdf-button-390")

    button.click()
    expect(page.locator(".flash.info")).to_contain_text(
        lv("The signed PDF is being made. You will get a notification with the link to download it."))
    shot(page, "report-pdf-asked-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    ready = page.locator("[data-testid=notification]").filter(has_text="Parakstītais PDF")
    for _ in range(60):  # the app server makes it in a thread of its own
        page.goto(f"{base}/notifications")
        if ready.count():
            break
        time.sleep(0.5)
    expect(ready.first).to_contain_text("ir gatavs")
    shot(page, "report-pdf-notification")

    with page.expect_download() as download:
        ready.first.locator("button.notification-text").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith("-signed.pdf") and path.read_bytes().startswith(b"%PDF-")

    page.goto(f"{base}/verify?lang=en")
    page.set_input_files("input[name=document]", str(path))
    page.get_by_role("button", name="Verify").click()
    verdict = page.locator("[data-testid=verdict]")
    expect(verdict).to_have_attribute("data-verdict", "complete")
    expect(verdict).to_contain_text("A report of Baltā māja for All time, made on ")
    shot(page, "report-pdf-verified")
    page.goto(f"{base}/?lang=lv")  # the language switch is saved to the profile: leave the member in Latvian
