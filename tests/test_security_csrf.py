"""SECURITY.md made testable, requests: a POST without a CSRF token (or with another session's) answers 400
and changes nothing; a GET never changes data, and valid one-time links are not spent by a GET."""
import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.notifications.services import notify

from .helpers import client_for, link_in, outbox
from .security_helpers import GET_ROWS, POST_ROWS, acting_role, database_state, page


def audit_actions_since(last_id: int) -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.id > last_id)).all()


def last_audit_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


# ---------------------------------------------------------------- CSRF

@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("who", ["anonymous", "logged in"])
@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: row.id)
def test_post_without_csrf_token_answers_400_and_changes_nothing(app, world, row, who):
    role = "anonymous" if who == "anonymous" else acting_role(row)
    client = client_for(app, world.user(role))
    url = row.url(world)  # some rows make their object on first use
    before = database_state()  # after the login, which writes its own audit row

    response = client.post(url, data=row.data(world), csrf=False)

    assert response.status_code == 400, page(response)[:300]
    assert database_state() == before
    if role != "anonymous":
        # The refusal came from the missing token alone: with one, the matrix's answer comes back.
        accepted = client.post(url, data=row.data(world))
        assert accepted.status_code == row.expected[role]


@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: row.id)
def test_post_with_a_token_of_another_session_answers_400(app, world, row):
    role = acting_role(row)
    client = client_for(app, world.user(role))
    foreign_token = app.test_client().csrf_token()
    url = row.url(world)
    before = database_state()
    response = client.post(url, data={**row.data(world), "csrf_token": foreign_token}, csrf=False)
    assert response.status_code == 400
    assert database_state() == before


# ---------------------------------------------------------------- GET is read-only

@pytest.mark.one_backend("sqlite")
@pytest.mark.parametrize("role", ["coordinator", "representative"])
@pytest.mark.parametrize("row", GET_ROWS, ids=lambda row: row.id)
def test_get_never_changes_data(app, world, row, role):
    # Something that a careless GET could "mark as read" or spend.
    notify([world.coordinator, world.representative], "org_approved", link="/", org="Baltā māja")
    if row.endpoint == "certificates.revocation_list":
        # A running portal has published its CRL (`portal init`, the daily duties); only the very first GET of
        # a portal that never did makes one. Serving a published, current one writes nothing.
        from portal.certificates.revocation import current_crl

        current_crl()
        db.session.commit()
    client = client_for(app, world.user(role))
    url = row.url(world)
    before, audited = database_state(), last_audit_id()

    response = client.get(url)

    assert response.status_code == row.expected[role]
    assert database_state() == before
    new_events = set(audit_actions_since(audited))
    assert new_events <= {"access.refused", "access.hidden"}
    if response.status_code == 403:
        assert new_events == {"access.refused"}


def test_get_of_valid_one_time_links_spends_nothing(app, client, world):

    client.post("/password/forgot", data={"email": world.member.email})
    reset = link_in(outbox()[-1].body).replace("http://localhost", "")
    before = database_state()
    for _ in range(2):
        assert app.test_client().get(reset).status_code == 200
    assert database_state() == before
