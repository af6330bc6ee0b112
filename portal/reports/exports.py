"""The reports as files: CSV as Excel opens it in Latvia and XLSX (openpyxl).

CSV: `;` between cells, a decimal comma for Latvian users, UTF-8 with a byte order mark (without it Excel reads
the file as Windows-1257 and breaks the diacritics). In both formats a text cell that a spreadsheet would take
for a formula (starting with = + - @, a tab or a carriage return) is neutralised by a leading apostrophe.
Numbers stay numbers (Decimal and int), dates stay dates.
"""
import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(head: list[str], rows: list[list], language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "lv" else ",", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in head])
    for row in rows:
        writer.writerow([_csv_cell(value, language == "lv") for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, head: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = neutralise(title)[:31]
    sheet.append([neutralise(str(h)) for h in head])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
