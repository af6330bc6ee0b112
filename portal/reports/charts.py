"""Charts as SVG, drawn on the server by pygal (Kozea, the makers of WeasyPrint): no JavaScript reaches the
browser. Each chart is an <img> with a data: address (the page's CSP allows data: images and no inline style,
and an SVG inside an <img> keeps its own style and never runs a script); the table beside it carries the
same figures for screen readers and for copying."""
import base64
import re
from threading import Lock

import pygal
from cachetools import LRUCache
from pygal.style import Style

_STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1d2433", foreground_strong="#1d2433",
    foreground_subtle="#d9dee6", colors=("#1f5f5b", "#f2c14e"), font_family="DejaVu Sans, sans-serif",
    label_font_size=13, major_label_font_size=13, value_font_size=12, title_font_size=15,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _config(**extra) -> dict:
    config = dict(style=_STYLE, js=[], disable_xml_declaration=True, show_legend=False, width=640, height=320,
                  print_values=True, print_zeroes=False, margin=12, truncate_label=-1)
    return config | extra


def _whole_numbers(chart, values) -> None:
    """Counts are whole: no axis steps of 0.1."""
    top = max([int(v) for v in values] + [1])
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, top + step, step))


def _data_uri(chart) -> str:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# Drawing is most of a page's time, and most changes of the network (a request, a publication) leave the
# completed exchanges' charts as they were: a chart is drawn once for the same labels and figures.
_drawn: LRUCache = LRUCache(maxsize=256)
_lock = Lock()


def _kept(draw):
    def drawn(labels: list[str], values: list, series: str) -> str:
        key = (draw.__name__, tuple(labels), tuple(int(v) for v in values), series)
        with _lock:
            image = _drawn.get(key)
        if image is None:
            image = draw(labels, values, series)
            with _lock:
                _drawn[key] = image
        return image
    drawn.__doc__ = draw.__doc__
    return drawn


@_kept
def bar_chart(labels: list[str], values: list, series: str) -> str:
    """Vertical bars, one per label (months)."""
    chart = pygal.Bar(**_config(x_label_rotation=-40 if len(labels) > 6 else 0))
    chart.x_labels = labels
    chart.add(series, [int(v) for v in values])
    _whole_numbers(chart, values)
    return _data_uri(chart)


@_kept
def ranking_chart(labels: list[str], values: list, series: str) -> str:
    """Horizontal bars, largest first (municipalities, categories, organizations)."""
    height = max(160, 40 + 34 * len(labels))
    chart = pygal.HorizontalBar(**_config(height=height))
    chart.x_labels = list(reversed(labels))
    chart.add(series, [int(v) for v in reversed(values)])
    _whole_numbers(chart, values)
    return _data_uri(chart)
