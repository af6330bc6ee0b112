"""Dates and times as a reader in Latvia expects them, in either language.

Babel's own "en" formats are American (12/1/26, 10:18 AM); the portal's readers are in Latvia, so English
is written day first with the 24-hour clock: "1 December 2026", "1 Dec 2026, 10:18". Latvian: "2026. gada
1. decembris", "1.12.2026. 10:18". Times are shown to the minute in the network's time zone (Europe/Riga),
without the zone, unless the caller asks for it ("zoned": where a reader elsewhere must not misread it,
such as a signature's time on /verify).
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_datetime, get_locale

_DAY = {
    "lv": {"short": "d.MM.y.", "medium": "d.MM.y.", "long": "y. 'gada' d. MMMM"},
    "en": {"short": "d MMM y", "medium": "d MMM y", "long": "d MMMM y"},
}
_MOMENT = {
    "lv": {"short": "d.MM.y. HH:mm", "medium": "d.MM.y. HH:mm", "long": "y. 'gada' d. MMMM, HH:mm"},
    "en": {"short": "d MMM y, HH:mm", "medium": "d MMM y, HH:mm", "long": "d MMMM y, HH:mm"},
}


def _language() -> str:
    locale = get_locale()
    language = locale.language if locale is not None else "lv"
    return language if language in _DAY else "en"


def format_day(value: date | datetime | None, fmt: str = "long") -> str:
    """A calendar day: `fmt` is short, medium or long, or else a Babel pattern ("EEE": the weekday)."""
    if value is None:
        return ""
    pattern = _DAY[_language()].get(fmt, fmt)
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def format_moment(value: datetime | None, fmt: str = "short") -> str:
    """A moment to the minute, in the network's time zone: `fmt` short, medium, long, or zoned (short with
    the UTC offset, "1.12.2026. 10:18 (GMT+02:00)")."""
    if value is None:
        return ""
    patterns = _MOMENT[_language()]
    if fmt == "zoned":
        return format_datetime(value, patterns["short"] + " '('ZZZZ')'")
    return format_datetime(value, patterns.get(fmt, patterns["short"]))


def local_today() -> date:
    """Today's date where the network is (Europe/Riga by default), not the server's UTC date."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def format_month(value: date) -> str:
    """"2026. gada decembris" / "December 2026" (Babel's Latvian skeleton adds a stray full stop)."""
    return format_date(value, "y. 'gada' LLLL" if _language() == "lv" else "LLLL y")
