"""The network agreement journey in a real browser (in Latvian, the portal's default language).

The network agreement of all members: with version 1 (No. 2017/2) in force, the coordinator drafts its
version 2, submits and approves it; every representative signs; version 2 is in force and 2017/2 ends.

Other journeys share the live server (see test_cooperation_agreement_journey.py); this one signs for every
active member, whichever other journeys ran before it.
"""
import re

from playwright.sync_api import Page, expect

from agreement_steps import COORDINATOR, open_agreement, org_id, sign, state
from agreement_steps import fresh_login_limit  # noqa: F401  (fixtures)
from steps import log_in, log_out, lv, watch

# The representatives of the six demo organizations (portal/demo.py), who signed the network agreement 2017/2.
DEMO_REPRESENTATIVES = [
    COORDINATOR,
    ("inguna.badune@balta-maja.example.org", "Inguna Badune", "Baltā māja"),
    ("liga.zukovska@attistibai.example.org", "Līga Žukovska", "ATTĪSTĪBAI"),
    ("ilze.kirsone@sukrums.example.org", "Ilze Ķirsone", "Sukrums"),
    ("olga.gailuma@in-lingua.example.org", "Olga Gaiļuma", "In lingua"),
    ("arturs.snepsts@jzb.example.org", "Artūrs Šņepsts", "DU Jauno zinātnieku biedrība"),
]
DEMO_NETWORK_NUMBER = "2017/2"  # the network agreement in force in the demo, version 1


# ---------------------------------------------------------------- 2. the network agreement, version 2

def _signatories(live_server, agreement_id: int) -> list[tuple[str, str, str]]:
    """(e-mail, name, organization) of who signs for each party, in the document's order."""
    from portal.agreements.models import Agreement
    from portal.extensions import db

    with live_server.app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        people = [(p.signatory.email, p.signatory.name, p.org.name) for p in agreement.parties]
        db.session.rollback()
    return people


def _stand_in_password(live_server, email: str) -> None:
    """A member added by another journey (the membership journey) has a password this file does not know:
    the test stands in for its representative by giving them the demo password, directly in the database."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.extensions import db

    with live_server.app.app_context():
        person = db.session.scalar(select(User).where(User.email == email))
        person.password_hash = hash_password(live_server.demo_password)
        db.session.commit()


def test_network_agreement_amendment_journey(live_server, fresh_login_limit, page: Page, shot):
    base, password = live_server.url, live_server.demo_password
    failed_responses, console_errors = watch(page)
    coordinator_email = COORDINATOR[0]
    # In Latvian, whoever logs in (kept in the session): members added by the membership journey may
    # have chosen English.
    page.goto(f"{base}/?lang=lv")

    # -- The coordinator (also Intelekta parks' representative) drafts a network agreement: version 2.
    log_in(page, base, coordinator_email, password)
    page.goto(f"{base}/agreements")
    in_force = page.locator("[data-testid=state-in_force] tr", has_text=DEMO_NETWORK_NUMBER)
    expect(in_force).to_contain_text(lv("Network agreement"))
    previous_id = int(in_force.locator("a[href^='/agreements/']").get_attribute("href").rsplit("/", 1)[1])
    page.locator("main a.button[href='/agreements/new']").click()
    page.wait_for_url(f"{base}/agreements/new")
    form = page.locator("main form[method=post]")
    expect(form).to_contain_text(lv(
        "A network agreement is in force (No. %(number)s): a new network agreement is drafted as its next "
        "version, for all current members to sign.", number=DEMO_NETWORK_NUMBER))
    form.locator("input[name=kind][value=network]").check()
    form.locator("select[name=language]").select_option("lv")
    shot(page, "network-01-new")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/agreements/\d+/edit$"))
    agreement_id = int(page.url.rsplit("/", 2)[1])
    agreement_url = f"{base}/agreements/{agreement_id}"
    page.locator(f"main a[href='/agreements/{agreement_id}']").click()
    page.wait_for_url(agreement_url)
    expect(page.locator("main .page-head")).to_contain_text(lv("version %(n)d", n=2))
    expect(page.locator(f"main a[href='/agreements/{previous_id}']")).to_have_text(
        f"{lv('No.')} {DEMO_NETWORK_NUMBER}")
    expect(state(page)).to_have_text(lv("Draft"))

    signatories = _signatories(live_server, agreement_id)
    parties = page.locator("[data-testid=parties] li.status-row:not([data-testid=status-coordination])")
    expect(parties).to_have_count(len(signatories))
    for _, name, org in DEMO_REPRESENTATIVES:
        expect(page.locator("[data-testid=parties]")).to_contain_text(f"{org}")
        assert (name, org) in [(n, o) for _, n, o in signatories], f"{org} should sign with {name}"
    shot(page, "network-02-draft")

    # -- Submitted and approved by the same coordinator.
    page.locator(f"main form[action='/agreements/{agreement_id}/submit'] button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(state(page)).to_have_text(lv("Waiting for approval"))
    page.locator(f"main form[action='/agreements/{agreement_id}/approve'] button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.error")).to_have_count(0)
    expect(state(page)).to_have_text(lv("Approved, being signed"))

    # -- Every party's representative signs; the coordinator first, being here.
    demo_emails = {email for email, _, _ in DEMO_REPRESENTATIVES}
    signed = 0
    for email, name, org in [s for s in signatories if s[0] == coordinator_email] + \
                            [s for s in signatories if s[0] != coordinator_email]:
        if email != coordinator_email:
            if email not in demo_emails:
                _stand_in_password(live_server, email)
            log_in(page, base, email, password)
            open_agreement(page, base, agreement_id)
        sign(page, base, agreement_id, name, org, password)
        signed += 1
        expect(page.locator(f"[data-testid=signed-{org_id(live_server, org)}]")).to_be_visible()
        if signed < len(signatories):
            expect(state(page)).to_have_text(lv("Approved, being signed"))
            expect(page.locator("[data-testid=parties] [data-testid^=signed-]")).to_have_count(signed)
            expect(page.locator("[data-testid=parties] .not-signed")).to_have_count(len(signatories) - signed)
            if signed == 3:
                shot(page, "network-03-being-signed")
            log_out(page, base)

    # -- After the last signature version 2 is in force, and it has replaced 2017/2.
    expect(state(page)).to_have_text(lv("In force"))
    expect(page.locator("[data-testid=parties] [data-testid^=signed-]")).to_have_count(len(signatories))
    expect(page.locator("[data-testid=download-pdf]")).to_have_text(lv("Download the document of record (PDF)"))
    shot(page, "network-04-in-force")
    number = re.search(r"\d{4}/\d+", page.locator("main .page-head p", has_text=lv("Verification code"))
                       .inner_text()).group(0)
    page.locator(f"main a[href='/agreements/{previous_id}']").click()
    page.wait_for_url(f"{base}/agreements/{previous_id}")
    expect(state(page)).to_have_text(lv("Terminated"))
    expect(page.locator("main .notice")).to_contain_text(f"v2: {number}")
    shot(page, "network-05-previous-terminated")
    page.locator("nav.main-nav a[href='/agreements']").click()
    page.wait_for_url(f"{base}/agreements")
    expect(page.locator("[data-testid=state-in_force]")).to_contain_text(number)
    expect(page.locator("[data-testid=state-terminated]")).to_contain_text(DEMO_NETWORK_NUMBER)
    expect(page.locator("[data-testid=state-in_force]")).not_to_contain_text(DEMO_NETWORK_NUMBER)
    shot(page, "network-06-list")

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)
