"""An organization's own report and its volunteer report, against the hand-counted history of
tests/report_world.py, and who may read them."""
import re
from datetime import date
from decimal import Decimal

import pytest

from portal.reports import periods, services
from portal.reports.periods import period_of

from .helpers import client_for
from .report_world import build_history


@pytest.fixture
def history(world):
    return build_history(world)


def test_what_b_gave_and_received_in_2025(app, world, history):
    report = services.org_report(world.org, period_of(periods.YEAR, date(2025, 1, 1)))
    given, received = report.given, report.received
    # x1 (the hall, 2 days) and x5 (12 hours of volunteers); x6 ended in 2026, x2 in 2024.
    assert [line.exchange.id for line in given.lines] == [history.x1.id, history.x5.id]
    assert (given.value, given.hours, given.days) == (Decimal("256.00"), Decimal("12"), 2)
    assert given.partners == {"Sukrums": {"count": 2, "value": Decimal("256.00")}}
    # x3 (the sound kit, 2 days); the cancelled x4 is not there.
    assert [line.exchange.id for line in received.lines] == [history.x3.id]
    assert (received.value, received.hours, received.days) == (Decimal("40.00"), Decimal("0"), 2)
    q4_2024 = services.org_report(world.org, period_of(periods.QUARTER, date(2024, 12, 31)))
    assert [line.exchange.id for line in q4_2024.received.lines] == [history.x2.id]


def test_the_volunteer_report_matches_the_table_made_by_hand(app, world, history):
    year_2025 = services.volunteer_report(world.org, 2025)
    assert [(p.place, p.volunteers, p.hours) for p in year_2025.places] == [("Līvāni", 1, Decimal("12"))]
    assert (year_2025.volunteers, year_2025.hours) == (1, Decimal("12"))
    # The online consultations have no place: their municipality stands for it; they ended on 2 January 2026.
    year_2026 = services.volunteer_report(world.org, 2026)
    assert [(p.place, p.volunteers, p.hours) for p in year_2026.places] == [("Līvānu novads", 1, Decimal("3"))]
    # Sukrums received the volunteers: it has no volunteers of its own to report.
    assert services.volunteer_report(world.other_org, 2025).places == []


def cells(html: str, testid: str) -> list[list[str]]:
    match = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, testid
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)]


def test_the_report_page_shows_the_figures_and_the_exchanges_behind_them(app, world, history):
    c = client_for(app, world.member)
    response = c.get("/reports?period=year&at=2025&lang=en")
    assert response.status_code == 302 and response.location.endswith(
        f"/orgs/{world.org.id}/report?period=year&at=2025&lang=en")
    html = c.get(response.location).get_data(as_text=True)
    assert cells(html, "report-totals") == [["We gave", "2", "€256.00", "12", "2"],
                                            ["We received", "1", "€40.00", "0", "2"]]
    assert f'href="/exchanges/{history.x5.id}"' in html and f'href="/exchanges/{history.x4.id}"' not in html
    assert cells(html, "partners-given") == [["Sukrums", "2", "€256.00"]]
    volunteers = c.get(f"/orgs/{world.org.id}/report/volunteers?year=2025&lang=en").get_data(as_text=True)
    assert cells(volunteers, "volunteer-places")[0][:3] == ["Līvāni", "1", "12"]


def test_a_member_never_sees_another_organizations_report(app, world, history):
    other = client_for(app, world.other_member)
    for url in (f"/orgs/{world.org.id}/report", f"/orgs/{world.org.id}/report/volunteers?year=2025"):
        assert other.get(url).status_code == 404
        assert client_for(app, world.coordinator).get(url).status_code == 200
    assert client_for(app, None).get(f"/orgs/{world.org.id}/report").status_code == 302
