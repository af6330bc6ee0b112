"""The one helper every CSV and XLSX export goes through: no cell runs as a formula (issue 11 #10), and the
CSV follows the reader's language (Latvian: ; and decimal commas)."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.spreadsheets import csv_file, neutralised, xlsx_file

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://evil.example","x")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert neutralised(text) == "'" + text
    rows = list(csv.reader(io.StringIO(csv_file(["a"], [[text]], "lv")[1:]), delimiter=";"))
    assert rows[1] == ["'" + text]
    cell = load_workbook(io.BytesIO(xlsx_file(["a"], [[text]]))).active.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_ordinary_text_and_numbers_are_left_alone():
    assert neutralised("Konferenču zāle") == "Konferenču zāle"
    text = csv_file(["x", "y", "z"], [[Decimal("-12.50"), "a;b", date(2025, 2, 10)]], "lv")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";"))[1] == ["-12,50", "a;b", "2025-02-10"]
    english = csv_file(["x", "y"], [[Decimal("1234.5"), None]], "en")
    assert list(csv.reader(io.StringIO(english[1:])))[1] == ["1234.5", ""]
    sheet = load_workbook(io.BytesIO(xlsx_file(["x"], [[Decimal("-12.50")]]))).active
    assert sheet.cell(row=2, column=1).value == -12.5
