"""Hours of volunteer work outside the portal, entered by hand for the volunteer report: counted with the place's
exchanges, shown and downloaded apart and marked as entered by hand; entered and removed by the organization's
representatives only; bounded like the rest of the portal; every problem of the form at once, in Latvian."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.reports import services, volunteer_hours
from portal.reports.models import VolunteerHours

from .helpers import client_for
from .report_world import build_history


@pytest.fixture
def history(world):
    """The hand-counted history, and B's work outside the portal (hand-counted with it):

        place            from        to          volunteers  hours  note
        livani           2025-04-01  2025-04-30  4           20     a typed place, the same as the exchange's "Līvāni"
        Preiļu novads    2025-09-06  2025-09-06  2           6.5    Talka
        Līvāni           2024-05-01  2024-05-31  9           40     another year
    """
    h = build_history(world)
    add = lambda place, start, end, n, hours, note="": volunteer_hours.add_entry(  # noqa: E731
        world.representative, world.org, place=place, starts_on=start, ends_on=end, volunteers=n,
        hours=Decimal(hours), note=note)
    h.entries = [add("livani", date(2025, 4, 1), date(2025, 4, 30), 4, "20"),
                 add("Preiļu novads", date(2025, 9, 6), date(2025, 9, 6), 2, "6.5", "Talka"),
                 add("Līvāni", date(2024, 5, 1), date(2024, 5, 31), 9, "40")]
    db.session.commit()
    return h


def test_the_report_counts_them_with_the_place_and_shows_them_apart(app, world, history):
    report = services.volunteer_report(world.org, 2025)
    assert [(p.place, p.volunteers, p.hours, p.entered_volunteers, p.entered_hours) for p in report.places] == [
        ("Līvāni", 5, Decimal("32"), 4, Decimal("20")),  # x5 (1 volunteer, 12 h) and the hand entry
        ("Preiļu novads", 2, Decimal("6.5"), 2, Decimal("6.5")),
    ]
    assert (report.volunteers, report.hours, report.entered_volunteers, report.entered_hours) == (
        7, Decimal("38.5"), 6, Decimal("26.5"))
    assert [e.id for e in report.entries] == [history.entries[0].id, history.entries[1].id]
    assert services.volunteer_report(world.org, 2024).hours == Decimal("40")  # the other year's
    assert services.volunteer_report(world.other_org, 2025).places == []  # B's hours are B's


def test_the_page_and_the_downloads_mark_them_as_entered_by_hand(app, world, history):
    c = client_for(app, world.member)
    html = c.get(f"/orgs/{world.org.id}/report/volunteers?year=2025&lang=lv").get_data(as_text=True)
    places = re.search(r'data-testid="volunteer-places".*?</table>', html, re.S).group(0)
    assert "ievadīts ar roku" in places and "brīvprātīgie: 4, stundas: 20" in places
    assert re.search(r'data-testid="volunteer-total".*?brīvprātīgie: 6, stundas: 26,5', places, re.S)
    assert f'data-testid="entry-{history.entries[1].id}"' in html and "Talka" in html
    assert 'data-testid="hours-form"' not in html and "/remove" not in html  # a member reads, never enters

    rows = list(csv.reader(io.StringIO(c.get(f"/orgs/{world.org.id}/report/volunteers.csv?year=2025&lang=lv")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Brīvprātīgā darba vieta", "Brīvprātīgie", "Stundas", "Apmaiņas",
                       "Ar roku ievadītie brīvprātīgie", "Ar roku ievadītās stundas", "Ievadīts ar roku"]
    assert rows[1] == ["Līvāni", "5", "32,0", f"#{history.x5.id}", "4", "20,0", "2025-04-01–2025-04-30"]
    assert rows[2] == ["Preiļu novads", "2", "6,5", "", "2", "6,5", "2025-09-06–2025-09-06 Talka"]
    assert rows[3] == ["Kopā", "7", "38,5", "", "6", "26,5", ""]
    sheet = load_workbook(io.BytesIO(c.get(f"/orgs/{world.org.id}/report/volunteers.xlsx?year=2025").data)).active
    assert list(sheet.iter_rows(values_only=True))[1][:6] == ("Līvāni", 5, 32, f"#{history.x5.id}", 4, 20)


def field_errors(html: str) -> dict:
    return dict(re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html))


def test_every_problem_of_the_form_at_once_in_latvian_with_the_typing_kept(app, world):
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/report/volunteers/hours?year=2025&lang=lv", data={
        "place": "", "starts_on": "2025-12-01", "ends_on": "2026-01-10", "volunteers": "²", "hours": "2000,1",
        "note": "Ziemassvētku tirdziņš"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html) == {
        "place": "Norādiet, kur brīvprātīgie strādāja.",
        "ends_on": "Periodam jābūt viena gada robežās, jo pārskats ir gada pārskats: katru gadu ievadiet atsevišķi.",
        "volunteers": "Ievadiet brīvprātīgo skaitu no 1 līdz 10000.",
        "hours": "Ievadiet stundu skaitu no 0,5 līdz 2000.",
    }
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    assert set(re.findall(r'href="#([a-z_]+)"', summary)) == {"place", "ends_on", "volunteers", "hours"}
    assert 'value="2000,1"' in html and 'value="Ziemassvētku tirdziņš"' in html and 'value="2026-01-10"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerHours)) == 0


@pytest.mark.parametrize("hours, accepted", [("0,4", False), ("0,5", True), ("2000", True), ("2000.1", False),
                                             ("1e400", False), ("Infinity", False)])
def test_hours_are_bounded_like_the_rest_of_the_portal(app, world, hours, accepted):
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/report/volunteers/hours", data={
        "place": "Līvāni", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "volunteers": "1", "hours": hours})
    assert response.status_code == (302 if accepted else 200)
    if not accepted:
        assert "hours" in field_errors(response.get_data(as_text=True))


def test_a_date_in_the_future_is_refused(app, world):
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/report/volunteers/hours", data={
        "place": "Līvāni", "starts_on": "2025-01-01", "ends_on": "2099-12-31", "volunteers": "1", "hours": "3"})
    assert response.status_code == 200 and "ends_on" in field_errors(response.get_data(as_text=True))


def test_the_representative_adds_and_removes_and_the_audit_log_keeps_it(app, world):
    client = client_for(app, world.representative)
    response = client.post(f"/orgs/{world.org.id}/report/volunteers/hours?year=2025", data={
        "place": "Rēzekne", "starts_on": "2025-02-01", "ends_on": "2025-02-28", "volunteers": "3", "hours": "10,5"})
    assert response.status_code == 302 and response.location.endswith(
        f"/orgs/{world.org.id}/report/volunteers?year=2025#entered")
    entry = db.session.scalars(sa.select(VolunteerHours)).one()
    assert (entry.place, entry.volunteers, entry.hours, entry.created_by_id) == (
        "Rēzekne", 3, Decimal("10.5"), world.representative.id)
    html = client.get(f"/orgs/{world.org.id}/report/volunteers?year=2025").get_data(as_text=True)
    assert f"/report/volunteers/hours/{entry.id}/remove" in html

    assert client.post(f"/orgs/{world.org.id}/report/volunteers/hours/{entry.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerHours)) == 0
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("volunteer_hours.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["volunteer_hours.added", "volunteer_hours.removed"]
    audit = client_for(app, world.coordinator).get("/coordination/audit?lang=lv").get_data(as_text=True)
    assert "Ar roku ievadītās brīvprātīgā darba stundas noņemtas" in audit and "Rēzekne" in audit


def test_only_its_representatives_enter_them_and_no_other_organization_reaches_them(app, world, history):
    entry = history.entries[0]
    url = f"/orgs/{world.org.id}/report/volunteers/hours"
    data = {"place": "Līvāni", "starts_on": "2025-01-01", "ends_on": "2025-01-31", "volunteers": "1", "hours": "2"}
    assert client_for(app, world.member).post(url, data=data).status_code == 403
    coordinator = client_for(app, world.coordinator)
    assert coordinator.post(url, data=data).status_code == 403
    assert coordinator.post(f"{url}/{entry.id}/remove").status_code == 403
    page = coordinator.get(f"/orgs/{world.org.id}/report/volunteers?year=2025").get_data(as_text=True)
    assert f'data-testid="entry-{entry.id}"' in page and 'data-testid="hours-form"' not in page
    outsider = client_for(app, world.other_representative)
    assert outsider.post(url, data=data).status_code == 404
    assert outsider.post(f"{url}/{entry.id}/remove").status_code == 404
    # Through its own organization's address the entry of another is simply not there.
    assert outsider.post(f"/orgs/{world.other_org.id}/report/volunteers/hours/{entry.id}/remove").status_code == 404
    assert db.session.get(VolunteerHours, entry.id) is not None
    assert "livani" not in outsider.get(f"/orgs/{world.other_org.id}/report/volunteers?year=2025").get_data(
        as_text=True)
