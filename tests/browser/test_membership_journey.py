"""The membership journey in a real browser, once in Latvian and once in English.

A visitor applies for membership, a coordinator approves the application, the new
representative invites a colleague, the colleague sets a password from the e-mailed
link and logs in.
"""
import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"

PEOPLE = {
    "lv": {
        "org": {
            "name": "Rēzeknes jauniešu iniciatīvu centrs",
            "legal_form": "association",
            "registration_number": "40008990101",
            "legal_address": "Atbrīvošanas aleja 93, Rēzekne, LV-4601",
            "municipality": "rezekne",
            "email": "centrs@rjic.example.org",
            "phone": "+371 26 111 101",
            "website": "https://rjic.example.org",
            "description": "Jauniešu iniciatīvas, brīvprātīgais darbs un neformālā izglītība Rēzeknē.",
        },
        "applicant": {"person_name": "Anna Bērziņa", "person_position": "valdes priekšsēdētāja",
                      "person_email": "anna.berzina@rjic.example.org"},
        "applicant_password": "zaļā upe tek lēni uz jūru",
        "invitee": {"name": "Kristīne Lāce", "email": "kristine.lace@rjic.example.org"},
        "invitee_password": "dzeltens mākonis virs ezera",
    },
    "en": {
        "org": {
            "name": "Ludzas amatnieku biedrība",
            "legal_form": "association",
            "registration_number": "40008990202",
            "legal_address": "Baznīcas iela 42, Ludza, LV-5701",
            "municipality": "ludzas",
            "email": "info@ludzas-amatnieki.example.org",
            "phone": "+371 26 111 202",
            "website": "https://ludzas-amatnieki.example.org",
            "description": "Crafts of Latgale: pottery, weaving and woodwork workshops for all ages.",
        },
        "applicant": {"person_name": "Oskars Vītols", "person_position": "chair of the board",
                      "person_email": "oskars.vitols@ludzas-amatnieki.example.org"},
        "applicant_password": "green river flows slowly north",
        "invitee": {"name": "Roberts Zariņš", "email": "roberts.zarins@ludzas-amatnieki.example.org"},
        "invitee_password": "yellow cloud above the lake",
    },
}


# ---------------------------------------------------------------- texts in the page's language

@lru_cache(maxsize=None)
def _catalog(lang: str):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=lang)


def catalog_text(lang: str, msgid: str, **params) -> str | None:
    """The text the page shows for msgid in lang: the catalog's msgstr (fuzzy ones too, as
    `pybabel compile -f` includes them); for English the source text when it has none; None
    when Latvian has no translation yet."""
    catalog = _catalog(lang)
    message = catalog.get(msgid) if catalog is not None else None
    text = message.string if message is not None and isinstance(message.string, str) and message.string else None
    if text is None and lang == "en":
        text = msgid
    if text is not None and params:
        text = text % params
    return text


def expect_lang(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)


def expect_text(locator, lang: str, msgid: str, **params) -> None:
    """The translated text when the catalog has it; otherwise that the element is there at all."""
    text = catalog_text(lang, msgid, **params)
    if text is not None:
        expect(locator).to_contain_text(text)
    else:
        expect(locator.first).to_be_visible()


# ---------------------------------------------------------------- steps

def header_user(page: Page):
    return page.locator("header .user-nav a[href='/account']")


def log_in(page: Page, base: str, lang: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Log in")
    form = page.locator("main form[method=post]")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator(".flash.error")).to_have_count(0)


def log_out(page: Page, base: str, lang: str) -> None:
    page.locator("header form[action$='/logout'] button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    expect_lang(page, lang)
    expect_text(page.locator(".flash.info"), lang, "You have logged out.")
    expect(header_user(page)).to_have_count(0)
    expect(page.locator("header a[href='/login']")).to_be_visible()


def fill_fields(form, values: dict) -> None:
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_membership_journey(live_server, page: Page, shot, lang):
    base = live_server.url
    data = PEOPLE[lang]
    org = data["org"]
    applicant = data["applicant"]
    invitee = data["invitee"]

    failed_responses = []
    page.on("response", lambda r: failed_responses.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 400 else None)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # -- The visitor opens the landing page and goes to the application form.
    page.goto(f"{base}/?lang=en" if lang == "en" else f"{base}/")
    expect_lang(page, lang)
    expect(page.locator("section.hero h1")).to_have_text("Latgales biedrību tīklojums")
    expect(page.locator("ul.org-list")).to_contain_text("Intelekta parks")
    shot(page, f"{lang}-01-landing")
    apply_link = page.locator("section.hero a[href='/apply']")
    expect_text(apply_link, lang, "Apply for membership")
    apply_link.click()
    page.wait_for_url(f"{base}/apply")
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Apply for membership")

    # -- First with a registration number that is too short.
    form = page.locator("main form[method=post]")
    typed = {**org, **applicant, "registration_number": "123"}
    fill_fields(form, typed)
    form.locator("[name=password]").fill(data["applicant_password"])
    form.locator("button[type=submit]").click()

    error = page.locator("p.error[data-field=registration_number]")
    expect(error).to_be_visible()
    expect_text(error, lang, "A registration number has exactly 11 digits, e.g. 40008012345.")
    expect(page.locator("p.error")).to_have_count(1)
    field_box = page.locator(".field.has-error", has=page.locator("[name=registration_number]"))
    expect(field_box.locator("p.error[data-field=registration_number]")).to_be_visible()
    expect(page.locator("[name=registration_number]")).to_have_attribute("aria-invalid", "true")
    expect_text(page.locator("main .error-summary h2"), lang, "There is a problem")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page).to_have_url(f"{base}/apply")
    expect_lang(page, lang)
    form = page.locator("main form[method=post]")
    for name, value in typed.items():
        expect(form.locator(f"[name={name}]")).to_have_value(value)
    expect(form.locator("[name=password]")).to_have_value("")  # never sent back to the browser
    shot(page, f"{lang}-02-application-error")

    # -- Fixed and sent.
    form.locator("[name=registration_number]").fill(org["registration_number"])
    form.locator("[name=password]").fill(data["applicant_password"])
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/apply/sent")
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Thank you! Your application has been sent.")
    shot(page, f"{lang}-03-application-sent")
    received = live_server.latest_mail(applicant["person_email"])
    expected_subject = catalog_text(lang, "Application received: %(org)s", org=org["name"])
    if expected_subject:
        assert received.subject == expected_subject
    assert org["name"] in received.subject

    # -- The coordinator reviews and approves the application.
    log_in(page, base, lang, live_server.coordinator_email, live_server.demo_password)
    expect(header_user(page)).to_have_text(live_server.coordinator_name)
    queue_link = page.locator("nav.main-nav a[href='/coordination/applications']")
    expect_text(queue_link, lang, "Coordination")
    queue_link.click()
    page.wait_for_url(f"{base}/coordination/applications")
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Membership applications")
    row = page.locator("main table tbody tr", has_text=org["name"])
    expect(row).to_have_count(1)
    shot(page, f"{lang}-04-coordinator-queue")
    row.locator("a").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/coordination/applications/\d+$"))
    org_id = int(page.url.rsplit("/", 1)[1])
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Application of %(org)s", org=org["name"])
    expect(page.locator("main h1")).to_contain_text(org["name"])
    expect(page.locator("main")).to_contain_text(org["registration_number"])
    expect(page.locator("main")).to_contain_text(applicant["person_email"])
    expect(page.locator(".state")).to_have_class(re.compile(r"\bstate-applied\b"))
    shot(page, f"{lang}-05-application-detail")
    approve = page.locator(f"main form[action='/coordination/applications/{org_id}/approve'] button")
    expect_text(approve, lang, "Approve the membership")
    approve.click()
    page.wait_for_url(f"{base}/coordination/applications")
    expect_text(page.locator(".flash.success"), lang, "%(org)s is approved and is now a member.", org=org["name"])
    expect(page.locator("main table", has=page.locator(f"a[href='/orgs/{org_id}']"))).to_have_count(1)
    page.locator(f"main a[href='/orgs/{org_id}']").click()
    page.wait_for_url(f"{base}/orgs/{org_id}")
    expect(page.locator("main h1")).to_have_text(org["name"])
    state = page.locator("main .state")
    expect(state).to_have_class(re.compile(r"\bstate-active\b"))
    expect_text(state, lang, "Active")
    approved = live_server.latest_mail(applicant["person_email"])
    assert approved.id != received.id, "no e-mail to the applicant about the approval"
    assert f"{base}/login" in approved.body
    log_out(page, base, lang)

    # -- The applicant, now a representative, invites a colleague.
    log_in(page, base, lang, applicant["person_email"], data["applicant_password"])
    expect(header_user(page)).to_have_text(applicant["person_name"])
    page.locator(f"nav.main-nav a[href='/orgs/{org_id}']").click()
    page.wait_for_url(f"{base}/orgs/{org_id}")
    expect(page.locator("main .state")).to_have_class(re.compile(r"\bstate-active\b"))
    people_link = page.locator(f"nav.tabs a[href='/orgs/{org_id}/people']")
    expect_text(people_link, lang, "People")
    people_link.click()
    page.wait_for_url(f"{base}/orgs/{org_id}/people")
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "People of %(org)s", org=org["name"])
    invite_form = page.locator(f"main form[action='/orgs/{org_id}/people/invite']")
    expect(invite_form).to_be_visible()
    fill_fields(invite_form, {**invitee, "role": "member"})
    invite_form.locator("button[type=submit]").click()
    success = page.locator(".flash.success")
    expect(success).to_contain_text(invitee["email"])
    expect_text(success, lang, "An invitation has been sent to %(email)s.", email=invitee["email"])
    expect(page).to_have_url(f"{base}/orgs/{org_id}/people")
    invited_row = page.locator("main table tbody tr", has_text=invitee["email"])
    expect(invited_row).to_contain_text(invitee["name"])
    expect_text(invited_row.locator(".tag"), lang, "invited")
    shot(page, f"{lang}-06-people-invite-form")
    log_out(page, base, lang)

    # -- The invitation e-mail and its link.
    invitation = live_server.latest_mail(invitee["email"])
    expected_subject = catalog_text(
        lang, "%(inviter)s invites you to join %(org)s", inviter=applicant["person_name"], org=org["name"],
    )
    if expected_subject:  # a long subject is shortened on a word boundary, ending in "…"
        shortened = invitation.subject.endswith("…") and expected_subject.startswith(invitation.subject[:-1])
        assert invitation.subject == expected_subject or shortened, invitation.subject
    found = re.search(r"https?://\S+/invitation/\S+", invitation.body)
    assert found, f"no invitation link in the e-mail:\n{invitation.body}"
    link = found.group(0)
    assert link.startswith(f"{base}/invitation/"), link

    page.goto(link)
    expect_lang(page, lang)
    expect_text(page.locator("main h1"), lang, "Welcome, %(name)s", name=invitee["name"])
    expect(page.locator("main h1")).to_contain_text(invitee["name"])
    expect(page.locator("main")).to_contain_text(invitee["email"])
    shot(page, f"{lang}-07-set-password")
    form = page.locator("main form[method=post]")
    form.locator("[name=password]").fill(data["invitee_password"])
    form.locator("[name=confirm]").fill(data["invitee_password"])
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/orgs/{org_id}")
    expect_text(page.locator(".flash.success"), lang, "Your password is set. Welcome!")
    expect(header_user(page)).to_have_text(invitee["name"])

    # -- Out and in again with the new password.
    log_out(page, base, lang)
    log_in(page, base, lang, invitee["email"], data["invitee_password"])
    expect(header_user(page)).to_have_text(invitee["name"])
    expect(page.locator(f"nav.main-nav a[href='/orgs/{org_id}']")).to_be_visible()
    expect(page.locator("nav.main-nav a[href='/coordination/applications']")).to_have_count(0)
    shot(page, f"{lang}-08-member-logged-in")

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)
