"""A report's table as a CSV or XLSX download (portal/spreadsheets.py: Latvian Excel conventions for Latvian
readers)."""
from flask import Response
from flask_babel import get_locale

from .. import spreadsheets


def download(name: str, title: str, table, fmt: str) -> Response:
    head, rows = table
    if fmt == "csv":
        body, mimetype = spreadsheets.csv_file(head, rows, get_locale().language), "text/csv; charset=utf-8"
    else:
        body, mimetype = spreadsheets.xlsx_file(head, rows, title), spreadsheets.XLSX_TYPE
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
