"""A coordinator settles a disputed exchange: the figures that count, the state `resolved`, both sides told (in the
portal and by mail, in their language), an audit event; only coordinators, only a disputed exchange, one winner of
two at once; the form's problems all at once; the statistics and reports count the settled figures."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.errors import NotAllowed, NotFound, RuleViolation
from portal.exchanges import services
from portal.exchanges.confirmations import Figures, give_feedback
from portal.exchanges.models import AGREED, DISPUTED, RESOLVED, Exchange, ExchangeResolution
from portal.exchanges.resolutions import Settlement, get_dispute, resolve_dispute
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import periods, services as reports, statistics
from portal.reports.periods import period_of

from .factories import MEMBER, make_org, make_resource, make_user, request_exchange
from .helpers import MAIL_ARTIFACTS, client_for, outbox, save_mail
from .test_exchange_concurrency import race
from .test_mail_content import check_mail

NOTE = "Sarunājām pa tālruni: strādāja 3 brīvprātīgie, 11 stundas."


@pytest.fixture
def disputed(world):
    return make_disputed(world)


def make_disputed(world, title="Brīvprātīgie festivālam"):
    """B's volunteers (priced by the hour) for C, ended yesterday; C says 12 h and 96 EUR, B says 10 h and 120."""
    resource = make_resource(world.representative, title=title, kind="intellectual",
                             category="volunteers", handover="", format="in_person", location="Preiļi",
                             quantity=5, value_eur=Decimal("8"), value_unit="hour")
    exchange = request_exchange(world.other_member, resource, quantity=3, hours=Decimal("12"))
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    services.complete(world.other_member, exchange, value_units=Decimal("12"), value_eur=Decimal("96"))
    give_feedback(world.representative, exchange, Figures("as_agreed", 3, None, Decimal("10"), Decimal("120"),
                                                          "Bija 10 stundas."))
    db.session.commit()
    assert exchange.feedback_state == DISPUTED
    return exchange


def counted(exchange):
    db.session.expire_all()
    e = db.session.get(Exchange, exchange.id)
    return e.feedback_state, e.used_quantity, e.used_hours, e.value_units, e.value_eur


SETTLED = Settlement("as_agreed", 3, None, Decimal("11"), Decimal("88"), NOTE)


# ---------------------------------------------------------------- the rule

def test_a_coordinator_settles_a_dispute_and_the_figures_count(world, disputed):
    row = resolve_dispute(world.coordinator, disputed, SETTLED)
    db.session.commit()
    assert counted(disputed) == (RESOLVED, 3, Decimal("11"), Decimal("11"), Decimal("88"))
    assert (row.resolved_by_id, row.note, row.value_eur) == (world.coordinator.id, NOTE, Decimal("88"))
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "exchange.resolved")).one()
    assert (event.actor_id, event.object_id) == (world.coordinator.id, disputed.id) and NOTE in event.details
    assert verify_chain().intact
    # the sides' own accounts stay, and can no longer be changed
    with pytest.raises(RuleViolation) as refused:
        give_feedback(world.other_member, disputed, Figures("as_agreed", 3, None, Decimal("11"), Decimal("88")))
    assert "koordin" in str(refused.value.message)


def test_a_settled_no_show_counts_nothing(world, disputed):
    resolve_dispute(world.coordinator, disputed, Settlement("no_show", note="Festivāls nenotika."))
    db.session.commit()
    assert counted(disputed) == (RESOLVED, 0, Decimal("0"), Decimal("0"), Decimal("0"))


def test_an_empty_value_counts_as_none(world, disputed):
    resolve_dispute(world.coordinator, disputed, Settlement("as_agreed", 2, None, Decimal("8"), None, NOTE))
    db.session.commit()
    assert counted(disputed) == (RESOLVED, 2, Decimal("8"), Decimal("8"), None)


def test_only_a_disputed_exchange_is_settled_and_only_once(world, disputed):
    resolve_dispute(world.coordinator, disputed, SETTLED)
    db.session.commit()
    with pytest.raises(RuleViolation) as again:
        resolve_dispute(world.coordinator, disputed, SETTLED)
    assert world.coordinator.name in str(again.value.message)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeResolution)) == 1


def test_an_exchange_only_one_side_confirmed_has_nothing_to_settle(world):
    resource = make_resource(world.representative, title="Skaņas aparatūra", category="equipment")
    exchange = request_exchange(world.other_member, resource)
    services.accept(world.representative, exchange)
    exchange.starts_on = exchange.ends_on = date.today() - timedelta(days=1)
    services.complete(world.other_member, exchange, value_units=None, value_eur=Decimal("30"))
    db.session.commit()
    assert exchange.feedback_state == "one_side"
    with pytest.raises(RuleViolation) as refused:
        resolve_dispute(world.coordinator, exchange, SETTLED)
    assert "tikai viena puse" in str(refused.value.message)


def test_an_agreed_exchange_has_nothing_to_settle(world, disputed):
    give_feedback(world.other_member, disputed, Figures("as_agreed", 3, None, Decimal("10"), Decimal("120")))
    db.session.commit()
    assert counted(disputed)[0] == AGREED
    with pytest.raises(RuleViolation) as refused:
        resolve_dispute(world.coordinator, disputed, SETTLED)
    assert "nav strīdā" in str(refused.value.message)


def test_only_coordinators_settle_and_a_third_organization_does_not_learn_of_it(world, disputed):
    for side in (world.member, world.representative, world.other_member, world.other_representative):
        with pytest.raises(NotAllowed):
            get_dispute(side, disputed.id)
        with pytest.raises(NotAllowed):
            resolve_dispute(side, disputed, SETTLED)
    third = make_user(make_org("Trešā biedrība"), MEMBER, email="third@example.org")
    db.session.commit()
    with pytest.raises(NotFound):
        get_dispute(third, disputed.id)
    with pytest.raises(NotFound):
        get_dispute(world.coordinator, world.exchange.id)  # not completed: no dispute page
    assert get_dispute(world.coordinator, disputed.id) is not None


def test_the_problems_of_a_settlement_at_once(world, disputed):
    with pytest.raises(RuleViolation) as refused:
        resolve_dispute(world.coordinator, disputed, Settlement("as_agreed", 9, None, Decimal("5000"), Decimal("-1"),
                                                                "  "))
    assert set(refused.value.field_messages) == {"quantity", "value_units", "value_eur", "note"}


# ---------------------------------------------------------------- the pages

def field_errors(html: str) -> dict:
    return dict(re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html))


def test_the_statistics_link_to_the_dispute_page_and_the_coordinator_settles_it(app, world, disputed):
    coordinator = client_for(app, world.coordinator)
    page = coordinator.get("/coordination/statistics?period=all&lang=lv").get_data(as_text=True)
    row = re.search(rf'<tr data-testid="dispute-{disputed.id}">.*?</tr>', page, re.S).group(0)
    assert f'href="/coordination/disputes/{disputed.id}"' in row
    html = coordinator.get(f"/coordination/disputes/{disputed.id}?lang=lv").get_data(as_text=True)
    assert 'data-testid="resolution-form"' in html and "Bija 10 stundas." not in html  # comments are the sides'
    assert "Baltā māja" in html and "Sukrums" in html
    response = coordinator.post(f"/coordination/disputes/{disputed.id}?lang=lv", data={
        "outcome": "as_agreed", "quantity": "3", "value_units": "11", "value_eur": "88,00", "note": NOTE})
    assert response.status_code == 302
    assert counted(disputed) == (RESOLVED, 3, Decimal("11"), Decimal("11"), Decimal("88"))
    settled = coordinator.get(response.headers["Location"] + "?lang=lv").get_data(as_text=True)
    assert 'data-testid="resolution"' in settled and NOTE in settled and 'data-testid="resolution-form"' not in settled
    s = statistics.network_statistics(period_of(periods.YEAR, disputed.ends_on), today=date.today())
    assert s.confirmations["resolved"] == 1 and s.confirmations["disputed"] == 0 and s.disputed == []
    assert s.headline.value_eur == Decimal("88")
    page = coordinator.get("/coordination/statistics?period=all&lang=lv").get_data(as_text=True)
    assert 'data-testid="confirmations-resolved">1<' in page
    report = reports.org_report(world.org, period_of(periods.YEAR, disputed.ends_on))
    assert report.given.value == Decimal("88")
    day = disputed.ends_on.isoformat()
    ledger = client_for(app, world.member).get(f"/ledger.csv?start={day}&end={day}&lang=en").data.decode("utf-8-sig")
    row = next(line for line in ledger.splitlines() if line.startswith(f"{disputed.id},"))
    assert row.endswith("settled by a coordinator") and "88.00" in row, row
    audit = coordinator.get("/coordination/audit?lang=en").get_data(as_text=True)
    assert "Disputed exchange settled by a coordinator" in audit and NOTE in audit
    assert f'href="/coordination/disputes/{disputed.id}"' in audit  # a page the coordinator may open


def test_both_sides_see_the_settlement_and_can_no_longer_change_their_figures(app, world, disputed):
    resolve_dispute(world.coordinator, disputed, SETTLED)
    db.session.commit()
    for person in (world.member, world.representative, world.other_member, world.other_representative):
        html = client_for(app, person).get(f"/exchanges/{disputed.id}?lang=lv").get_data(as_text=True)
        assert 'data-testid="resolved"' in html and NOTE in html and world.coordinator.name in html, person.email
        assert 'data-testid="feedback-form"' not in html
        assert "88,00" in html
        # The steps both sides follow: the accounts came to differ, then a coordinator settled them.
        assert 'data-step="disputed"' in html and "abu pušu pārskati atšķiras" in html
        assert 'data-step="resolved"' in html
        assert html.index('data-step="disputed"') < html.index('data-step="resolved"')
    response = client_for(app, world.other_member).post(f"/exchanges/{disputed.id}/feedback", data={
        "outcome": "as_agreed", "quantity": "3", "value_units": "12", "value_eur": "96"})
    assert response.status_code == 200 and counted(disputed)[0] == RESOLVED


def test_the_form_shows_every_problem_at_once_with_the_typing_kept(app, world, disputed):
    coordinator = client_for(app, world.coordinator)
    long_note = "ā" * 4001
    response = coordinator.post(f"/coordination/disputes/{disputed.id}?lang=lv", data={
        "outcome": "as_agreed", "quantity": "99999999999999999999", "value_units": "1e400",
        "value_eur": "99999999999", "note": long_note})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = field_errors(html)
    assert set(errors) == {"quantity", "value_units", "value_eur", "note"}, errors
    assert "<title>Kļūda: " in html and 'class="error-summary"' in html
    assert 'value="1e400"' in html and 'value="99999999999"' in html and long_note in html
    empty = coordinator.post(f"/coordination/disputes/{disputed.id}?lang=lv", data={})
    assert empty.status_code == 422
    assert set(field_errors(empty.get_data(as_text=True))) == {"outcome", "quantity", "value_units", "note"}
    longest = coordinator.post(f"/coordination/disputes/{disputed.id}", data={
        "outcome": "as_agreed", "quantity": "5", "value_units": "2000", "value_eur": "10000000", "note": "ā" * 4000})
    assert longest.status_code == 302
    assert counted(disputed) == (RESOLVED, 5, Decimal("2000"), Decimal("2000"), Decimal("10000000"))


def test_settling_what_is_not_disputed_says_so(app, world, disputed):
    give_feedback(world.other_member, disputed, Figures("as_agreed", 3, None, Decimal("10"), Decimal("120")))
    db.session.commit()
    coordinator = client_for(app, world.coordinator)
    html = coordinator.get(f"/coordination/disputes/{disputed.id}?lang=en").get_data(as_text=True)
    assert 'data-testid="not-disputed"' in html and 'data-testid="resolution-form"' not in html
    response = coordinator.post(f"/coordination/disputes/{disputed.id}?lang=en", data={
        "outcome": "as_agreed", "quantity": "3", "value_units": "11", "value_eur": "88", "note": NOTE})
    assert response.status_code == 302
    followed = coordinator.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "This exchange is not disputed" in followed and counted(disputed)[0] == AGREED


# ---------------------------------------------------------------- telling both sides

@pytest.mark.parametrize("locale", ["lv", "en"])
def test_both_sides_are_told_in_their_language(app, world, disputed, locale):
    for person in (world.member, world.representative, world.other_member, world.other_representative):
        person.locale = locale
    db.session.commit()
    before = {m.id for m in outbox()}
    client_for(app, world.coordinator).post(f"/coordination/disputes/{disputed.id}", data={
        "outcome": "as_agreed", "quantity": "3", "value_units": "11", "value_eur": "88", "note": NOTE})
    told = [m for m in outbox() if m.id not in before]
    # who gave each side's account, the requester and the representatives of both sides
    assert {m.recipient for m in told} == {world.representative.email, world.other_member.email,
                                           world.other_representative.email}
    for mail in told:
        check_mail(mail, locale)
        save_mail(mail, MAIL_ARTIFACTS / locale / "dispute")
        assert NOTE in mail.body and f"/exchanges/{disputed.id}" in mail.body
        if locale == "lv":
            assert mail.subject.startswith("Strīds atrisināts: ")
            assert "88,00\xa0€" in mail.body and "Nekas vairs nav jādara" in mail.body
        else:
            assert mail.subject.startswith("Dispute settled: ")
            assert "€88.00" in mail.body and "Nothing more to do" in mail.body
    bells = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "exchange_resolved")).all()
    everyone = [p.id for org in (world.org, world.other_org) for p in org.people if p.is_active]
    assert sorted(bells) == sorted(everyone)


# ---------------------------------------------------------------- two coordinators at once

def test_two_coordinators_settling_at_once_leave_one_winner(app, world, disputed):
    second = make_user(world.coord_org, MEMBER, coordinator=True, email="otra@example.org", name="Otra Koordinācija")
    db.session.commit()
    clients = [client_for(app, world.coordinator), client_for(app, second)]
    url = f"/coordination/disputes/{disputed.id}?lang=en"
    results = race(clients, [url] * len(clients), follow_query="?lang=en", bodies=[
        {"outcome": "as_agreed", "quantity": "3", "value_units": "11", "value_eur": "88", "note": "Pirmā."},
        {"outcome": "as_agreed", "quantity": "3", "value_units": "10", "value_eur": "80", "note": "Otrā."}])
    assert [status for status, _ in results] == [302, 302]
    won = [html for _, html in results if "The dispute is settled" in html]
    told = [html for _, html in results if "settled this dispute on" in html]
    assert len(won) == 1 and len(told) == 1, results
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeResolution)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "exchange.resolved")) == 1
    assert verify_chain().intact
