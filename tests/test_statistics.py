"""Coordinator statistics: figures against the hand-counted history of tests/report_world.py, periods and
their boundaries, the page with its charts and tables, and who may see it."""
import base64
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.reports import periods, statistics
from portal.reports.periods import Period, parse_period, period_of

from .factories import make_agreement
from .helpers import client_for
from .report_world import build_history


@pytest.fixture
def history(world):
    return build_history(world)


def stats_for(kind, day):
    return statistics.network_statistics(period_of(kind, day), today=date(2026, 12, 1))


def test_periods_and_their_neighbours():
    q = period_of(periods.QUARTER, date(2025, 11, 17))
    assert (q.start, q.end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert q.previous() == Period(periods.QUARTER, date(2025, 7, 1), date(2025, 9, 30))
    assert q.next().start == date(2026, 1, 1)
    assert period_of(periods.MONTH, date(2024, 2, 10)).end == date(2024, 2, 29)
    assert period_of(periods.ALL_TIME, date(2025, 1, 1)).previous() is None
    today = date(2026, 12, 1)
    assert parse_period("month", "2025-02", today) == period_of(periods.MONTH, date(2025, 2, 1))
    assert parse_period("year", "2025", today).start == date(2025, 1, 1)
    # Whatever is typed into the address gives a page: the period of today.
    assert parse_period("decade", "2025-13", today) == period_of(periods.YEAR, today)
    assert parse_period("month", "<script>", today) == period_of(periods.MONTH, today)


def test_the_year_counted_by_hand(app, history):
    s = stats_for(periods.YEAR, date(2025, 6, 1))
    h, p = s.headline, s.previous
    # B (2025-03-01) and the suspended E (2025-06-01); C was approved at 23:00 UTC on 31 December 2024.
    assert (h.new_members, p.new_members) == (2, 1)
    # The archived projector was published in 2025 and counts as published.
    assert (h.resources_published, p.resources_published) == (4, 1)
    assert (h.needs_published, p.needs_published) == (2, 0)
    # x6 was requested on 31 December 2025 and ended in 2026: a 2025 request, a 2026 completion.
    assert h.by_state == {"completed": 4, "cancelled": 1} and h.requests == 5
    assert p.by_state == {"completed": 1, "accepted": 1}
    # The cancelled x4 is no completion; x2 ended on 31 December 2024.
    assert (h.completed, h.value_eur) == (3, Decimal("296.00"))
    assert (p.completed, p.value_eur) == (1, Decimal("50.00"))
    assert s.by_month == [(date(2025, 2, 1), 1, Decimal("160.00")), (date(2025, 3, 1), 1, Decimal("96.00")),
                          (date(2025, 12, 1), 1, Decimal("40.00"))]
    assert s.by_municipality == [("livanu", 1, Decimal("96.00")), ("ludzas", 1, Decimal("160.00")),
                                 ("rezeknes", 1, Decimal("40.00"))]
    assert s.by_category == [("equipment", 1, Decimal("40.00")), ("premises", 1, Decimal("160.00")),
                             ("volunteers", 1, Decimal("96.00"))]
    assert [(org.name, given, value, received) for org, given, value, received in s.by_org] == [
        ("Baltā māja", 2, Decimal("256.00"), 1), ("Sukrums", 1, Decimal("40.00"), 2)]
    # Today: the suspended and the one that left are not active; the applicant is no member.
    assert s.members == {"active": 4, "suspended": 1, "left": 1}
    # In the six months before the end of 2025 only B and C did something; the suspended E is not listed.
    assert sorted(org.name for org in s.inactive_orgs) == ["Intelekta parks", "Klusā biedrība"]
    assert s.inactive_count == 2
    # Never requested: only the public projector (the paused van and the archived projector are not active).
    assert [r.title for r in s.never_requested] == ["Projektors un ekrāns"] and s.never_requested_count == 1
    # B's equipment need was answered by x3; C's need for a hall came after C got the hall.
    assert sorted(n.title for n in s.never_answered) == ["Meklējam lektoru", "Vajag zāli"]
    assert s.never_answered_count == 2


def test_a_quarter_and_a_month_at_the_boundaries(app, history):
    q1 = stats_for(periods.QUARTER, date(2025, 2, 1))
    assert (q1.headline.completed, q1.headline.value_eur) == (2, Decimal("256.00"))
    assert (q1.previous.completed, q1.previous.value_eur) == (1, Decimal("50.00"))  # x2, on 31 December
    january = stats_for(periods.MONTH, date(2025, 1, 15))
    assert january.headline.completed == 0 and january.by_month == []
    assert january.headline.by_state == {"completed": 1}  # x1 was requested on 20 January
    all_time = statistics.network_statistics(Period(periods.ALL_TIME, None, None), today=date(2026, 12, 1))
    assert all_time.previous is None
    assert (all_time.headline.completed, all_time.headline.value_eur) == (5, Decimal("391.00"))
    # B gave x1, x5 and x6 and received x2 and x3; C the other way round.
    assert [(org.name, given, value, received) for org, given, value, received in all_time.by_org] == [
        ("Baltā māja", 3, Decimal("301.00"), 2), ("Sukrums", 2, Decimal("90.00"), 3)]


def test_the_figures_follow_a_change_of_the_network(app, world, history):
    """They are kept between views, until the next audited change (here a completion) makes them stale."""
    from portal.exchanges import services as exchanges

    before = stats_for(periods.ALL_TIME, date(2026, 1, 1))
    assert stats_for(periods.ALL_TIME, date(2026, 1, 1)) is before  # kept
    accepted = world.accepted_exchange
    exchanges.complete(world.other_member, accepted, value_units=None, value_eur=Decimal("10.00"),
                       today=accepted.ends_on)
    after = stats_for(periods.ALL_TIME, date(2026, 1, 1))
    assert after.headline.completed == before.headline.completed + 1
    assert after.headline.value_eur == before.headline.value_eur + Decimal("10.00")


def test_agreements_in_force_ending_and_to_review(app, world):
    agreement = make_agreement(world, "in_force")
    today = date.today()
    assert statistics.agreement_figures(today) == {"in_force": 1, "expiring": 0, "to_review": 0}
    agreement.valid_to, agreement.review_on = today + timedelta(days=20), today + timedelta(days=10)
    db.session.flush()
    assert statistics.agreement_figures(today) == {"in_force": 1, "expiring": 1, "to_review": 1}


def table_rows(html: str, testid: str) -> list[list[str]]:
    match = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, testid
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)]


def test_the_page_shows_each_chart_with_its_table(app, world, history):
    html = client_for(app, world.coordinator).get("/coordination/statistics?period=year&at=2025&lang=en") \
        .get_data(as_text=True)
    assert "Network statistics: 2025" in html
    assert ['Exchanges completed', '3', '1', '+2 (+200 %)'] in table_rows(html, "headline")
    assert ["In-kind value of completed exchanges", "€296.00", "€50.00", "+€246.00 (+492 %)"] in \
        table_rows(html, "headline")
    assert table_rows(html, "by-month") == [["Feb 2025", "1", "€160.00"], ["Mar 2025", "1", "€96.00"],
                                            ["Dec 2025", "1", "€40.00"]]
    assert table_rows(html, "by-org") == [["Baltā māja", "2", "€256.00", "1"], ["Sukrums", "1", "€40.00", "2"]]
    assert ["Rēzeknes novads", "1", "€40.00"] in table_rows(html, "by-municipality")
    images = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(images) == 4
    svg = base64.b64decode(images[0]).decode("utf-8")
    assert svg.startswith("<svg") and "<script" not in svg and "Feb 2025" in svg
    assert 'href="/coordination/statistics?period=year&amp;at=2024"' in html  # the previous year
    assert 'aria-current="page">Statistics<' in html


def test_an_empty_period_says_so(app, world):
    html = client_for(app, world.coordinator).get("/coordination/statistics?period=month&at=2031-01&lang=en") \
        .get_data(as_text=True)
    assert html.count("No exchange was completed in this period.") == 4
    assert "data:image/svg" not in html


@pytest.mark.parametrize("who", ["member", "representative", "other"])
def test_only_coordinators_see_the_network_statistics(app, world, who):
    assert client_for(app, world.user(who)).get("/coordination/statistics").status_code == 403
