"""The reports as PDF documents (not yet signed): an organization's report for a period, its volunteer report
for a year, and the network statistics with their charts (pygal's SVG, which WeasyPrint draws as vectors).

They are in the language of the person who asked (Latvian first), with the words of the report pages (the
same catalogue), rendered outside any request under `force_locale`. Each names what it reports on, the period
and the moment it was made, and says how to check it at /verify; the look is in static/css/report-pdf.css.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, format_currency, format_decimal, gettext as _, ngettext

from .. import paths, pdfs
from ..dates import format_day, format_moment, format_month
from ..exchanges.models import ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN
from ..exchanges.services import state_label
from ..orgs.choices import MUNICIPALITIES, label
from . import cofinancing, presentation, services, statistics
from .models import ORG, PROJECT, STATISTICS, VOLUNTEERS, ReportDocument
from .periods import Period

EXCHANGE_STATES = (REQUESTED, ACCEPTED, COMPLETED, DECLINED, WITHDRAWN, CANCELLED)
TEMPLATES = {ORG: "reports/pdf/org_report.html", VOLUNTEERS: "reports/pdf/volunteers.html",
             STATISTICS: "reports/pdf/statistics.html", PROJECT: "reports/pdf/project.html"}

_ENV = pdfs.environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
_ENV.install_gettext_callables(lambda text: _(text), lambda s, p, n: ngettext(s, p, n), newstyle=True)
_ENV.filters.update(number=format_decimal, currency=lambda value: format_currency(value, "EUR"), date=format_day,
                    datetime=format_moment, month=format_month)
_renderer = pdfs.Renderer(paths.STATIC / "css" / "report-pdf.css")


@dataclass(frozen=True)
class Rendered:
    pdf: bytes  # not yet signed
    title: str  # in the document's language, for the notification and the signature's reason


def title_of(document: ReportDocument) -> str:
    """"Report of Baltā māja · 2025", "Volunteer report 2025 · Baltā māja", "Network statistics: Q4 2025", in
    the current language."""
    period = document.period
    if document.kind == ORG:
        return f"{_('Report of %(org)s', org=document.org.name)} · {period.label}"
    if document.kind == VOLUNTEERS:
        return f"{_('Volunteer report %(year)s', year=period.start.year)} · {document.org.name}"
    if document.kind == PROJECT:
        return f"{_('Co-financing report: %(project)s', project=document.project.name)} · {document.org.name}"
    return f"{_('Network statistics')}: {period.label}"


def verify_url() -> str:
    return f"{current_app.config['BASE_URL']}/verify"


def _margin_css(network: str, title: str, made_at: datetime) -> str:
    """Header: the network and the title; footer: when it was made, page N of M."""
    page_of = _("Page %(page)s of %(pages)s")
    before, _page, rest = page_of.partition("%(page)s")
    between, _pages, after = rest.partition("%(pages)s")
    pages = " ".join(part for part in (pdfs.css_string(before) if before else "", "counter(page)",
                                       pdfs.css_string(between), "counter(pages)",
                                       pdfs.css_string(after) if after else "") if part)
    made = pdfs.css_string(_("Made %(moment)s", moment=format_moment(made_at)))
    return (f"@page {{ @top-left {{ content: {pdfs.css_string(network)} }}"
            f" @top-right {{ content: {pdfs.css_string(title)} }}"
            f" @bottom-left {{ content: {made} }} @bottom-right {{ content: {pages} }} }}")


def _period_days(period: Period) -> str:
    if period.start is None:
        return ""
    return f"{format_day(period.start)} – {format_day(period.end)}"


def _context(document: ReportDocument, made_at: datetime) -> dict:
    period = document.period
    if document.kind == ORG:
        return {"report": services.org_report(document.org, period)}
    if document.kind == VOLUNTEERS:
        return {"report": services.volunteer_report(document.org, period.start.year)}
    if document.kind == PROJECT:
        project = document.project
        return {"report": cofinancing.cofinancing_report(project), "project": project, "cofinancing": cofinancing,
                "period_days": f"{format_day(project.starts_on)} – {format_day(project.ends_on)}"}
    today = made_at.astimezone(pdfs.LOCAL_TIME).date()
    stats = statistics.network_statistics(period, today)
    return {"stats": stats, "blocks": presentation.chart_blocks(stats), "states": EXCHANGE_STATES,
            "state_label": state_label, "municipality": lambda code: label(MUNICIPALITIES, code),
            "today": today}


def render_html(document: ReportDocument, made_at: datetime) -> str:
    """In the current language (call it under force_locale)."""
    network = current_app.config["NETWORK_NAME"]
    title = title_of(document)
    context = {"period_days": _period_days(document.period), **_context(document, made_at)}
    return _ENV.get_template(TEMPLATES[document.kind]).render(
        document=document, org=document.org, period=document.period,
        title=title, network=network, made_at=made_at, created=made_at.isoformat(timespec="seconds"),
        language=document.language, verify_url=verify_url(), qr=pdfs.qr_data_uri(verify_url()), **context)


def render(document: ReportDocument, made_at: datetime) -> Rendered:
    """The report as PDF/A-3b bytes in the document's language, as its figures are now."""
    with force_locale(document.language):
        title = title_of(document)
        html = render_html(document, made_at)
        css = _margin_css(current_app.config["NETWORK_NAME"], title, made_at)
    return Rendered(_renderer.write_pdf(html, css), title)
