"""Two people of the owner organization accepting at the same moment, through HTTP, on SQLite and PostgreSQL.

Each race runs several rounds: a single lucky interleaving proves little.
"""
import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, REQUESTED, Exchange
from portal.extensions import db
from portal.notifications.models import Notification

from .exchange_helpers import hall, outsider  # noqa: F401  (fixtures)
from .helpers import client_for

ROUNDS = 5
WON = "The request is accepted."
CLASH = "Not enough left"
ALREADY = "This exchange has just been changed by someone else: it is now “Accepted”."


@pytest.fixture
def deciders(app, world):
    """Two people of the owner organization, each logged in in a browser of their own."""
    return [client_for(app, world.representative), client_for(app, world.member)]


def race(clients, urls, bodies=None, follow_query="") -> list[tuple[int, str]]:
    """POSTs urls[i] (with the form bodies[i]) with clients[i], all released at once; follows each redirect
    with the same client (adding `follow_query`)."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def act(i):
        try:
            barrier.wait(timeout=30)
            response = clients[i].post(urls[i], data=bodies[i] if bodies else None)
            followed = clients[i].get(response.headers["Location"] + follow_query) \
                if response.status_code == 302 else response
            results[i] = (response.status_code, followed.get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001 - reported in the main thread
            results[i] = error

    threads = [threading.Thread(target=act, args=(i,)) for i in range(len(clients))]
    db.session.commit()  # outside requests SQLite transactions take the write lock: hold none while they race
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<div class="flash [a-z]+"[^>]*>(.*?)</div>', html, re.S)]


def accepted_events(*exchange_ids) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "exchange.accepted", AuditEvent.object_type == "Exchange",
        AuditEvent.object_id.in_(exchange_ids)))


def taken_on(resource, day: date) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Exchange.quantity), 0)).where(
        Exchange.resource_id == resource.id, Exchange.state == ACCEPTED,
        Exchange.starts_on <= day, Exchange.ends_on >= day))


def test_conflicting_requests_accepted_at_once_leave_one_winner(app, world, hall, outsider, deciders):
    for round_ in range(ROUNDS):
        start = date.today() + timedelta(days=40 + 5 * round_)
        # Sukrums asks for 30 places on days 0–1, Daugavas krasts for 30 on days 1–2: day 1 cannot hold both.
        sukrums = services.request_exchange(
            world.other_member, hall, starts_on=start, ends_on=start + timedelta(days=1), quantity=30, hours=None,
            purpose="Jauniešu forums", message="")
        krasts = services.request_exchange(
            outsider, hall, starts_on=start + timedelta(days=1), ends_on=start + timedelta(days=2), quantity=30,
            hours=None, purpose="Valdes izbraukuma sēde", message="")
        db.session.commit()
        ids, names = (sukrums.id, krasts.id), ("Sukrums", "Daugavas krasts")

        results = race(deciders, [f"/exchanges/{i}/accept?lang=en" for i in ids])

        assert [status for status, _ in results] == [302, 302], f"round {round_}"
        db.session.expire_all()
        states = [db.session.get(Exchange, i).state for i in ids]
        assert sorted(states) == [ACCEPTED, REQUESTED], f"round {round_}: {states}"
        winner = states.index(ACCEPTED)
        loser = 1 - winner
        assert WON in results[winner][1], f"round {round_}"
        lost_page = results[loser][1]
        assert CLASH in lost_page and WON not in lost_page, f"round {round_}: {flashes(lost_page)}"
        # The loser is told on which exchange and organization the places went.
        assert f"#{ids[winner]} {names[winner]}" in lost_page, f"round {round_}"
        assert accepted_events(*ids) == 1, f"round {round_}"
        assert taken_on(hall, start + timedelta(days=1)) == 30
        # Only the winner's requester hears "accepted".
        told = db.session.scalars(select(Notification.link).where(Notification.kind == "exchange_accepted")).all()
        assert f"/exchanges/{ids[winner]}" in told and f"/exchanges/{ids[loser]}" not in told
        # Clear the way for the next round: the winner gives its places back.
        services.cancel(world.representative, db.session.get(Exchange, ids[winner]), "Nākamais raunds")
        services.decline(world.representative, db.session.get(Exchange, ids[loser]), "Nākamais raunds")
        db.session.commit()
    assert verify_chain().intact


def test_the_same_request_accepted_twice_at_once_is_accepted_once(app, world, hall, deciders):
    for round_ in range(ROUNDS):
        exchange = services.request_exchange(
            world.other_member, hall, starts_on=date.today() + timedelta(days=40 + 5 * round_),
            ends_on=date.today() + timedelta(days=41 + 5 * round_), quantity=10, hours=None,
            purpose="Jauniešu forums", message="")
        db.session.commit()
        url = f"/exchanges/{exchange.id}/accept?lang=en"

        results = race(deciders, [url, url])

        assert [status for status, _ in results] == [302, 302], f"round {round_}"
        won = [r for r in results if WON in r[1]]
        told = [r for r in results if ALREADY in r[1]]
        assert len(won) == 1 and len(told) == 1, f"round {round_}: {[flashes(r[1]) for r in results]}"
        db.session.expire_all()
        assert db.session.get(Exchange, exchange.id).state == ACCEPTED
        assert accepted_events(exchange.id) == 1, f"round {round_}"
        # The requester's people are told once each, not twice.
        notes = db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "exchange_accepted", Notification.link == f"/exchanges/{exchange.id}")).all()
        assert sorted(notes) == sorted(p.id for p in world.other_org.people if p.is_active)
    assert verify_chain().intact
