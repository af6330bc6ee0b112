"""The coordinator's view of the audit trail: the page lists events and filters them, shows real events with
their people and a broken chain, is for coordinators only and needs a login."""
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

import portal.audit.services as audit_services
from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db

from .audit_helpers import CLIENT_IP, WRONG_PASSWORD, make_events, page
from .helpers import client_for


# ---------------------------------------------------------------- the coordinator's page

def _markers(html: str) -> set[str]:
    return set(re.findall(r"MRK\d+Z", html))


@pytest.fixture
def dated_events(world, monkeypatch):
    """Events on chosen days (recorded through the service, so the chain stays intact)."""
    spec = [  # marker, action, actor, org, day
        ("MRK1Z", "test.alpha", world.member, world.org, "2024-03-01"),
        ("MRK2Z", "test.alpha", world.other_member, world.other_org, "2024-03-05"),
        ("MRK3Z", "test.beta", world.member, world.org, "2024-03-10"),
        ("MRK4Z", "test.beta", world.coordinator, world.coord_org, "2024-03-05"),
        ("MRK5Z", "test.gamma", world.representative, world.org, "2024-03-05"),
        ("MRK6Z", "test.gamma", None, world.other_org, "2024-02-29"),
    ]
    events = []
    for marker, action, actor, org, day in spec:
        when = datetime.fromisoformat(day).replace(hour=11, minute=30, tzinfo=timezone.utc)
        monkeypatch.setattr(audit_services, "utcnow", lambda when=when: when)
        record(action, actor=actor, org=org, marker=marker)
        events.append(dict(marker=marker, action=action, actor=actor, org=org, day=day))
    monkeypatch.undo()
    db.session.commit()
    return events


def _expect(events, keep) -> set[str]:
    return {e["marker"] for e in events if keep(e)}


def test_audit_page_lists_events_and_filters_them(app, world, dated_events):
    client = client_for(app, world.coordinator)
    ev = dated_events
    member_email = world.member.email
    cases = [
        ({}, _expect(ev, lambda e: True)),
        ({"action": "test.alpha"}, _expect(ev, lambda e: e["action"] == "test.alpha")),
        ({"action": "test.gamma"}, _expect(ev, lambda e: e["action"] == "test.gamma")),
        ({"org": str(world.org.id)}, _expect(ev, lambda e: e["org"] is world.org)),
        ({"org": str(world.other_org.id)}, _expect(ev, lambda e: e["org"] is world.other_org)),
        ({"actor": member_email}, _expect(ev, lambda e: e["actor"] is world.member)),
        ({"actor": member_email.upper()}, _expect(ev, lambda e: e["actor"] is world.member)),
        ({"actor": "other@"}, _expect(ev, lambda e: e["actor"] is world.other_member)),
        ({"from": "2024-03-02", "to": "2024-03-05"}, _expect(ev, lambda e: "2024-03-02" <= e["day"] <= "2024-03-05")),
        ({"from": "2024-03-05", "to": "2024-03-05"}, _expect(ev, lambda e: e["day"] == "2024-03-05")),
        ({"from": "2024-03-06"}, _expect(ev, lambda e: e["day"] >= "2024-03-06")),
        ({"to": "2024-03-01"}, _expect(ev, lambda e: e["day"] <= "2024-03-01")),
        ({"action": "test.alpha", "org": str(world.org.id)},
         _expect(ev, lambda e: e["action"] == "test.alpha" and e["org"] is world.org)),
        ({"action": "test.beta", "actor": member_email, "from": "2024-03-01", "to": "2024-03-31"},
         _expect(ev, lambda e: e["action"] == "test.beta" and e["actor"] is world.member)),
        ({"action": "no.such.action"}, set()),
    ]
    assert len(cases[0][1]) == 6
    for params, expected in cases:
        response = client.get("/coordination/audit", query_string=params)
        assert response.status_code == 200, params
        assert _markers(page(response)) == expected, params


def test_audit_page_shows_real_events_with_their_people(app, world):
    client = client_for(app, world.coordinator)
    app.test_client().post("/login", data={"email": world.member.email, "password": WRONG_PASSWORD})
    html = page(client.get("/coordination/audit", query_string={"action": "auth.login"}))
    assert world.member.email in html and world.coordinator.email in html
    assert "refused" in html and CLIENT_IP in html
    assert world.member.email not in page(client.get(
        "/coordination/audit", query_string={"action": "auth.login", "actor": world.coordinator.email}))


def _chain_state(html: str) -> tuple[str, str]:
    match = re.search(r'<span class="([^"]*)" data-testid="chain-state">([^<]*)</span>', html)
    assert match, "no chain state on the page"
    return match.group(1), match.group(2)


def test_audit_page_shows_a_broken_chain(app, world):
    events = make_events(world, 6)
    client = client_for(app, world.coordinator)
    css, text = _chain_state(page(client.get("/coordination/audit")))
    assert "state-active" in css and "state-rejected" not in css

    target = events[3]
    db.session.execute(sa.text("UPDATE audit_events SET outcome = 'refused' WHERE id = :id"), {"id": target.id})
    db.session.commit()

    css, text = _chain_state(page(client.get("/coordination/audit")))
    assert "state-rejected" in css and "state-active" not in css
    assert re.search(rf"\b{target.id}\b", text), text


@pytest.mark.parametrize("role", ["member", "representative", "other"])
def test_audit_page_is_for_coordinators_only(app, world, role):
    assert client_for(app, world.user(role)).get("/coordination/audit").status_code == 403
    assert client_for(app, world.user(role)).get(
        "/coordination/audit", query_string={"action": "auth.login"}).status_code == 403


def test_audit_page_needs_login(app, world):
    response = app.test_client().get("/coordination/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
