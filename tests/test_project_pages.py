"""Projects on the web: the list, the forms (every problem at once at its field, 422, typing kept), the
project’s page with its co-financing report, the tag form on an exchange’s page, the CSV and XLSX downloads,
and who may do what. The figures are those of tests/test_cofinancing.py."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from portal.coordination.audit_text import action_label
from portal.extensions import db
from portal.reports.models import Project, ProjectExchange

from .helpers import client_for
from .certificate_helpers import field_error, html, shown_at
from .test_cofinancing import RATES, history, leaflets, project, project_values  # noqa: F401 (fixtures)
from .test_reports import cells

FORM = {"name": "Kopā Latgalē", "funder": "Sabiedrības integrācijas fonds", "number": "2025/12",
        "starts_on": "2025-01-01", "ends_on": "2025-12-31", "cash_eur": "1 250,50", "cash_note": "Biedru nauda",
        "rate_volunteers": "8,00", "rate_premises": "50", "rate_expertise": "", "rate_training": "",
        "rate_methodology": "", "rate_intellectual_other": "", "rate_equipment": "", "rate_vehicle": "",
        "rate_material_other": "", "rate_materials": "0,30"}


def test_a_representative_adds_a_project_with_its_rates(app, world):
    c = client_for(app, world.representative)
    page = html(c.get(f"/orgs/{world.org.id}/projects?lang=en"))
    assert "Baltā māja has no project yet." in page and f'href="/orgs/{world.org.id}/projects/new"' in page
    response = c.post(f"/orgs/{world.org.id}/projects/new?lang=en", data=FORM)
    assert response.status_code == 302
    made = db.session.scalar(sa.select(Project))
    assert response.location.endswith(f"/orgs/{world.org.id}/projects/{made.id}")
    assert (made.name, made.cash_eur, made.cash_note, made.org_id) == ("Kopā Latgalē", Decimal("1250.50"),
                                                                        "Biedru nauda", world.org.id)
    assert {r.category: r.eur for r in made.rates} == {"volunteers": Decimal("8.00"), "premises": Decimal("50.00"),
                                                       "materials": Decimal("0.30")}
    page = html(c.get(response.location + "?lang=en"))
    assert "Project “Kopā Latgalē” added." in page
    assert "No completed exchange is tagged with this project yet." in page
    assert shown_at(page, "total") == "€1,250.50"
    listed = html(c.get(f"/orgs/{world.org.id}/projects?lang=en"))
    assert cells(listed, "projects") == [["Kopā Latgalē", "Sabiedrības integrācijas fonds", "2025/12",
                                          "1 Jan 2025 – 31 Dec 2025", "0"]]


def test_the_form_shows_every_problem_at_once_and_keeps_the_typing(app, world):
    c = client_for(app, world.representative)
    bad = {**FORM, "name": "", "funder": "F" * 201, "starts_on": "2025-06-01", "ends_on": "2025-05-01",
           "cash_eur": "1e9", "rate_volunteers": "99999999", "rate_vehicle": "abc", "number": "N" * 101}
    response = c.post(f"/orgs/{world.org.id}/projects/new?lang=en", data=bad)
    assert response.status_code == 422
    page = html(response)
    assert page.count('class="error"') >= 7 and "<title>Error:" in page
    assert field_error(page, "name", "Enter the project’s name, as the contract gives it.")
    assert field_error(page, "ends_on", "The project must end on or after its first day.")
    assert field_error(page, "cash_eur", "Enter an amount in euros, from 0 to 10 000 000, or leave it empty.")
    assert field_error(page, "rate_volunteers", "Enter a rate in euros, from 0 to 10 000, or leave it empty.")
    assert field_error(page, "rate_vehicle", "Enter a rate in euros, from 0 to 10 000, or leave it empty.")
    assert 'value="abc"' in page and 'value="2025-06-01"' in page and "F" * 201 in page
    far = c.post(f"/orgs/{world.org.id}/projects/new?lang=en", data={**FORM, "ends_on": "9999-12-31"})
    assert far.status_code == 422 and "Enter a date from" in html(far)
    no_note = c.post(f"/orgs/{world.org.id}/projects/new?lang=en", data={**FORM, "cash_note": ""})
    assert no_note.status_code == 422 and field_error(
        html(no_note), "cash_note", "Say where the cash comes from, e.g. the organization’s own funds or the "
                                    "municipality’s grant.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_the_project_page_shows_the_report_and_the_evidence(app, world, history, leaflets, project):
    c = client_for(app, world.member)
    page = html(c.get(f"/orgs/{world.org.id}/projects/{project.id}?lang=en"))
    assert cells(page, "cofinancing-totals") == [
        ["Volunteers", "1", "12 hours", "€8.00", "€96.00"],
        ["Premises or venue", "1", "2 days", "€50.00", "€100.00"],
        ["Equipment", "1", "2 days", "no rate", "€40.00"],
        ["Printed and digital materials", "1", "200 units", "€0.30", "€60.00"]]
    assert (shown_at(page, "in-kind"), shown_at(page, "cash"), shown_at(page, "total")) == (
        "€296.00", "€500.00 · Biedrības līdzekļi", "€796.00")
    for exchange in (history.x1, history.x5, history.x3, leaflets):
        assert f'href="/exchanges/{exchange.id}"' in page
    assert f'href="/exchanges/{history.x4.id}"' not in page  # cancelled
    assert f'/orgs/{world.org.id}/projects/{project.id}/edit' not in page  # a member does not manage


def test_the_csv_and_xlsx_of_the_report(app, world, history, leaflets, project):
    c = client_for(app, world.member)
    response = c.get(f"/orgs/{world.org.id}/projects/{project.id}/report.csv?lang=lv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert f'filename="cofinancing-{world.org.id}-{project.id}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Apmaiņa", "Pēdējā diena", "Virziens"]
    x5 = next(row for row in rows if row[0] == str(history.x5.id))
    assert x5[1:4] == ["2025-03-16", "sniegts", "Sukrums"] and x5[6:10] == ["12,0", "stundas", "8,00", "96,00"]
    assert rows[-1][4] == "Kopā līdzfinansējums" and rows[-1][9] == "796,00"
    assert rows[-2][9] == "500,00" and rows[-3][9] == "296,00"
    sheet = load_workbook(io.BytesIO(c.get(f"/orgs/{world.org.id}/projects/{project.id}/report.xlsx?lang=en")
                                     .data)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:2] == ("Exchange", "Last day")
    line = next(row for row in table if row[0] == leaflets.id)
    assert line[1].date() == date(2025, 9, 1) and line[6] == 200 and line[8] == 0.3 and line[9] == 60
    assert table[-1][4] == "Total co-financing" and table[-1][9] == 796


def test_the_exchange_page_tags_and_untags(app, world, history, project):
    B = client_for(app, world.representative)
    page = html(B.get(f"/exchanges/{history.x6.id}?lang=en"))
    assert 'data-testid="tag-form"' in page and f'<option value="{project.id}"' in page
    # x6 ended on 2026-01-02, a day after the project: a clear message at the field, 422.
    refused = B.post(f"/exchanges/{history.x6.id}/project?lang=en", data={"project": str(project.id)})
    assert refused.status_code == 422
    assert "The project “Kopā Latgalē” runs 1 Jan 2025 – 1 Jan 2026; this exchange (2 Jan 2026) is outside it." \
        in html(refused)
    assert 'data-field="project"' in html(refused)
    assert db.session.scalar(sa.select(ProjectExchange).where(ProjectExchange.exchange_id == history.x6.id)) is None
    # Another organization’s project id is not ours to choose.
    theirs = Project(org_id=world.other_org.id, name="Cits", funder="F", number="", starts_on=date(2020, 1, 1),
                     ends_on=date(2030, 1, 1), cash_note="", created_by_id=world.other_representative.id)
    db.session.add(theirs)
    db.session.commit()
    assert B.post(f"/exchanges/{history.x1.id}/project?lang=en", data={"project": str(theirs.id)}).status_code == 422
    assert B.post(f"/exchanges/{history.x1.id}/project?lang=en", data={"project": ""}).status_code == 422
    assert B.post(f"/exchanges/{history.x1.id}/project?lang=en", data={"project": "9" * 40}).status_code == 422
    cancelled = B.post(f"/exchanges/{history.x4.id}/project?lang=en", data={"project": str(project.id)})
    assert cancelled.status_code == 422 and field_error(
        html(cancelled), "project", "Only requested, accepted or completed exchanges can be tagged with a project.")

    tagged = B.post(f"/exchanges/{history.x1.id}/project?lang=en", data={"project": str(project.id)})
    assert tagged.status_code == 302 and tagged.location.endswith(f"/exchanges/{history.x1.id}#project")
    page = html(B.get(f"/exchanges/{history.x1.id}?lang=en"))
    assert f'href="/orgs/{world.org.id}/projects/{project.id}">Kopā Latgalē</a>' in page
    # Sukrums sees its own side: not in a project of its own; its member sees no form.
    other = html(client_for(app, world.other_member).get(f"/exchanges/{history.x1.id}?lang=en"))
    assert "Not in a project of Sukrums." in other and "Kopā Latgalē" not in other and 'tag-form' not in other
    # B’s member sees the project but may not change it.
    member = client_for(app, world.member)
    assert "Kopā Latgalē" in html(member.get(f"/exchanges/{history.x1.id}?lang=en"))
    assert member.post(f"/exchanges/{history.x1.id}/project/remove").status_code == 403
    assert B.post(f"/exchanges/{history.x1.id}/project/remove?lang=en").status_code == 302
    assert db.session.scalar(sa.select(ProjectExchange).where(ProjectExchange.exchange_id == history.x1.id)) is None
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == history.x1.id,
                                                                   AuditEvent.object_type == "Exchange")
                                 .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["exchange.tagged", "exchange.untagged"]
    with force_locale("en"):
        assert action_label("exchange.tagged") == "Exchange tagged with a project"


def test_edit_archive_and_restore(app, world, history, project):
    c = client_for(app, world.representative)
    form = html(c.get(f"/orgs/{world.org.id}/projects/{project.id}/edit?lang=lv"))
    assert 'value="Kopā Latgalē"' in form and 'value="8,00"' in form and 'value="500,00"' in form
    data = {**FORM, "starts_on": "2025-03-01"}  # x1 (February) is tagged: the period may not leave it out
    refused = c.post(f"/orgs/{world.org.id}/projects/{project.id}/edit?lang=en", data=data)
    assert refused.status_code == 422 and f"#{history.x1.id}" in html(refused)
    assert c.post(f"/orgs/{world.org.id}/projects/{project.id}/edit?lang=en", data=FORM).status_code == 302
    db.session.refresh(project)
    assert project.ends_on == date(2025, 12, 31) and project.rate_for("premises") == Decimal("50.00")
    assert c.post(f"/orgs/{world.org.id}/projects/{project.id}/archive").status_code == 302
    listed = html(c.get(f"/orgs/{world.org.id}/projects?lang=en"))
    assert "Archived projects" in listed and "has no project yet" in listed
    page = html(c.get(f"/exchanges/{world.accepted_exchange.id}?lang=en"))
    assert "Your organization has no active project." in page
    assert c.post(f"/orgs/{world.org.id}/projects/{project.id}/restore").status_code == 302
    db.session.refresh(project)
    assert not project.is_archived


def test_another_organization_gets_404_and_the_links_lead_to_projects(app, world, history, project):
    other = client_for(app, world.other_member)
    base = f"/orgs/{world.org.id}/projects"
    for url in (base, f"{base}/{project.id}", f"{base}/{project.id}/report.csv", f"{base}/{project.id}/edit"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"{base}/{project.id}/archive").status_code == 404
    # A project reached through another organization’s address is not found either.
    assert client_for(app, world.other_representative).get(
        f"/orgs/{world.other_org.id}/projects/{project.id}").status_code == 404
    coordinator = client_for(app, world.coordinator)
    assert coordinator.get(f"{base}/{project.id}").status_code == 200
    assert coordinator.get(f"{base}/{project.id}/edit").status_code == 403
    member = client_for(app, world.member)
    report = html(member.get(f"/orgs/{world.org.id}/report?lang=en"))
    assert f'href="{base}"' in report
    assert 'href="/projects" aria-current="page"' in html(member.get(f"{base}?lang=en"))


@pytest.mark.parametrize("field,limit", [("name", 200), ("funder", 200), ("number", 100), ("cash_note", 300)])
def test_the_longest_values_fit(app, world, field, limit):
    c = client_for(app, world.representative)
    assert c.post(f"/orgs/{world.org.id}/projects/new", data={**FORM, field: "Ā" * limit}).status_code == 302
    assert c.post(f"/orgs/{world.org.id}/projects/new", data={**FORM, field: "Ā" * (limit + 1)}).status_code == 422


def test_the_largest_numbers_and_farthest_dates_fit(app, world):
    c = client_for(app, world.representative)
    data = {**FORM, "cash_eur": "10 000 000", "starts_on": "2000-01-01",
            "ends_on": date.today().replace(year=date.today().year + 10).isoformat(),
            **{f"rate_{category}": "10000" for category in ("volunteers", "premises", "materials")}}
    assert c.post(f"/orgs/{world.org.id}/projects/new", data=data).status_code == 302
    made = db.session.scalar(sa.select(Project))
    assert made.cash_eur == Decimal("10000000.00") and made.rate_for("materials") == Decimal("10000.00")


def test_what_was_typed_is_shown_escaped_everywhere(app, world, history):
    from .security_helpers import RAW, assert_no_raw_payload

    c = client_for(app, world.representative)
    typed = {**FORM, "name": RAW + "n", "funder": RAW + "f", "number": (RAW + "#")[:100], "cash_note": RAW + "c",
             "ends_on": "2026-12-31"}
    assert c.post(f"/orgs/{world.org.id}/projects/new", data=typed).status_code == 302
    made = db.session.scalar(sa.select(Project))
    assert c.post(f"/exchanges/{history.x1.id}/project", data={"project": str(made.id)}).status_code == 302
    for url in (f"/orgs/{world.org.id}/projects", f"/orgs/{world.org.id}/projects/{made.id}",
                f"/orgs/{world.org.id}/projects/{made.id}/edit", f"/exchanges/{history.x1.id}"):
        body = html(c.get(url))
        assert_no_raw_payload(body, url)
        assert "&lt;script&gt;alert(1)" in body, url
