"""Helpers of the exchange tests (test_exchange_states.py, _requests, _values, _notifications, _pages,
_calendar_feed, _ledger): the fixed period, the fixtures `hall`, `outsider` and `lecture`, an exchange brought
to a given state, a page's text, flashes and sections, and the audit trail's count."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date as babel_format_date
from sqlalchemy import func, select

from portal.accounts.models import REPRESENTATIVE
from portal.audit.models import AuditEvent
from portal.exchanges import services
from portal.exchanges.models import (ACCEPTED, CANCELLED, COMPLETED, DECLINED, WITHDRAWN, ConditionRecord,
                                     Exchange, ExchangeMessage)
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification

from .factories import make_org, make_resource, make_user
from .helpers import client_for

# "Today" for the rules, chosen explicitly: the period is days 10–11 after it.
DAY0 = date(2031, 3, 3)
START = DAY0 + timedelta(days=10)
END = START + timedelta(days=1)


def page(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_count(action: str, exchange_id: int) -> int:
    return count(AuditEvent, AuditEvent.action == action, AuditEvent.object_type == "Exchange",
                 AuditEvent.object_id == exchange_id)


def snapshot(exchange_id: int):
    """What the database holds for the exchange (a Core query: flushes, then reads)."""
    return db.session.execute(
        select(Exchange.state, Exchange.reason, Exchange.decided_at, Exchange.decided_by_id, Exchange.completed_at,
               Exchange.completed_by_id, Exchange.value_units, Exchange.value_eur, Exchange.feedback,
               Exchange.starts_on, Exchange.ends_on, Exchange.quantity).where(Exchange.id == exchange_id)
    ).one()


def side_effects(exchange_id: int) -> tuple:
    return (count(Notification), count(OutboxMessage), count(AuditEvent),
            count(ExchangeMessage, ExchangeMessage.exchange_id == exchange_id),
            count(ConditionRecord, ConditionRecord.exchange_id == exchange_id))


def iso(day: date) -> str:
    return day.isoformat()


def en_date(day: date) -> str:
    return babel_format_date(day, format="d MMM y", locale="en")  # day first: "1 Dec 2026"


def flashes(html: str, category: str) -> list[str]:
    return [m.strip() for m in re.findall(rf'<div class="flash {category}"[^>]*>(.*?)</div>', html, re.S)]


def section(html: str, testid: str) -> str:
    match = re.search(rf'<(section|table)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no {testid} in the page"
    return match.group(2)


def row_of(html: str, exchange_id: int) -> str:
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f'href="/exchanges/{exchange_id}"' in r]
    assert len(rows) == 1, f"exchange #{exchange_id}: {len(rows)} rows"
    return rows[0]


@pytest.fixture
def hall(world):
    """A fresh material resource of org B: 40 places, 80 EUR a day, with no exchanges yet."""
    resource = make_resource(world.representative, title="Semināru zāle “Ezers”", quantity=40,
                             value_eur=Decimal("80"), value_unit="day")
    db.session.commit()
    return resource


@pytest.fixture
def outsider(world):
    """The representative of a third active organization, party to nothing."""
    org = make_org("Daugavas krasts")
    person = make_user(org, REPRESENTATIVE, email="outsider@example.org", name="Oskars Ārējais")
    db.session.commit()
    return person


def person(world, who, outsider=None):
    return outsider if who == "outsider" else getattr(world, who)


def new_request(world, resource, requester=None, starts_on=START, ends_on=END, quantity=5, hours=None,
                message="Labdien! Vai zāle būs brīva?", today=DAY0) -> Exchange:
    return services.request_exchange(requester or world.other_member, resource, starts_on=starts_on, ends_on=ends_on,
                                     quantity=quantity, hours=hours, purpose="Valdes seminārs", message=message,
                                     today=today)


def in_state(world, resource, state, quantity=5) -> Exchange:
    """An exchange of org C for `resource` (days START–END), brought into `state` by the rules themselves."""
    exchange = new_request(world, resource, quantity=quantity)
    if state in (ACCEPTED, COMPLETED, CANCELLED):
        services.accept(world.representative, exchange, today=DAY0)
    if state == DECLINED:
        services.decline(world.representative, exchange, "Zāle tajās dienās aizņemta")
    if state == WITHDRAWN:
        services.withdraw(world.other_representative, exchange)
    if state == COMPLETED:
        services.complete(world.other_member, exchange, value_units=Decimal("2"), value_eur=Decimal("160.00"),
                          feedback="Paldies!", today=END)
    if state == CANCELLED:
        services.cancel(world.representative, exchange, "Zālē plīsis cauruļvads", today=DAY0)
    db.session.commit()
    assert exchange.state == state
    return exchange


def perform(action, actor, exchange, *, today=None):
    if action == "accept":
        services.accept(actor, exchange, today=today or DAY0)
    elif action == "decline":
        services.decline(actor, exchange, "Zāle tajās dienās remontā")
    elif action == "withdraw":
        services.withdraw(actor, exchange)
    elif action == "cancel":
        services.cancel(actor, exchange, "Pasākums pārcelts", today=today or DAY0)
    elif action == "complete":
        services.complete(actor, exchange, value_units=Decimal("2"), value_eur=Decimal("150.00"),
                          feedback="Viss noritēja labi.", today=today or END)
    elif action == "message":
        services.post_message(actor, exchange, "Labdien! Kā iet ar sagatavošanos?")
    elif action == "condition":
        services.record_condition(actor, exchange, "handover", "Visi 40 krēsli kārtībā")
    else:
        raise AssertionError(action)


def assert_refused_without_trace(error_type, action, actor, exchange, **kwargs):
    """The action raises `error_type`, and neither the exchange nor anything around it changes."""
    before, effects = snapshot(exchange.id), side_effects(exchange.id)
    with pytest.raises(error_type) as refused:
        perform(action, actor, exchange, **kwargs)
    assert snapshot(exchange.id) == before  # nothing written, even before the view's rollback
    assert side_effects(exchange.id) == effects
    db.session.rollback()
    assert snapshot(exchange.id) == before
    return refused.value


@pytest.fixture
def lecture(world):
    """An intellectual resource of org B, paid by the hour."""
    resource = make_resource(world.representative, kind="intellectual", category="training", handover="",
                             format="in_person", title="Darbnīca projektu rakstīšanā", quantity=25, unit="dalībnieki",
                             value_eur=Decimal("40"), value_unit="hour")
    db.session.commit()
    return resource


@pytest.fixture
def requester(app, world):
    return client_for(app, world.other_member)


def request_form(**changes) -> dict:
    today = date.today()
    data = {"starts_on": iso(today + timedelta(days=60)), "ends_on": iso(today + timedelta(days=61)),
            "quantity": "12", "purpose": "Valdes seminārs Cirmā", "message": "Vai zāle būs brīva? Ņemsim līdzi kafiju."}
    data.update(changes)
    return data


def cells(row: str) -> list[str]:
    """The text of each cell of a table row (the cells carry data-label attributes for phones)."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
