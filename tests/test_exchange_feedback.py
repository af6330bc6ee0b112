"""Feedback after an exchange: each side confirms what happened; the figures that count (the lower where the sides
differ, marked as disputed) feed the ledger, the reports and the statistics; a disagreement is seen by both sides
and the coordinators, never by a third organization; the other side is told; the time for it ends."""
import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.exchanges import confirmations, services
from portal.exchanges.confirmations import Figures, give_feedback
from portal.errors import RuleViolation
from portal.exchanges.models import AGREED, DISPUTED, ONE_SIDE, Exchange, ExchangeFeedback
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import periods, services as reports, statistics
from portal.reports.periods import period_of

from .factories import MEMBER, make_org, make_resource, make_user, request_exchange
from .helpers import client_for, outbox
from .report_world import build_history, confirm_history


@pytest.fixture
def lecture(world):
    return accepted_lecture(world)


def accepted_lecture(world) -> Exchange:
    """B's volunteers, priced by the hour, requested by C: 3 people, 12 hours, ended yesterday."""
    resource = make_resource(world.representative, title="Brīvprātīgie festivālam", kind="intellectual",
                             category="volunteers", handover="", format="in_person", location="Preiļi",
                             quantity=5, value_eur=Decimal("8"), value_unit="hour")
    exchange = request_exchange(world.other_member, resource, quantity=3, hours=Decimal("12"))
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    db.session.commit()
    return exchange


def completed(exchange, actor, **figures):
    services.complete(actor, exchange, value_units=figures.pop("value_units", Decimal("12")),
                      value_eur=figures.pop("value_eur", Decimal("96")), **figures)
    db.session.commit()
    return exchange


def counted(exchange):
    db.session.expire_all()
    e = db.session.get(Exchange, exchange.id)
    return e.feedback_state, e.used_quantity, e.used_hours, e.value_units, e.value_eur


# ---------------------------------------------------------------- the rule

def test_one_side_counts_until_the_other_confirms_the_same(world, lecture):
    completed(lecture, world.other_member)
    assert counted(lecture) == (ONE_SIDE, 3, Decimal("12"), Decimal("12"), Decimal("96"))
    give_feedback(world.member, lecture, Figures("as_agreed", 3, None, Decimal("12"), Decimal("96")))
    db.session.commit()
    assert counted(lecture) == (AGREED, 3, Decimal("12"), Decimal("12"), Decimal("96"))


def test_different_figures_count_the_lower_of_each_and_are_disputed(world, lecture):
    completed(lecture, world.other_member, quantity=2, value_units=Decimal("12"), value_eur=Decimal("96"))
    give_feedback(world.representative, lecture, Figures("as_agreed", 3, None, Decimal("10"), Decimal("120")))
    db.session.commit()
    # quantity min(2, 3), hours and units min(12, 10), value min(96, 120)
    assert counted(lecture) == (DISPUTED, 2, Decimal("10"), Decimal("10"), Decimal("96"))


def test_a_no_show_on_one_side_counts_nothing_and_is_disputed(world, lecture):
    completed(lecture, world.other_member)
    give_feedback(world.representative, lecture, Figures("no_show", comment="Neviens neieradās."))
    db.session.commit()
    assert counted(lecture) == (DISPUTED, 0, Decimal("0"), Decimal("0"), Decimal("0"))
    assert reports.volunteer_report(world.org, lecture.ends_on.year).places == []  # nobody worked


def test_both_sides_saying_no_show_agree_on_nothing(world, lecture):
    completed(lecture, world.other_member, outcome="no_show")
    give_feedback(world.representative, lecture, Figures("no_show"))
    db.session.commit()
    assert counted(lecture) == (AGREED, 0, Decimal("0"), Decimal("0"), Decimal("0"))


def test_a_value_only_one_side_gave_is_no_disagreement(world, lecture):
    completed(lecture, world.other_member, value_eur=None)
    give_feedback(world.representative, lecture, Figures("as_agreed", 3, None, Decimal("12"), Decimal("96")))
    db.session.commit()
    assert counted(lecture) == (AGREED, 3, Decimal("12"), Decimal("12"), Decimal("96"))


def test_changing_ones_confirmation_ends_the_dispute(world, lecture):
    completed(lecture, world.other_member)
    give_feedback(world.representative, lecture, Figures("as_agreed", 3, None, Decimal("10"), Decimal("80")))
    db.session.commit()
    assert counted(lecture)[0] == DISPUTED
    give_feedback(world.other_representative, lecture, Figures("as_agreed", 3, None, Decimal("10"), Decimal("80")))
    db.session.commit()
    assert counted(lecture) == (AGREED, 3, Decimal("10"), Decimal("10"), Decimal("80"))
    rows = db.session.scalars(sa.select(ExchangeFeedback).where(ExchangeFeedback.exchange_id == lecture.id)).all()
    assert len(rows) == 2  # one account per side, replaced, never a second one


def test_the_time_for_confirmations_ends(world, lecture):
    completed(lecture, world.other_member)
    until = confirmations.open_until(lecture)
    assert until == confirmations.completed_on(lecture) + timedelta(days=30)
    with pytest.raises(RuleViolation) as refused:
        give_feedback(world.representative, lecture, Figures("as_agreed"), today=until + timedelta(days=1))
    assert "galīgi" in str(refused.value.message)
    db.session.rollback()
    give_feedback(world.representative, lecture, Figures("as_agreed"), today=until)  # the last day still counts


def test_before_completion_nothing_is_confirmed(world, lecture):
    with pytest.raises(RuleViolation):
        give_feedback(world.representative, lecture, Figures("as_agreed"))


# ---------------------------------------------------------------- the hand-counted history

@pytest.fixture
def confirmed_history(world):
    history = build_history(world)
    confirm_history(world, history)
    return history


def test_the_reports_count_the_confirmed_figures(app, world, confirmed_history):
    h = confirmed_history
    report = reports.org_report(world.org, period_of(periods.YEAR, date(2025, 1, 1)))
    # x1 agreed at 160.00 (2 days); x5 disputed: 10 h and 80.00, the lower of B's and C's.
    assert (report.given.value, report.given.hours, report.given.days) == (Decimal("240.00"), Decimal("10"), 2)
    # x3: C says nobody came for the sound kit: nothing counts, though it stays listed as disputed.
    assert [line.exchange.id for line in report.received.lines] == [h.x3.id]
    assert (report.received.value, report.received.days) == (Decimal("0"), 0)
    volunteers = reports.volunteer_report(world.org, 2025)
    assert [(p.place, p.volunteers, p.hours) for p in volunteers.places] == [("Līvāni", 1, Decimal("10"))]
    s = statistics.network_statistics(period_of(periods.YEAR, date(2025, 6, 1)), today=date(2026, 12, 1))
    assert (s.headline.completed, s.headline.value_eur) == (3, Decimal("240.00"))
    assert s.confirmations == {"agreed": 1, "one_side": 0, "disputed": 2, "resolved": 0}
    assert [d.id for d in s.disputed] == [h.x5.id, h.x3.id] and s.disputed_count == 2
    x5 = s.disputed[0]
    assert [(side.org_name, side.outcome, side.hours, side.value_eur) for side in x5.sides] == [
        ("Baltā māja", "not_as_agreed", Decimal("10"), Decimal("80.00")),
        ("Sukrums", "as_agreed", Decimal("12"), Decimal("96.00"))]
    assert (x5.value_eur, x5.hours) == (Decimal("80.00"), Decimal("10"))


def test_the_downloads_and_the_ledger_mark_the_disputed(app, world, confirmed_history):
    h = confirmed_history
    c = client_for(app, world.member)
    rows = list(csv.reader(io.StringIO(c.get(f"/orgs/{world.org.id}/report.csv?period=year&at=2025&lang=lv")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    by_id = {row[1]: row for row in rows[1:]}
    assert rows[0][-1] == "Apstiprinājums"
    assert by_id[str(h.x1.id)][-4:] == ["160,00", "0", "2", "apstiprināja abas puses"]
    assert by_id[str(h.x5.id)][-4:] == ["80,00", "10,0", "0", "strīdā: uzskaitē mazākie skaitļi"]
    assert by_id[str(h.x3.id)][-4:] == ["0,00", "0", "0", "strīdā: uzskaitē mazākie skaitļi"]
    volunteers = list(csv.reader(io.StringIO(c.get(f"/orgs/{world.org.id}/report/volunteers.csv?year=2025&lang=lv")
                                             .data.decode("utf-8-sig")), delimiter=";"))
    assert volunteers[1][:4] == ["Līvāni", "1", "10,0", f"#{h.x5.id} (strīdā)"]
    ledger = list(csv.reader(io.StringIO(c.get("/ledger.csv?start=2025-01-01&end=2025-12-31&lang=en")
                                         .data.decode("utf-8-sig"))))
    assert ledger[0][-1] == "Confirmation"
    assert {row[0]: row[-1] for row in ledger[1:]} == {
        str(h.x1.id): "confirmed by both sides", str(h.x5.id): "disputed: the lower figures count",
        str(h.x3.id): "disputed: the lower figures count"}


# ---------------------------------------------------------------- who sees a disagreement

def test_a_disagreement_is_seen_by_both_sides_and_the_coordinators_never_by_a_third(app, world, lecture):
    completed(lecture, world.other_member)
    give_feedback(world.member, lecture, Figures("no_show", comment="Neviens neieradās."))
    db.session.commit()
    for person in (world.member, world.representative, world.other_member, world.other_representative):
        html = client_for(app, person).get(f"/exchanges/{lecture.id}?lang=lv").get_data(as_text=True)
        assert 'data-testid="disputed"' in html and "Strīdā" in html, person.email
        assert "Nenotika (neieradās)" in html and "Neviens neieradās." in html
    coordinator = client_for(app, world.coordinator)
    page = coordinator.get(f"/coordination/statistics?period=all&lang=lv").get_data(as_text=True)
    row = re.search(rf'<tr data-testid="dispute-{lecture.id}">.*?</tr>', page, re.S).group(0)
    assert "Baltā māja: Nenotika (neieradās)" in row and "Sukrums: Noritēja, kā norunāts" in row
    assert "Neviens neieradās." not in page  # the comment is the sides' own
    assert coordinator.get(f"/exchanges/{lecture.id}").status_code == 404  # the exchange stays the parties'

    third_org = make_org("Trešā biedrība")
    third = make_user(third_org, MEMBER, email="third@example.org")
    db.session.commit()
    outsider = client_for(app, third)
    assert outsider.get(f"/exchanges/{lecture.id}").status_code == 404
    assert outsider.get("/coordination/statistics?period=all").status_code == 403
    for url in (f"/orgs/{world.org.id}/report?period=all", f"/orgs/{world.other_org.id}/report?period=all"):
        assert outsider.get(url).status_code == 404
    for url in ("/ledger", "/reports?period=all", "/exchanges", "/notifications"):
        body = outsider.get(url, follow_redirects=True).get_data(as_text=True)
        assert "Brīvprātīgie festivālam" not in body, url
    assert outsider.post(f"/exchanges/{lecture.id}/feedback", data={"outcome": "as_agreed"}).status_code == 404


# ---------------------------------------------------------------- the form

def field_errors(html: str) -> dict:
    return dict(re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html))


def test_the_feedback_form_shows_every_problem_at_once_in_latvian_with_the_typing_kept(app, world, lecture):
    completed(lecture, world.other_member)
    client = client_for(app, world.representative)
    response = client.post(f"/exchanges/{lecture.id}/feedback?lang=lv", data={
        "outcome": "not_as_agreed", "quantity": "9", "value_units": "1e400", "value_eur": "-5", "feedback": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = field_errors(html)
    assert errors == {
        "quantity": "Ne vairāk kā 5: vairāk resursa nav.",
        "value_units": "Ievadiet stundu skaitu no 0,5 līdz 2000.",
        "value_eur": "Ievadiet summu, kas ir 0 vai lielāka.",
        "feedback": "Uzrakstiet, kas nebija tā, kā norunāts.",
    }, errors
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    assert set(re.findall(r'href="#([a-z_]+)"', summary)) == set(errors)
    assert "<title>Kļūda: " in html
    assert 'value="1e400"' in html and 'value="9"' in html and re.search(r'<input checked id="outcome-1"[^>]*value="not_as_agreed"', html)
    assert counted(lecture)[0] == ONE_SIDE  # nothing stored


def test_an_empty_feedback_asks_for_the_figures_but_a_no_show_does_not(app, world, lecture):
    completed(lecture, world.other_member)
    client = client_for(app, world.representative)
    errors = field_errors(client.post(f"/exchanges/{lecture.id}/feedback?lang=lv", data={}).get_data(as_text=True))
    assert set(errors) == {"outcome", "quantity", "value_units"}, errors
    response = client.post(f"/exchanges/{lecture.id}/feedback", data={"outcome": "no_show", "quantity": "²"})
    assert response.status_code == 302
    assert counted(lecture)[:2] == (DISPUTED, 0)


def test_the_page_prefills_the_other_sides_figures_and_then_ours(app, world, lecture):
    completed(lecture, world.other_member, quantity=2, value_units=Decimal("9"), value_eur=Decimal("72"))
    client = client_for(app, world.member)
    html = client.get(f"/exchanges/{lecture.id}?lang=en").get_data(as_text=True)
    form = re.search(r'<form[^>]*data-testid="feedback-form".*?</form>', html, re.S).group(0)
    assert 'name="quantity"' in form and 'value="2"' in form and 'value="9.00"' in form and 'value="72.00"' in form
    assert "Confirm what happened" in form
    assert client.post(f"/exchanges/{lecture.id}/feedback", data={
        "outcome": "as_agreed", "quantity": "2", "value_units": "9", "value_eur": "72"}).status_code == 302
    assert counted(lecture)[0] == AGREED
    html = client.get(f"/exchanges/{lecture.id}?lang=en").get_data(as_text=True)
    assert "Change our confirmation" in html and 'data-testid="agreed"' in html


# ---------------------------------------------------------------- telling the other side

def test_the_completion_asks_the_other_side_and_their_answer_is_told_back(app, world, lecture):
    client_for(app, world.other_member).post(f"/exchanges/{lecture.id}/complete", data={
        "outcome": "as_agreed", "quantity": "3", "value_units": "12", "value_eur": "96", "feedback": "Paldies!"})
    db.session.expire_all()
    waiting = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == world.member.id, Notification.kind == "exchange_completed")).one()
    assert waiting.action_key == f"exchange:{lecture.id}:confirm:{world.org.id}" and waiting.resolved_at is None
    [asked] = [m for m in outbox() if m.recipient == world.representative.email and "pabeigta" in m.subject]
    until = confirmations.open_until(db.session.get(Exchange, lecture.id))
    assert "Apstiprināt apmaiņas norisi" in asked.body and f"/exchanges/{lecture.id}" in asked.body
    assert f"Līdz {until.day}.{until:%m.%Y}." in asked.body and "Paldies!" in asked.body

    before = {m.id for m in outbox()}
    client_for(app, world.member).post(f"/exchanges/{lecture.id}/feedback", data={
        "outcome": "not_as_agreed", "quantity": "2", "value_units": "8", "value_eur": "64",
        "feedback": "Viens brīvprātīgais neatnāca."})
    db.session.expire_all()
    assert db.session.get(Notification, waiting.id).resolved_at is not None
    told = [m for m in outbox() if m.id not in before]
    assert {m.recipient for m in told} == {world.other_member.email, world.other_representative.email}
    mail = told[0]
    assert mail.subject.startswith("Skaitļi atšķiras: ")
    assert "Viens brīvprātīgais neatnāca." in mail.body and "strīdā" in mail.body
    assert "Baltā māja: Noritēja, bet ne tā, kā norunāts · daudzums 2 · 8 h · 64,00\xa0€" in mail.body
    assert "Sukrums: Noritēja, kā norunāts · daudzums 3 · 12 h · 96,00\xa0€" in mail.body
    assert "Pārrunājiet to apmaiņas ziņās" in mail.body
    bell = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == world.other_member.id, Notification.kind == "exchange_disputed")).one()
    assert bell.action_key == ""  # told, not asked: they confirmed already


def test_a_completion_no_longer_waits_in_the_bell_after_its_time(app, world, lecture):
    completed(lecture, world.other_member)
    assert confirmations.close_due(now=datetime.now(timezone.utc)) == 0
    db.session.expire_all()
    waiting = db.session.scalars(sa.select(Notification).where(Notification.action_key.like("%:confirm:%"))).all()
    assert waiting and all(n.resolved_at is None for n in waiting)
    assert confirmations.close_due(now=datetime.now(timezone.utc) + timedelta(days=32)) == 1
    db.session.commit()
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).resolved_at is not None for n in waiting)


def test_an_unpriced_intellectual_resource_asks_for_the_hours_not_the_units(app, world):
    resource = make_resource(world.representative, title="Konsultācijas", kind="intellectual", category="expertise",
                             handover="", format="online", quantity=1)
    exchange = request_exchange(world.other_member, resource, hours=Decimal("3"))
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    db.session.commit()
    client = client_for(app, world.other_member)
    html = client.get(f"/exchanges/{exchange.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*data-testid="complete-form".*?</form>', html, re.S).group(0)
    assert 'name="hours"' in form and 'name="value_units"' not in form and 'value="3,0"' in form
    errors = field_errors(client.post(f"/exchanges/{exchange.id}/complete?lang=lv", data={
        "outcome": "as_agreed", "quantity": "1", "hours": ""}).get_data(as_text=True))
    assert errors == {"hours": "Norādiet, cik stundu tas aizņēma kopā."}
    assert client.post(f"/exchanges/{exchange.id}/complete", data={
        "outcome": "as_agreed", "quantity": "1", "hours": "2,5"}).status_code == 302
    assert counted(exchange) == (ONE_SIDE, 1, Decimal("2.5"), None, None)
