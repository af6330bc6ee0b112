"""A cooperation agreement journey in a real browser (in Latvian, the portal's default language).

A cooperation agreement of two organizations, from draft to the document of record: Baltā māja drafts it
with In lingua, edits a clause, previews the draft PDF and submits it; In lingua comments; the coordinator
returns it with a comment; Baltā māja changes it and submits it again; the coordinator approves; both
representatives sign (the first one mistypes the password once); a visitor checks the downloaded file on
/verify, and a copy with one byte changed fails the check.

Other journeys share the live server: the exchange journey books a hall between Sukrums and Intelekta parks,
the catalogue journey publishes as Baltā māja's member, the membership journey adds new member organizations.
This journey uses Baltā māja and In lingua only (no other agreement of theirs).
"""
import hashlib
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from agreement_steps import (COORDINATOR, DRAFTER, PARTNER, download, open_agreement, org_id, pdf_text,
                             render_last_page, sign, state, tampered)
from agreement_steps import fresh_login_limit  # noqa: F401  (fixtures)
from steps import log_in, log_out, lv, watch

NEW_HEADING = "Kopīgās latviešu valodas nodarbības"
NEW_TEXT = ("Puses kopīgi rīko latviešu valodas nodarbības jauniešiem Daugavpilī un Krāslavā.\n"
            "Nodarbību tēmas: ģimene, ēdiens (ķiploki, šķiņķis, žāvēta zivs), ceļošana un darbs.")
ADDED_LINE = "Gadā notiek vismaz četras nodarbības; katrā piedalās ne vairāk kā 15 dalībnieku."
PARTNER_COMMENT = "Labdien! Lūdzu, pierakstiet, cik nodarbību gadā plānojam — mums tas jāzina budžetam."
RETURN_COMMENT = "Lūdzu, sadaļā par valodas nodarbībām norādiet nodarbību skaitu gadā un dalībnieku skaitu."
VALID_TO = date.today() + timedelta(days=2 * 365)


# ---------------------------------------------------------------- 1. a cooperation agreement of two

def test_cooperation_agreement_journey(live_server, fresh_login_limit, page: Page, shot, tmp_path):
    base, password = live_server.url, live_server.demo_password
    failed_responses, console_errors = watch(page)
    drafter_email, drafter_name, drafter_org = DRAFTER
    partner_email, partner_name, partner_org = PARTNER
    coordinator_email = COORDINATOR[0]
    page.goto(f"{base}/?lang=lv")  # the journey is in Latvian, whoever logs in (kept in the session)

    # -- Baltā māja drafts a cooperation agreement with In lingua, in Latvian.
    log_in(page, base, drafter_email, password)
    page.locator("nav.main-nav a[href='/agreements']").click()
    page.wait_for_url(f"{base}/agreements")
    new_link = page.locator("main a.button[href='/agreements/new']")
    expect(new_link).to_have_text(lv("Draft an agreement"))
    new_link.click()
    page.wait_for_url(f"{base}/agreements/new")
    form = page.locator("main form[method=post]")
    form.locator("input[name=kind][value=cooperation]").check()
    form.locator("select[name=partner]").select_option(label=partner_org)
    form.locator("select[name=language]").select_option("lv")
    # Today: the server's date, or Riga's (they differ for 2–3 hours around midnight; the form takes the
    # server's now, Riga's would be right).
    riga_today = datetime.now(ZoneInfo("Europe/Riga")).date()
    expect(form.locator("[name=valid_from]")).to_have_value(
        re.compile(f"^({date.today().isoformat()}|{riga_today.isoformat()})$"))
    form.locator("[name=valid_to]").fill(VALID_TO.isoformat())
    shot(page, "agreement-01-new")
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(re.escape(base) + r"/agreements/\d+/edit$"))
    agreement_id = int(page.url.rsplit("/", 2)[1])
    agreement_url = f"{base}/agreements/{agreement_id}"
    expect(page.locator(".flash.success")).to_have_text(
        lv("The draft is ready. Edit the clauses, then submit it for approval."))

    # -- A new section: "Add a section at the end" (a plain form post), then filled in; then moved up and back.
    editors = page.locator("main .clause-editor")
    sections = editors.count() + 1
    assert sections >= 3, "the template has no clauses"
    page.get_by_test_id("add-section").click()
    expect(editors).to_have_count(sections)
    new_section = page.locator(f"[data-testid=clause-{sections}]")
    expect(new_section.locator("input[name$='-heading']")).to_be_focused()
    expect(new_section.locator("input[name$='-heading']")).to_have_value("")
    new_section.locator("input[name$='-heading']").fill(NEW_HEADING)
    new_section.locator("textarea[name$='-text']").fill(NEW_TEXT)
    page.get_by_test_id(f"up-{sections}").click()
    moved = page.locator(f"[data-testid=clause-{sections - 1}]")
    expect(moved.locator("input[name$='-heading']")).to_have_value(NEW_HEADING)
    expect(page.locator(f"[data-testid=clause-{sections}] input[name$='-heading']")).not_to_have_value(NEW_HEADING)
    page.get_by_test_id(f"down-{sections - 1}").click()
    expect(new_section.locator("input[name$='-heading']")).to_have_value(NEW_HEADING)
    shot(page, "agreement-02-edit")
    page.get_by_test_id("save").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Saved."))
    expect(state(page)).to_have_text(lv("Draft"))
    text = page.locator("[data-testid=agreement-text]")
    expect(text.locator("h3").last).to_have_text(f"{sections}. {NEW_HEADING}")
    expect(text).to_contain_text(NEW_TEXT.splitlines()[1])
    parties = page.locator("[data-testid=parties]")
    expect(parties).to_contain_text(drafter_org)
    expect(parties).to_contain_text(partner_org)
    expect(parties).to_contain_text(partner_name)

    # -- The draft preview: a PDF marked as a draft, with the new section and its diacritics.
    preview = page.locator("[data-testid=download-pdf]")
    expect(preview).to_have_text(lv("Preview the draft (PDF)"))
    data, filename = download(page, preview)
    assert data.startswith(b"%PDF"), data[:20]
    assert filename.endswith("-draft.pdf"), filename
    printed = pdf_text(data, tmp_path, "draft.pdf")
    assert "MELNRAKSTS" in printed
    assert NEW_HEADING.upper() in printed  # the PDF prints headings in capitals
    assert "ķiploki, šķiņķis, žāvēta zivs" in printed
    shot(page, "agreement-03-draft")

    # -- Submitted for approval (the confirmation dialog is accepted).
    page.locator(f"main form[action='/agreements/{agreement_id}/submit'] button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Submitted. A coordinator will review it."))
    expect(state(page)).to_have_text(lv("Waiting for approval"))
    log_out(page, base)

    # -- In lingua reads it and comments.
    log_in(page, base, partner_email, password)
    open_agreement(page, base, agreement_id)
    expect(state(page)).to_have_text(lv("Waiting for approval"))
    expect(page.locator("main")).to_contain_text(lv("Waiting for a coordinator’s approval."))
    expect(page.locator("[data-testid=sign-link]")).to_have_count(0)
    comment_form = page.locator(f"main form[action='/agreements/{agreement_id}/comments']")
    comment_form.locator("[name=body]").fill(PARTNER_COMMENT)
    comment_form.locator("button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Comment added."))
    expect(page.locator("#comments .message")).to_contain_text(PARTNER_COMMENT)
    expect(page.locator("#comments .message", has_text=PARTNER_COMMENT)).to_contain_text(partner_name)
    shot(page, "agreement-04-partner-comment")
    log_out(page, base)

    # -- The coordinator finds it in the approval queue and returns it with a comment.
    log_in(page, base, coordinator_email, password)
    page.goto(f"{base}/agreements")
    page.locator("main a[href='/agreements/queue']").click()
    page.wait_for_url(f"{base}/agreements/queue")
    waiting = page.locator("[data-testid=queue] tr", has=page.locator(f"a[href='/agreements/{agreement_id}']"))
    expect(waiting).to_contain_text(f"{drafter_org}, {partner_org}")
    shot(page, "agreement-05-queue")
    waiting.locator(f"a[href='/agreements/{agreement_id}']").click()
    page.wait_for_url(agreement_url)
    expect(page.locator("#comments")).to_contain_text(PARTNER_COMMENT)
    back = page.locator(f"main form[action='/agreements/{agreement_id}/return']")
    back.locator("[name=comment]").fill(RETURN_COMMENT)
    expect(back.locator("button[type=submit]")).to_have_text(lv("Return for changes"))
    back.locator("button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Returned to the drafter with your comment."))
    expect(state(page)).to_have_text(lv("Returned for changes"))
    log_out(page, base)

    # -- Baltā māja reads the comment, changes the section and submits again.
    log_in(page, base, drafter_email, password)
    open_agreement(page, base, agreement_id)
    expect(state(page)).to_have_text(lv("Returned for changes"))
    expect(page.locator("[data-testid=return-comment]")).to_contain_text(RETURN_COMMENT)
    expect(page.locator("#comments")).to_contain_text(PARTNER_COMMENT)
    shot(page, "agreement-06-returned")
    page.locator(f"main a.button[href='/agreements/{agreement_id}/edit']").click()
    page.wait_for_url(f"{agreement_url}/edit")
    expect(page.locator("[data-testid=return-comment]")).to_contain_text(RETURN_COMMENT)
    expect(page.locator("main .clause-editor")).to_have_count(sections)
    section = page.locator(f"[data-testid=clause-{sections}]")
    expect(section.locator("input[name$='-heading']")).to_have_value(NEW_HEADING)
    expect(section.locator("textarea[name$='-text']")).to_have_value(NEW_TEXT)
    section.locator("textarea[name$='-text']").fill(f"{NEW_TEXT}\n{ADDED_LINE}")
    page.get_by_test_id("save").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Saved."))
    expect(state(page)).to_have_text(lv("Draft"))
    # The coordinator's comment stays in sight while the draft is reworked, until it is submitted again.
    expect(page.locator("[data-testid=return-comment]")).to_contain_text(RETURN_COMMENT)
    expect(page.locator("[data-testid=agreement-text]")).to_contain_text(f"{sections}.3. {ADDED_LINE}")
    page.locator(f"main form[action='/agreements/{agreement_id}/submit'] button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(state(page)).to_have_text(lv("Waiting for approval"))
    expect(page.locator("[data-testid=return-comment]")).to_have_count(0)
    log_out(page, base)

    # -- The coordinator approves: the text is frozen and the signing copy made.
    log_in(page, base, coordinator_email, password)
    page.goto(f"{base}/agreements/queue")
    page.locator(f"[data-testid=queue] a[href='/agreements/{agreement_id}']").click()
    page.wait_for_url(agreement_url)
    approve = page.locator(f"main form[action='/agreements/{agreement_id}/approve'] button[type=submit]")
    expect(approve).to_have_text(lv("Approve"))
    approve.click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(
        lv("Approved. The signing copy is made; the parties' representatives can sign it now."))
    expect(state(page)).to_have_text(lv("Approved, being signed"))
    expect(page.locator("[data-testid=signing-sha]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("[data-testid=current-sha]")).to_have_count(0)
    expect(page.locator("[data-testid=sign-link]")).to_have_count(0)  # Intelekta parks is not a party
    expect(page.locator(f"main a[href='/agreements/{agreement_id}/edit']")).to_have_count(0)
    shot(page, "agreement-07-approved")
    log_out(page, base)

    # -- Baltā māja signs: first with a wrong password.
    log_in(page, base, drafter_email, password)
    open_agreement(page, base, agreement_id)
    page.locator("[data-testid=sign-link]").click()
    page.wait_for_url(f"{agreement_url}/sign")
    form = page.locator(f"main form[action='/agreements/{agreement_id}/sign']")
    form.locator("[name=password]").fill("nepareiza parole 123")
    form.locator("[name=typed_name]").fill(drafter_name)
    form.locator("[name=consent]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{agreement_url}/sign")
    error = page.locator("p.error[data-field=password]")
    expect(error).to_have_text(lv("The password is not right."))
    expect(page.locator("main p.error")).to_have_count(1)
    password_box = page.locator(".field.has-error", has=page.locator("[name=password]"))
    expect(password_box.locator("p.error[data-field=password]")).to_be_visible()
    expect(page.locator("[name=password]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[name=password]")).to_have_value("")
    expect(page.locator("[name=typed_name]")).to_have_value(drafter_name)
    expect(page.locator("[name=consent]")).to_be_checked()
    shot(page, "agreement-08-wrong-password")
    page.locator("[name=password]").fill(password)
    page.locator(f"main form[action='/agreements/{agreement_id}/sign'] button[type=submit]").click()
    page.wait_for_url(agreement_url)
    expect(page.locator(".flash.success")).to_have_text(lv("Signed for %(org)s.", org=drafter_org))
    expect(state(page)).to_have_text(lv("Approved, being signed"))
    expect(page.locator(f"[data-testid=signed-{org_id(live_server, drafter_org)}]")).to_be_visible()
    expect(page.locator(f"[data-testid=signed-{org_id(live_server, partner_org)}]")).to_have_count(0)
    expect(page.locator("[data-testid=parties] .not-signed")).to_have_count(1)
    log_out(page, base)

    # -- In lingua signs: the agreement is in force.
    log_in(page, base, partner_email, password)
    open_agreement(page, base, agreement_id)
    sign(page, base, agreement_id, partner_name, partner_org, password)
    expect(state(page)).to_have_text(lv("In force"))
    for org in (drafter_org, partner_org):
        expect(page.locator(f"[data-testid=signed-{org_id(live_server, org)}]")).to_be_visible()
    record = page.locator("[data-testid=download-pdf]")
    expect(record).to_have_text(lv("Download the document of record (PDF)"))
    current_sha = page.locator("[data-testid=current-sha]").inner_text()
    assert current_sha != page.locator("[data-testid=signing-sha]").inner_text()
    shot(page, "agreement-09-in-force")
    data, filename = download(page, record)
    assert data.startswith(b"%PDF"), data[:20]
    assert hashlib.sha256(data).hexdigest() == current_sha
    printed = pdf_text(data, tmp_path, "record.pdf")
    assert "MELNRAKSTS" not in printed
    assert ADDED_LINE in printed
    assert "ķiploki, šķiņķis, žāvēta zivs" in printed
    render_last_page(data, tmp_path, "agreement-10-signatures-page")
    document = tmp_path / filename
    document.write_bytes(data)

    # -- The completion certificate, from the same page: every step, and the document of record's SHA-256.
    certificate_link = page.locator("[data-testid=completion-link]")
    expect(certificate_link).to_have_text(lv("Download the completion certificate (PDF)"))
    certificate_data, certificate_name = download(page, certificate_link)
    assert hashlib.sha256(certificate_data).hexdigest() == page.locator("[data-testid=completion-sha]").inner_text()
    certificate_text = " ".join(pdf_text(certificate_data, tmp_path, "certificate.pdf").split())
    assert "LĪGUMA NOSLĒGŠANAS APLIECINĀJUMS" in certificate_text
    assert current_sha in certificate_text.replace(" ", "")
    assert drafter_name in certificate_text and partner_name in certificate_text
    render_last_page(certificate_data, tmp_path, "agreement-10b-completion-certificate")
    certificate_file = tmp_path / certificate_name
    certificate_file.write_bytes(certificate_data)
    page.set_viewport_size({"width": 390, "height": 844})
    certificate_link.scroll_into_view_if_needed()
    shot(page, "agreement-09b-in-force-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_out(page, base)

    # -- A visitor checks the file on /verify: three signatures (the network's certification and the two
    #    parties'), and it is the document of record.
    page.goto(f"{base}/verify")
    page.locator("main input[name=document]").set_input_files(str(document))
    page.locator("main form[action='/verify'] button[type=submit]").click()
    report = page.locator("[data-testid=verify-report]")
    expect(report).to_be_visible()
    verdict = report.locator("[data-testid=verdict]")
    expect(verdict).to_have_class(re.compile(r"\bsigned\b"))
    expect(verdict).to_have_attribute("data-verdict", "complete")
    expect(verdict).to_have_text(lv("Complete: the document of record, signed by all %(n)d parties.", n=2))
    number = re.search(r"\d{4}/\d+", page.locator("[data-testid=verify-record] h2").inner_text()).group(0)
    expect(report.locator("[data-testid=held]")).to_have_text(
        lv("This file is the document of record of agreement No. %(number)s, byte for byte.", number=number))
    rows = report.locator("[data-testid=signature-row]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(lv("Certification by the network"))
    expect(rows.nth(1)).to_contain_text(drafter_name)
    expect(rows.nth(2)).to_contain_text(partner_name)
    expect(report.locator("[data-testid=signature-row] .error")).to_have_count(0)
    expect(page.locator("[data-testid=verify-record]")).to_contain_text(current_sha)
    shot(page, "agreement-11-verified")

    # -- A copy with one byte changed does not verify.
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(tampered(data))
    page.goto(f"{base}/verify")
    page.locator("main input[name=document]").set_input_files(str(changed))
    page.locator("main form[action='/verify'] button[type=submit]").click()
    report = page.locator("[data-testid=verify-report]")
    expect(report).to_be_visible()
    verdict = report.locator("[data-testid=verdict]")
    expect(verdict).to_have_class(re.compile(r"\berror\b"))
    expect(verdict).to_have_attribute("data-verdict", "altered")
    expect(report.locator("[data-testid=held]")).to_have_text(lv("The portal holds no file with exactly these bytes."))
    rows = report.locator("[data-testid=signature-row]")
    expect(rows).to_have_count(3)
    for row in range(3):  # the change is under every signature
        expect(rows.nth(row).locator("td").nth(3)).to_have_text(lv("no: the signed content was changed"))
        expect(rows.nth(row).locator("[data-testid=changes-after]")).to_have_text(
            lv("changed after this signature: what it signed is not what was signed"))
    shot(page, "agreement-12-tampered")

    # -- The completion certificate is recognized too: the network's, naming the agreement and its record.
    page.goto(f"{base}/verify")
    page.locator("main input[name=document]").set_input_files(str(certificate_file))
    page.locator("main form[action='/verify'] button[type=submit]").click()
    report = page.locator("[data-testid=verify-report]")
    expect(report.locator("[data-testid=verdict]")).to_have_attribute("data-verdict", "complete")
    expect(report.locator("[data-testid=verdict]")).to_have_text(lv(
        "A completion certificate of agreement No. %(number)s, intact and signed by the network, for the "
        "document of record with SHA-256 %(sha)s.", number=number, sha=current_sha))
    expect(report.locator("[data-testid=certificate-match]")).to_have_attribute("data-match", "matches")
    expect(report.locator("[data-testid=signature-row]")).to_have_count(1)
    shot(page, "agreement-13-certificate-verified")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the SHA-256 wraps
    shot(page, "agreement-13b-certificate-verified-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)
