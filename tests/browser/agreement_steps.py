"""Steps of the agreement journeys in a real browser (test_cooperation_agreement_journey.py and
test_network_agreement_journey.py): the people who draft, sign and approve, an organization's id and an
agreement's state, opening an agreement, signing it, downloading its PDF, reading its text and last page, a
copy with one byte changed, and the fixture `fresh_login_limit`."""
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from steps import lv, reset_login_rate_limit

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots"  # where conftest's shot() puts its PNGs
DRAFTER = ("inguna.badune@balta-maja.example.org", "Inguna Badune", "Baltā māja")
PARTNER = ("olga.gailuma@in-lingua.example.org", "Olga Gaiļuma", "In lingua")
COORDINATOR = ("maija.burima@intelekta-parks.example.org", "Maija Burima", "Intelekta parks")


@pytest.fixture
def fresh_login_limit(live_server):
    reset_login_rate_limit(live_server.app)
    yield
    reset_login_rate_limit(live_server.app)


def org_id(live_server, name: str) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.orgs.models import Organization

    with live_server.app.app_context():
        found = db.session.scalar(select(Organization.id).where(Organization.name == name))
        db.session.rollback()
    assert found is not None, name
    return found


def state(page: Page):
    return page.locator("main [data-testid=agreement-state]")


def download(page: Page, link) -> tuple[bytes, str]:
    """Clicks a link that answers with an attachment; the file's bytes and suggested name."""
    with page.expect_download() as info:
        link.click()
    received = info.value
    assert received.failure() is None, received.failure()
    return Path(received.path()).read_bytes(), received.suggested_filename


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def render_last_page(data: bytes, tmp_path: Path, name: str) -> Path:
    """The PDF's last page (the signatures page) as a 60 dpi PNG next to the screenshots."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(pages), "-l", str(pages), "-singlefile",
                    str(path), str(SCREENSHOTS / name)], check=True)
    return SCREENSHOTS / f"{name}.png"


def tampered(data: bytes) -> bytes:
    """The file with one byte changed in the middle of the document the network certified: in the content
    stream nearest the middle of the first revision (before any signature was added), so that every
    signature's byte range covers the change and the file still parses. (The middle of the whole file
    is no good: it can fall in the zero padding of a signature's /Contents, which no signature covers.)"""
    body = data[:data.index(b"%%EOF")]
    streams = [(m.end(), body.index(b"endstream", m.end())) for m in re.finditer(rb"(?<!end)stream\r?\n", body)]
    assert streams, "no stream in the certified document"
    middle = len(body) // 2
    start, end = min(streams, key=lambda s: 0 if s[0] <= middle < s[1] else min(abs(s[0] - middle),
                                                                                 abs(s[1] - middle)))
    where = (start + end) // 2
    return data[:where] + bytes([data[where] ^ 0x01]) + data[where + 1:]


def open_agreement(page: Page, base: str, agreement_id: int) -> None:
    """From the main navigation to the agreement, as a party's person finds it."""
    page.locator("nav.main-nav a[href='/agreements']").click()
    page.wait_for_url(f"{base}/agreements")
    page.locator(f"main a[href='/agreements/{agreement_id}']").first.click()
    page.wait_for_url(f"{base}/agreements/{agreement_id}")


def sign(page: Page, base: str, agreement_id: int, name: str, org: str, password: str) -> None:
    """The representative signs for their organization from the agreement's page."""
    link = page.locator("[data-testid=sign-link]")
    expect(link).to_have_text(lv("Sign for %(org)s", org=org))
    link.click()
    page.wait_for_url(f"{base}/agreements/{agreement_id}/sign")
    form = page.locator(f"main form[action='/agreements/{agreement_id}/sign']")
    form.locator("[name=password]").fill(password)
    form.locator("[name=typed_name]").fill(name)
    form.locator("[name=consent]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/agreements/{agreement_id}")
    expect(page.locator(".flash.error")).to_have_count(0)
    expect(page.locator(".flash.success")).to_have_text(lv("Signed for %(org)s.", org=org))
