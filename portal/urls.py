"""Absolute links for e-mails and feeds, built without a request (CLI, sender, tests)."""
import re

from flask import current_app, request
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (SQLite holds more; the portal answers the same on both).
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


class DatabaseIdConverter(IntegerConverter):
    """Werkzeug's int converter bounded to the ids a table can hold."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def query_id(name: str) -> int | None:
    """`?name=` as an id (1 … MAX_ID), or None for anything else ("²", "-1", 2147483648, "abc")."""
    value = request.args.get(name, "")
    if not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def query_page(name: str = "page", last: int = 10_000) -> int:
    """`?page=` as a page number from 1 to `last`: a bigger number is `last`, anything else page 1."""
    value = request.args.get(name, "")
    if not re.fullmatch(r"[0-9]+", value):
        return 1
    return last if len(value) > 7 else min(max(int(value), 1), last)  # 10**20 is past the end, not page 1


def absolute_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("", url_scheme="http").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
