"""Every table the portal lets people download (CSV and XLSX) goes through here, so that:

- no cell can run as a formula when the file is opened in a spreadsheet: text starting with =, +, -, @, a tab
  or a carriage return is neutralised (a leading apostrophe in CSV; a text cell with Excel's quote prefix in
  XLSX), whoever typed it (a resource title reaches the partner's ledger);
- CSV is what a spreadsheet in the reader's language expects: in Latvian `;` between cells and a decimal
  comma (Excel set to Latvia reads "," as the decimal separator, so it cannot also separate cells); in
  English `,` and a decimal point; UTF-8 with a byte-order mark so Excel reads the diacritics;
- numbers stay numbers (never neutralised: a negative amount is not a formula) and dates stay dates.
"""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DIALECTS = {"lv": (";", ","), "en": (",", ".")}  # cell separator, decimal separator


def neutralised(text: str) -> str:
    """'=HYPERLINK(…)' -> "'=HYPERLINK(…)": shown as typed, never evaluated."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value, decimal_separator: str) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    return text.replace(".", decimal_separator)


def csv_cell(value, language: str = "lv") -> str:
    decimal_separator = CSV_DIALECTS.get(language, CSV_DIALECTS["en"])[1]
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return _number(value, decimal_separator)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return neutralised(str(value))


def csv_file(header: list[str], rows, language: str = "lv") -> str:
    """The table as CSV text (with a BOM) in the conventions of `language`."""
    separator = CSV_DIALECTS.get(language, CSV_DIALECTS["en"])[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow([csv_cell(cell, language) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell, language) for cell in row])
    return "\ufeff" + out.getvalue()


def xlsx_file(header: list[str], rows, sheet_title: str = "Sheet") -> bytes:
    """The table as an Excel workbook: numbers and dates typed as such, text never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_title)
    for row_index, row in enumerate([header, *rows], start=1):
        for column_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            if isinstance(value, Decimal):
                cell.value = float(value)
                cell.number_format = "0.00"
            elif isinstance(value, (int, float, date, datetime)) and not isinstance(value, bool):
                cell.value = value.replace(tzinfo=None) if isinstance(value, datetime) else value
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
            elif value is not None:
                cell.value = str(value)
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            if row_index == 1:
                cell.font = Font(bold=True)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]
