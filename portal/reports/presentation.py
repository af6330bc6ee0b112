"""The statistics as the page shows them: each chart with the table of the same figures."""
from dataclasses import dataclass

from flask_babel import format_currency, format_date, format_decimal, get_locale, gettext as _

from ..orgs.choices import MUNICIPALITIES, label
from ..resources.choices import CATEGORIES
from . import charts
from .statistics import Statistics


@dataclass
class ChartBlock:
    id: str
    title: str
    image: str
    head: list
    rows: list  # the cells as text, in the order of `head`


def _money(value) -> str:
    return format_currency(value, "EUR")


def chart_blocks(stats: Statistics) -> list[ChartBlock]:
    """Drawn once per language for the same figures (drawing is most of the page's time)."""
    language = str(get_locale())
    if language not in stats.drawn:
        stats.drawn[language] = _draw(stats)
    return stats.drawn[language]


def _draw(stats: Statistics) -> list[ChartBlock]:
    series = _("Completed exchanges")
    head = lambda first: [first, _("Completed"), _("In-kind value")]  # noqa: E731
    blocks = []

    def add(id, title, labels, counts, head_, rows, chart):
        image = chart(labels, counts, series) if rows else ""
        blocks.append(ChartBlock(id, title, image, head_, rows))

    months = [format_date(day, "LLL y") for day, _n, _v in stats.by_month]
    add("by-month", _("Completed exchanges by month"), months, [n for _d, n, _v in stats.by_month],
        head(_("Month")), [[m, format_decimal(n), _money(v)] for m, (_d, n, v) in zip(months, stats.by_month)],
        charts.bar_chart)
    places = [label(MUNICIPALITIES, code) for code, _n, _v in stats.by_municipality]
    add("by-municipality", _("Completed exchanges by municipality of the resource"), places,
        [n for _c, n, _v in stats.by_municipality], head(_("Municipality")),
        [[p, format_decimal(n), _money(v)] for p, (_c, n, v) in zip(places, stats.by_municipality)],
        charts.ranking_chart)
    kinds = [label(CATEGORIES, code) for code, _n, _v in stats.by_category]
    add("by-category", _("Completed exchanges by category"), kinds, [n for _c, n, _v in stats.by_category],
        head(_("Category")),
        [[k, format_decimal(n), _money(v)] for k, (_c, n, v) in zip(kinds, stats.by_category)],
        charts.ranking_chart)
    names = [org.name for org, *_rest in stats.by_org]
    add("by-org", _("Organizations that gave most"), names, [n for _o, n, _v, _r in stats.by_org],
        [_("Organization"), _("Given"), _("Value given"), _("Received")],
        [[org.name, format_decimal(n), _money(v), format_decimal(r)] for org, n, v, r in stats.by_org],
        charts.ranking_chart)
    return blocks
