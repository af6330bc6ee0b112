"""The co-financing report of a project (portal/reports/cofinancing.py) and the tags behind it
(portal/reports/projects.py), against the hand-counted history of tests/report_world.py.

Baltā māja’s project "Kopā Latgalē" runs 2025-01-01 … 2026-01-01, at 8.00 € an hour of volunteers, 50.00 € a day
of premises, 0.30 € a printed unit; no rate for equipment; 500.00 € of cash (own funds).

    tagged by B   category     direction  quantity (one side)  value        after the confirmations
    x1            premises     given      2 days × 50.00       100.00       agreed: 100.00
    x5            volunteers   given      12 h × 8.00          96.00        disputed, 10 h: 80.00
    x3            equipment    received   2 days, no rate      40.00        no-show: 0 days, 0.00
    x7 (leaflets) materials    received   200 units × 0.30     60.00        60.00
    x4            (cancelled after it was tagged)              —
    x2 (2024-12-31) and x6 (2026-01-02): outside the period, refused; x6 fits once the project ends 01-02.
    in kind 296.00, cash 500.00, total 796.00  →  after the confirmations 240.00 and 740.00

Sukrums tags x1 with its own project: B’s report does not change; Sukrums’s counts x1 as received.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.errors import NotAllowed, RuleViolation
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.reports import cofinancing, projects
from portal.reports.models import ProjectExchange

from .factories import make_resource
from .report_world import build_history, confirm_history

RATES = {"volunteers": Decimal("8.00"), "premises": Decimal("50.00"), "materials": Decimal("0.30")}


def project_values(**overrides) -> dict:
    values = {"name": "Kopā Latgalē", "funder": "Sabiedrības integrācijas fonds, NVO fonds", "number": "2025.LV/NVOF/12",
              "starts_on": date(2025, 1, 1), "ends_on": date(2026, 1, 1), "cash_eur": Decimal("500.00"),
              "cash_note": "Biedrības līdzekļi"}
    values.update(overrides)
    return values


@pytest.fixture
def history(world):
    return build_history(world)


@pytest.fixture
def leaflets(world):
    """x7: Sukrums gives Baltā māja 200 printed leaflets, priced per unit, on 2025-09-01."""
    C = world.other_representative
    resource = make_resource(C, title="Bukleti", category="materials", quantity=500, unit="gab.", handover="pickup",
                             value_eur=Decimal("0.50"), value_unit="unit")
    exchange = exchanges.request_exchange(world.member, resource, starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 1),
                                          quantity=200, hours=None, purpose="Informatīvā kampaņa", message="",
                                          today=date(2025, 8, 20))
    exchanges.accept(C, exchange, today=date(2025, 8, 20))
    exchanges.complete(world.member, exchange, value_units=Decimal("200"), value_eur=Decimal("100.00"),
                       today=date(2025, 9, 1))
    db.session.commit()
    return exchange


@pytest.fixture
def project(world, history, leaflets):
    B = world.representative
    made = projects.create_project(B, world.org, project_values(), RATES)
    for exchange in (history.x1, history.x5, history.x3, leaflets):
        projects.tag_exchange(B, exchange, made)
    # x4 was tagged while it was accepted, then cancelled.
    db.session.add(ProjectExchange(exchange_id=history.x4.id, org_id=world.org.id, project_id=made.id,
                                   tagged_by_id=B.id))
    db.session.commit()
    return made


def figures(report):
    return [(line.exchange.id, line.category, line.gave, line.quantity, line.rate, line.value, line.valued)
            for line in report.lines]


def test_the_report_counts_the_tagged_completed_exchanges_at_the_projects_rates(app, world, history, leaflets,
                                                                             project):
    report = cofinancing.cofinancing_report(project)
    assert figures(report) == [
        (history.x1.id, "premises", True, Decimal("2"), Decimal("50.00"), Decimal("100.00"), "rate"),
        (history.x5.id, "volunteers", True, Decimal("12"), Decimal("8.00"), Decimal("96.00"), "rate"),
        (leaflets.id, "materials", False, Decimal("200"), Decimal("0.30"), Decimal("60.00"), "rate"),
        (history.x3.id, "equipment", False, Decimal("2"), None, Decimal("40.00"), "exchange"),
    ]
    assert [(t.category, t.unit, t.exchanges, t.quantity, t.value) for t in report.categories] == [
        ("volunteers", "hour", 1, Decimal("12"), Decimal("96.00")),
        ("premises", "day", 1, Decimal("2"), Decimal("100.00")),
        ("equipment", "day", 1, Decimal("2"), Decimal("40.00")),
        ("materials", "unit", 1, Decimal("200"), Decimal("60.00")),
    ]
    assert (report.in_kind, report.cash, report.total) == (Decimal("296.00"), Decimal("500.00"), Decimal("796.00"))
    assert report.not_counted == []  # the cancelled x4 is neither counted nor waiting


def test_the_confirmed_figures_count_a_dispute_the_lower_ones_a_no_show_nothing(app, world, history, project):
    confirm_history(world, history)
    report = cofinancing.cofinancing_report(project)
    by_id = {line.exchange.id: line for line in report.lines}
    assert (by_id[history.x5.id].quantity, by_id[history.x5.id].value) == (Decimal("10"), Decimal("80.00"))
    assert (by_id[history.x3.id].quantity, by_id[history.x3.id].value) == (Decimal("0"), Decimal("0.00"))
    assert by_id[history.x1.id].value == Decimal("100.00")
    assert (report.in_kind, report.total) == (Decimal("240.00"), Decimal("740.00"))


def test_the_period_must_cover_the_exchange(app, world, history, project):
    B = world.representative
    for outside, day in ((history.x2, "31.12.2024."), (history.x6, "2.01.2026.")):  # the day before, after
        with pytest.raises(RuleViolation) as refused:
            projects.tag_exchange(B, outside, project)
        assert refused.value.field == "project"
        assert str(refused.value.message).startswith(
            f"Projekts „Kopā Latgalē” norit 1.01.2025. – 1.01.2026.; šī apmaiņa ({day}) ir ārpus tā.")
    # The last day of the period counts: a project ending on 2026-01-02 takes x6.
    projects.update_project(B, project, project_values(ends_on=date(2026, 1, 2)), RATES)
    projects.tag_exchange(B, history.x6, project)
    line = next(line for line in cofinancing.cofinancing_report(project).lines if line.exchange.id == history.x6.id)
    assert (line.category, line.quantity, line.value, line.valued) == ("expertise", Decimal("3"), Decimal("45.00"),
                                                                       "exchange")
    # Now the period cannot shrink below it, and the message names the exchange.
    with pytest.raises(RuleViolation) as refused:
        projects.check_project(B, world.org, project, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
                               cash_eur=None, cash_note="")
    assert set(refused.value.field_messages) == {"ends_on"}
    assert f"#{history.x6.id}" in str(refused.value.field_messages["ends_on"])


def test_an_untagged_exchange_and_the_other_sides_project_are_not_counted(app, world, history, project):
    C = world.other_representative
    theirs = projects.create_project(C, world.other_org, project_values(name="Jaunieši", cash_eur=None, cash_note=""),
                                     {"premises": Decimal("30.00")})
    projects.tag_exchange(C, history.x1, theirs)  # the same exchange, in Sukrums’s own project
    db.session.commit()
    ours = cofinancing.cofinancing_report(project)
    assert history.x1.id in [line.exchange.id for line in ours.lines] and ours.in_kind == Decimal("296.00")
    assert history.x6.id not in [line.exchange.id for line in ours.lines]  # never tagged
    their_report = cofinancing.cofinancing_report(theirs)
    assert figures(their_report) == [(history.x1.id, "premises", False, Decimal("2"), Decimal("30.00"),
                                      Decimal("60.00"), "rate")]
    assert (their_report.cash, their_report.total) == (Decimal("0"), Decimal("60.00"))
    # Neither side may tag with the other’s project, nor tag an exchange it is not a party to.
    with pytest.raises(RuleViolation):
        projects.tag_exchange(C, history.x5, project)
    with pytest.raises(NotAllowed):
        projects.tag_exchange(world.coordinator, history.x1, theirs)
    # Untagging takes it out of the report.
    projects.untag_exchange(world.representative, history.x1)
    assert history.x1.id not in [line.exchange.id for line in cofinancing.cofinancing_report(project).lines]
    assert projects.tag_of(history.x1, world.other_org.id).project_id == theirs.id


def test_an_exchange_not_yet_completed_waits_and_a_tag_moves(app, world, history, project):
    B = world.representative
    accepted = world.accepted_exchange  # B’s hall, in ten days
    now = projects.create_project(B, world.org, project_values(
        name="Šogad", starts_on=date.today() - timedelta(days=30), ends_on=date.today() + timedelta(days=365)), {})
    projects.tag_exchange(B, accepted, now)
    report = cofinancing.cofinancing_report(now)
    assert report.lines == [] and report.not_counted == [accepted]
    # One project per side: tagging again moves it.
    later = projects.create_project(B, world.org, project_values(
        name="Vēlāk", starts_on=date.today(), ends_on=date.today() + timedelta(days=365)), {})
    projects.tag_exchange(B, accepted, later)
    assert cofinancing.cofinancing_report(now).not_counted == []
    assert cofinancing.cofinancing_report(later).not_counted == [accepted]
    # An archived project takes no new tags.
    projects.archive_project(B, later)
    with pytest.raises(RuleViolation):
        projects.tag_exchange(B, accepted, later)


def test_only_a_representative_manages_projects_and_tags(app, world, history, project):
    with pytest.raises(NotAllowed):
        projects.create_project(world.member, world.org, project_values(), {})
    with pytest.raises(NotAllowed):
        projects.tag_exchange(world.member, history.x1, project)
    with pytest.raises(NotAllowed):
        projects.create_project(world.coordinator, world.org, project_values(), {})


def test_the_project_rules_give_every_problem_at_once(app, world):
    with pytest.raises(RuleViolation) as refused:
        projects.check_project(world.representative, world.org, starts_on=date(2025, 6, 1), ends_on=date(2025, 5, 1),
                               cash_eur=Decimal("100"), cash_note=" ")
    assert set(refused.value.field_messages) == {"ends_on", "cash_note"}


def test_rates_are_kept_changed_and_removed(app, world, project):
    B = world.representative
    assert {rate.category: rate.eur for rate in project.rates} == RATES
    projects.update_project(B, project, project_values(), {"volunteers": Decimal("9.50"), "vehicle": Decimal("40")})
    db.session.commit()
    db.session.refresh(project)
    assert {rate.category: rate.eur for rate in project.rates} == {"volunteers": Decimal("9.50"),
                                                                   "vehicle": Decimal("40.00")}


def test_two_representatives_tagging_at_once_make_one_tag(app, world, history, project):
    from portal.accounts.models import REPRESENTATIVE, User
    from portal.exchanges.models import Exchange
    from portal.reports.models import Project
    from sqlalchemy import func, select

    from .factories import make_user
    from .agreement_helpers import at_once

    second = make_user(world.org, REPRESENTATIVE, email="rep2@example.org", name="Ilze Ozola")
    other = projects.create_project(second, world.org, project_values(name="Otrs"), {})
    projects.untag_exchange(world.representative, history.x1)
    db.session.commit()
    people, project_ids, exchange_id = (world.representative.id, second.id), (project.id, other.id), history.x1.id

    def tag(i):
        return lambda: projects.tag_exchange(db.session.get(User, people[i]), db.session.get(Exchange, exchange_id),
                                             db.session.get(Project, project_ids[i])).project_id

    results = at_once(app, tag(0), tag(1))
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ProjectExchange).where(
        ProjectExchange.exchange_id == exchange_id, ProjectExchange.org_id == world.org.id)) == 1
    assert projects.tag_of(history.x1, world.org.id).project_id in project_ids
