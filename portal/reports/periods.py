"""The periods a report or the network statistics cover: a month, a quarter, a year or all time."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, lazy_gettext as _l

MONTH, QUARTER, YEAR, ALL_TIME = "month", "quarter", "year", "all"
KINDS = ((MONTH, _l("Month")), (QUARTER, _l("Quarter")), (YEAR, _l("Year")), (ALL_TIME, _l("All time")))


@dataclass(frozen=True)
class Period:
    kind: str
    start: date | None  # None: since the beginning
    end: date | None    # inclusive

    @property
    def anchor(self) -> str:
        """The value of the `at` parameter that names this period."""
        if self.start is None:
            return ""
        if self.kind == YEAR:
            return f"{self.start.year}"
        return f"{self.start.year}-{self.start.month:02d}"

    def previous(self) -> "Period | None":
        if self.start is None:
            return None
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period | None":
        if self.end is None:
            return None
        return period_of(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    @property
    def label(self) -> str:
        if self.start is None:
            return str(_l("All time"))
        if self.kind == YEAR:
            return str(self.start.year)
        if self.kind == QUARTER:
            return str(_l("Q%(quarter)s %(year)s", quarter=(self.start.month - 1) // 3 + 1, year=self.start.year))
        return format_date(self.start, "LLLL y")


def period_of(kind: str, day: date) -> Period:
    """The period of `kind` that holds `day`."""
    if kind == YEAR:
        return Period(YEAR, date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        return Period(QUARTER, date(day.year, first, 1), _month_end(day.year, first + 2))
    if kind == MONTH:
        return Period(MONTH, date(day.year, day.month, 1), _month_end(day.year, day.month))
    return Period(ALL_TIME, None, None)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(kind: str | None, at: str | None, today: date, default: str = YEAR) -> Period:
    """The period the URL names (`?period=quarter&at=2026-10`); anything unreadable falls back to the one of
    `today`, so a hand-edited address shows a page, not an error."""
    kind = kind if kind in dict(KINDS) else default
    day = today
    text = (at or "").strip()
    try:
        if len(text) == 4:
            day = date(int(text), 1, 1)
        elif len(text) == 7:
            day = date(int(text[:4]), int(text[5:]), 1)
    except ValueError:
        day = today
    if not 2000 <= day.year <= 2100:
        day = today
    return period_of(kind, day)
