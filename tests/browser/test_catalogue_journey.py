"""The catalogue journey in a real browser.

A member of Baltā māja publishes a resource and adds a photo; a member of Sukrums finds it by
searching without diacritics and opens it.
"""
import io
import re

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from steps import log_in, log_out, watch

PUBLISHER = "janis.kalnins@balta-maja.example.org"
FINDER = "peteris.nikitins@sukrums.example.org"
TITLE = "Pārvietojamā skatuve “Ūdensroze”"
DESCRIPTION = ("Saliekama skatuve 6 × 4 m ar jumtu un kāpnēm āra koncertiem, svētkiem un izrādēm. "
               "Uzstādām paši divu stundu laikā.")


def photo_file(tmp_path):
    image = Image.new("RGB", (1200, 800), (32, 96, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 450, 1000, 650), fill=(150, 100, 60))  # the stage
    draw.polygon([(150, 450), (600, 200), (1050, 450)], fill=(220, 220, 230))  # the roof
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path = tmp_path / "udensroze.jpg"
    path.write_bytes(out.getvalue())
    return path


def expect_loaded(image) -> None:
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") > 0


def test_catalogue_journey(live_server, page: Page, shot, tmp_path):
    base = live_server.url
    failed_responses, console_errors = watch(page)

    # -- A member of Baltā māja publishes a resource.
    log_in(page, base, PUBLISHER, live_server.demo_password)
    page.goto(f"{base}/resources")
    page.locator("main a.button[href='/resources/new']").click()
    page.wait_for_url(f"{base}/resources/new")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("material")
    form.locator("select[name=category]").select_option("equipment")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=description]").fill(DESCRIPTION)
    form.locator("[name=quantity]").fill("1")
    form.locator("[name=unit]").fill("komplekts")
    expect(form.locator("input[name=languages][value=lv]")).to_be_checked()
    form.locator("input[name=languages][value=ltg]").check()
    form.locator("input[name=languages][value=ru]").check()
    form.locator("select[name=municipality]").select_option("livanu")
    form.locator("[name=location]").fill("Līvāni, Rīgas iela 4")
    form.locator("[name=availability]").fill("No maija līdz septembrim")
    form.locator("select[name=terms]").select_option("cost_sharing")
    form.locator("select[name=visibility]").select_option("network")
    form.locator("[name=value_eur]").fill("80")
    form.locator("select[name=value_unit]").select_option("day")
    form.locator("select[name=handover]").select_option("with_operator")
    shot(page, "catalogue-01-publish-form")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/resources/\d+$"))
    resource_url = page.url
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Baltā māja")

    # -- … and adds a photo.
    photo_form = page.locator("form.photo-form")
    photo_form.locator("input[type=file][name=photo]").set_input_files(str(photo_file(tmp_path)))
    photo_form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(resource_url) + r"(#photos)?$"))
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator(".flash.error")).to_have_count(0)
    gallery_image = page.locator(".gallery img")
    expect(gallery_image).to_have_count(1)
    expect_loaded(gallery_image)
    shot(page, "catalogue-02-resource-with-photo")
    log_out(page, base)

    # -- A member of Sukrums searches without diacritics.
    log_in(page, base, FINDER, live_server.demo_password)
    page.locator("nav.main-nav a[href='/resources']").click()
    page.wait_for_url(f"{base}/resources")
    search = page.locator("form.search-form")
    search.locator("input[name=q]").fill("parvietojama skatuve udensroze")
    search.locator(".search-row button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/resources\?.*q=parvietojama"))
    cards = page.locator("[data-testid=entry]")
    expect(cards).to_have_count(1)
    expect(page.locator("[data-testid=result-count]")).to_contain_text("1")
    card = cards.first
    expect(card.locator("h3")).to_have_text(TITLE)
    expect(card).to_contain_text("Baltā māja")
    expect_loaded(card.locator("img.thumb"))
    expect(search.locator("input[name=q]")).to_have_value("parvietojama skatuve udensroze")
    shot(page, "catalogue-03-search-results")

    # -- … and opens it.
    card.locator("h3 a").click()
    page.wait_for_url(resource_url)
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(DESCRIPTION)
    expect_loaded(page.locator(".gallery img"))
    expect(page.locator("main a[href$='/edit']")).to_have_count(0)  # not theirs to edit
    expect(page.locator("form.photo-form")).to_have_count(0)
    shot(page, "catalogue-04-resource-seen-by-another-org")

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)


def test_words_typed_into_the_catalogue_are_ranked_by_relevance(live_server, page: Page):
    """Browsing shows the newest first; once words are typed, the best match must come first,
    not the newest one because the browse page's sort choice was sent along."""
    base = live_server.url
    page.goto(f"{base}/resources")
    search = page.locator("form.search-form")
    search.locator("input[name=q]").fill("zale")
    search.locator(".search-row button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/resources\?.*q=zale"))
    assert "sort=newest" not in page.url, page.url
    expect(page.locator("select[name=sort]")).to_have_value("relevance")
