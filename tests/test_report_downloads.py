"""The reports as CSV (Latvian Excel conventions) and XLSX, read back; formula-like text neutralised."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from .helpers import client_for
from .report_world import build_history


@pytest.fixture
def history(world):
    return build_history(world)


def test_the_csv_opens_as_latvian_excel_expects(app, world, history):
    response = client_for(app, world.member).get(f"/orgs/{world.org.id}/report.csv?period=year&at=2025&lang=lv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="report-' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Virziens", "Apmaiņa", "Resurss"]
    by_id = {row[1]: row for row in rows[1:]}
    assert by_id[str(history.x1.id)][4:] == ["Sukrums", "2025-02-10", "2025-02-11", "160,00", "0", "2",
                                             "apstiprināja viena puse"]
    assert by_id[str(history.x5.id)][-4:] == ["96,00", "12,0", "0", "apstiprināja viena puse"]
    assert set(by_id) == {str(history.x1.id), str(history.x5.id), str(history.x3.id)}
    english = client_for(app, world.member).get(f"/orgs/{world.org.id}/report.csv?period=year&at=2025&lang=en")
    assert b"160.00" in english.data and english.data.decode("utf-8-sig").splitlines()[0].startswith("Direction,")


def test_the_xlsx_reads_back_with_numbers_and_dates(app, world, history):
    world.resource.title = "=cmd|' /C calc'!A0"
    from portal.extensions import db
    db.session.commit()
    response = client_for(app, world.member).get(f"/orgs/{world.org.id}/report.xlsx?period=year&at=2025&lang=en")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Direction", "Exchange")
    x1 = next(row for row in rows[1:] if row[1] == history.x1.id)
    assert x1[2] == "=cmd|' /C calc'!A0"  # shown as typed, stored as text with Excel's quote prefix
    cell = sheet.cell(row=rows.index(x1) + 1, column=3)
    assert cell.data_type == "s" and cell.quotePrefix
    assert x1[5].date() == date(2025, 2, 10) and x1[7] == 160 and x1[9] == 2


def test_the_volunteer_report_downloads(app, world, history):
    c = client_for(app, world.representative)
    rows = list(csv.reader(io.StringIO(c.get(f"/orgs/{world.org.id}/report/volunteers.csv?year=2025&lang=lv")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Brīvprātīgā darba vieta", "Brīvprātīgie", "Stundas", "Apmaiņas", "Ar roku ievadītie brīvprātīgie",
                     "Ar roku ievadītās stundas", "Ievadīts ar roku"],
                    ["Līvāni", "1", "12,0", f"#{history.x5.id}", "0", "0", ""], ["Kopā", "1", "12,0", "", "0", "0", ""]]
    sheet = load_workbook(io.BytesIO(c.get(f"/orgs/{world.org.id}/report/volunteers.xlsx?year=2025").data)).active
    assert list(sheet.iter_rows(values_only=True))[1][:3] == ("Līvāni", 1, 12)


def test_another_organizations_files_are_not_found(app, world, history):
    other = client_for(app, world.other_member)
    for url in (f"/orgs/{world.org.id}/report.csv", f"/orgs/{world.org.id}/report.xlsx",
                f"/orgs/{world.org.id}/report/volunteers.csv", f"/orgs/{world.org.id}/report/volunteers.xlsx"):
        assert other.get(url).status_code == 404
