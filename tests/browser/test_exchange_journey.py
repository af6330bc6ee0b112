"""The exchange journey in a real browser (in Latvian, the portal's default language).

Sukrums requests the hall “Dzerkaļi” of Intelekta parks for two days; the owner accepts; both see
it in their calendars; after the dates the owner marks it completed and it appears in both ledgers.
"""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from playwright.sync_api import Page, expect

from steps import log_in, log_out, lv, reset_login_rate_limit, watch

REQUESTER = "ilze.kirsone@sukrums.example.org"  # Sukrums, representative
OWNER = "maija.burima@intelekta-parks.example.org"  # Intelekta parks, representative
HALL = "Konferenču zāle “Dzerkaļi”"  # 40 places, 80 EUR a day
PURPOSE = "Latgales jauniešu forums"
MESSAGE = "Labdien! Vai zālē varētu būt arī kafijas pauze ap pusdienlaiku?"
# Far enough ahead to stay clear of the demo's own requests for the hall (40–41 days ahead).
STARTS_ON = date.today() + timedelta(days=50)
ENDS_ON = STARTS_ON + timedelta(days=1)


# As portal/dates.py writes days in Latvian: "20.01.2027." in lists, "2027. gada 20. janvāris" in the facts.
LV_DAY, LV_LONG_DAY = "d.MM.y.", "y. 'gada' d. MMMM"


def period(start: date, end: date) -> str:
    return f"{format_date(start, LV_DAY, locale='lv')} – {format_date(end, LV_DAY, locale='lv')}"


@pytest.fixture
def fresh_login_limit(live_server):
    reset_login_rate_limit(live_server.app)
    yield
    reset_login_rate_limit(live_server.app)


def test_exchange_journey(live_server, fresh_login_limit, page: Page, shot):
    base = live_server.url
    failed_responses, console_errors = watch(page)

    # -- Sukrums finds the hall and asks for it.
    log_in(page, base, REQUESTER, live_server.demo_password)
    page.goto(f"{base}/resources?q=dzerkali")
    card = page.locator("[data-testid=entry]", has=page.locator("h3", has_text=HALL))
    expect(card).to_have_count(1)
    card.locator("h3 a").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/resources/\d+$"))
    expect(page.locator("main h1")).to_have_text(HALL)
    resource_url = page.url
    request_link = page.locator("main a.button[href$='/request']")
    expect(request_link).to_have_text(lv("Request an exchange"))
    request_link.click()
    page.wait_for_url(f"{resource_url}/request")
    form = page.locator("main form[method=post]")
    form.locator("[name=starts_on]").fill(STARTS_ON.isoformat())
    form.locator("[name=ends_on]").fill(ENDS_ON.isoformat())
    form.locator("[name=quantity]").fill("25")
    form.locator("[name=purpose]").fill(PURPOSE)
    form.locator("[name=message]").fill(MESSAGE)
    expect(form.locator("[name=hours]")).to_have_count(0)  # a material resource: days, not hours
    shot(page, "exchange-01-request-form")
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(re.escape(base) + r"/exchanges/\d+$"))
    exchange_url = page.url
    exchange_id = int(exchange_url.rsplit("/", 1)[1])
    expect(page.locator("[data-testid=exchange-state]")).to_have_text(lv("Requested"))
    expect(page.locator(".flash.success")).to_have_text(lv("Your request has been sent to %(org)s.",
                                                           org="Intelekta parks"))
    expect(page.locator("#messages")).to_contain_text(MESSAGE)
    expect(page.locator("main .facts")).to_contain_text(
        f"{format_date(STARTS_ON, LV_LONG_DAY, locale='lv')} – {format_date(ENDS_ON, LV_LONG_DAY, locale='lv')}")
    shot(page, "exchange-02-requested")
    log_out(page, base)

    # -- The owner sees the incoming request and accepts it.
    log_in(page, base, OWNER, live_server.demo_password)
    page.locator("nav.main-nav a[href='/exchanges']").click()
    page.wait_for_url(f"{base}/exchanges")
    incoming = page.locator("[data-testid=incoming]")
    row = incoming.locator("tr", has=page.locator(f"a[href='/exchanges/{exchange_id}']"))
    expect(row).to_contain_text("Sukrums")
    expect(row).to_contain_text(lv("Requested"))
    expect(row).to_contain_text(period(STARTS_ON, ENDS_ON))
    shot(page, "exchange-03-incoming")
    row.locator(f"a[href='/exchanges/{exchange_id}']").click()
    page.wait_for_url(exchange_url)
    expect(page.locator("#messages")).to_contain_text(MESSAGE)
    page.locator(f"form[action='/exchanges/{exchange_id}/accept'] button[type=submit]").click()
    page.wait_for_url(exchange_url)
    expect(page.locator(".flash.success")).to_have_text(lv("The request is accepted."))
    expect(page.locator(".flash.error")).to_have_count(0)
    expect(page.locator("[data-testid=exchange-state]")).to_have_text(lv("Accepted"))
    shot(page, "exchange-04-accepted")

    # -- Both organizations see it in their calendars.
    page.goto(f"{base}/calendar")
    page.locator("a[href='/calendar?view=list']").click()  # the month shown is this one; the list has every date
    entry = page.locator("[data-testid=calendar] tr", has=page.locator(f"a[href='/exchanges/{exchange_id}']"))
    expect(entry).to_contain_text("Sukrums")
    expect(entry).to_contain_text(lv("we lend"))
    expect(entry).to_contain_text(period(STARTS_ON, ENDS_ON))
    shot(page, "exchange-05-owner-calendar")
    log_out(page, base)

    log_in(page, base, REQUESTER, live_server.demo_password)
    page.goto(f"{base}/exchanges")
    page.locator("a[href='/calendar']").first.click()
    page.wait_for_url(f"{base}/calendar")
    page.locator("a[href='/calendar?view=list']").click()
    entry = page.locator("[data-testid=calendar] tr", has=page.locator(f"a[href='/exchanges/{exchange_id}']"))
    expect(entry).to_contain_text("Intelekta parks")
    expect(entry).to_contain_text(lv("we use"))
    expect(entry).to_contain_text(period(STARTS_ON, ENDS_ON))
    shot(page, "exchange-06-requester-calendar")
    log_out(page, base)

    # -- The days pass. The test stands in for the passing of time: it moves the exchange's period
    #    into the past directly in the database (two days, ending the day before yesterday), as if
    #    the seminar had taken place; nothing else about the exchange changes.
    from sqlalchemy import update

    from portal.exchanges.models import Exchange
    from portal.extensions import db

    held_from, held_to = date.today() - timedelta(days=3), date.today() - timedelta(days=2)
    with live_server.app.app_context():
        db.session.execute(update(Exchange).where(Exchange.id == exchange_id)
                           .values(starts_on=held_from, ends_on=held_to))
        db.session.commit()

    # -- The owner marks it completed with the suggested value: 2 days × 80 EUR.
    log_in(page, base, OWNER, live_server.demo_password)
    page.goto(exchange_url)
    complete = page.locator(f"form[action='/exchanges/{exchange_id}/complete']")
    expect(complete.locator("[name=value_eur]")).to_have_value("160,00")  # the Latvian decimal comma
    complete.locator("[name=feedback]").fill("Paldies! Forums izdevās, zāle atstāta kārtībā.")
    complete.locator("button[type=submit]").click()
    page.wait_for_url(exchange_url)
    expect(page.locator(".flash.error")).to_have_count(0)
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("[data-testid=exchange-state]")).to_have_text(lv("Completed"))
    value = format_currency(Decimal("160"), "EUR", locale="lv")
    expect(page.locator("main")).to_contain_text(value)
    shot(page, "exchange-07-completed")

    # -- It is in both ledgers: given by Intelekta parks, received by Sukrums.
    page.goto(f"{base}/exchanges")
    page.locator("a[href='/ledger']").first.click()
    page.wait_for_url(f"{base}/ledger")
    line = page.locator("[data-testid=ledger] tr", has=page.locator(f"a[href='/exchanges/{exchange_id}']"))
    expect(line).to_contain_text(lv("given"))
    expect(line).to_contain_text("Sukrums")
    expect(line).to_contain_text(value)
    expect(line).to_contain_text(period(held_from, held_to))
    shot(page, "exchange-08-owner-ledger")
    log_out(page, base)

    log_in(page, base, REQUESTER, live_server.demo_password)
    page.goto(f"{base}/ledger")
    line = page.locator("[data-testid=ledger] tr", has=page.locator(f"a[href='/exchanges/{exchange_id}']"))
    expect(line).to_contain_text(lv("received"))
    expect(line).to_contain_text("Intelekta parks")
    expect(line).to_contain_text(value)
    shot(page, "exchange-09-requester-ledger")

    assert failed_responses == [], "responses with an error status:\n" + "\n".join(failed_responses)
    assert console_errors == [], "errors in the browser console:\n" + "\n".join(console_errors)
