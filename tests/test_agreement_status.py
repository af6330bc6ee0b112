"""Status people can follow: each party's steps and whom the agreement waits for, reminders to sign
(the drafter or a coordinator, rate-limited, logged), the next steps once in force, and an exchange's timeline."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.agreements import timeline
from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.errors import NotAllowed, RuleViolation
from portal.extensions import db
from portal.notifications.models import Notification

from .factories import make_agreement
from .helpers import client_for, outbox


def _reminders(agreement) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "agreement.reminded", AuditEvent.object_id == agreement.id))


def test_each_party_shows_its_steps_and_whom_it_waits_for(app, world):
    agreement = make_agreement(world, "approved")
    with force_locale("en"):
        rows = {row.party.org_id if row.party else None: row for row in timeline.statuses(agreement)}
    drafter, partner, coordination = rows[world.org.id], rows[world.coord_org.id], rows[None]
    assert [s.label for s in drafter.steps] == ["drafted", "submitted for approval"]
    assert [s.label for s in coordination.steps] == ["approved", "signing copy certified"]
    assert drafter.waiting and partner.waiting and not coordination.waiting
    assert partner.status == f"waiting for the signature of {agreement.party_for(world.coord_org.id).signatory.name}"
    html = client_for(app, world.member).get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    assert html.count("waiting for the signature of") == 2 and "signing copy certified" in html


def test_a_submitted_agreement_waits_for_a_coordinator(app, world):
    agreement = make_agreement(world, "submitted")
    coordination = timeline.statuses(agreement)[-1]
    assert coordination.waiting and coordination.party is None
    assert not any(row.waiting for row in timeline.statuses(agreement)[:-1])


def test_the_drafter_reminds_a_party_once_a_day_and_it_is_logged(app, world):
    agreement = make_agreement(world, "approved")
    party = agreement.party_for(world.coord_org.id)
    db.session.commit()
    before_mail = len(outbox())
    client = client_for(app, world.representative)
    response = client.post(f"/agreements/{agreement.id}/parties/{party.id}/remind?lang=en")
    assert response.status_code == 302
    assert _reminders(agreement) == 1 and len(outbox()) == before_mail + 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == party.signatory_id, Notification.kind == "agreement_sign_reminder")) == 1
    again = client.post(f"/agreements/{agreement.id}/parties/{party.id}/remind?lang=en", follow_redirects=True)
    assert "a new reminder can be sent a day later" in again.get_data(as_text=True)
    assert _reminders(agreement) == 1 and len(outbox()) == before_mail + 1  # refused: nothing sent twice
    page = client.get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    assert f'data-testid="reminded-{world.coord_org.id}"' in page and f'data-testid="remind-{world.coord_org.id}"' not in page
    assert "reminded to sign" in page  # on that party's timeline
    db.session.get(type(party), party.id).sign_reminded_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert client.post(f"/agreements/{agreement.id}/parties/{party.id}/remind").status_code == 302
    assert _reminders(agreement) == 2


def test_only_the_drafter_or_a_coordinator_reminds_and_only_while_signing(app, world):
    agreement = make_agreement(world, "approved")
    party = agreement.party_for(world.org.id)
    with pytest.raises(NotAllowed):
        timeline.remind_to_sign(world.member, agreement, party.id)
    timeline.remind_to_sign(world.coordinator, agreement, party.id)  # a coordinator may
    draft = make_agreement(world, "draft")
    with pytest.raises(NotAllowed):
        timeline.remind_to_sign(world.representative, draft, draft.parties[0].id)
    with pytest.raises(RuleViolation):
        timeline.remind_to_sign(world.representative, agreement, 999_999)  # no such party of this agreement


def test_after_entry_into_force_the_next_steps_are_download_verify_share(app, world):
    agreement = make_agreement(world, "in_force")
    db.session.commit()
    html = client_for(app, world.member).get(f"/agreements/{agreement.id}?lang=en").get_data(as_text=True)
    steps = html.split('data-testid="next-steps"')[1].split("</ol>")[0]
    assert f'/agreements/{agreement.id}/pdf' in steps and f"/verify?code={agreement.verification_code}" in steps
    assert agreement.verification_code in steps and "Share it" in steps
    assert "remind" not in html.lower().split('data-testid="parties"')[1].split("</section>")[0].replace(
        "reminded to sign", "")  # nothing waits: no reminders


def test_an_exchange_shows_its_timeline_and_a_heading_that_follows_the_state(app, world):
    html = client_for(app, world.member).get(f"/exchanges/{world.accepted_exchange.id}?lang=en").get_data(as_text=True)
    timeline_html = html.split('data-testid="exchange-timeline"')[1].split("</section>")[0]
    assert [step for step in ("requested", "accepted", "condition") if f'data-step="{step}"' in timeline_html] == [
        "requested", "accepted", "condition"]
    summary = html.split('data-testid="exchange-summary">')[1].split("</p>")[0]
    assert "Sukrums uses" in summary and "Baltā māja" in summary and " asks " not in summary
    pending = client_for(app, world.member).get(f"/exchanges/{world.exchange.id}?lang=en").get_data(as_text=True)
    assert "Sukrums asks Baltā māja" in pending and "waiting for Baltā māja to accept or decline" in pending


def test_a_coordinator_is_warned_before_approving_while_a_comment_is_unanswered(app, world):
    from portal.agreements import services as agreements

    agreement = make_agreement(world, "draft")
    agreements.add_comment(world.coordinator, agreement, "Lūdzu, papildiniet 2. sadaļu.")  # the other party
    agreements.submit(world.representative, agreement)
    db.session.commit()
    coordinator = client_for(app, world.coordinator)
    assert 'data-testid="unanswered-comment"' in coordinator.get(f"/agreements/{agreement.id}?lang=en").get_data(
        as_text=True)
    agreements.add_comment(world.representative, agreement, "Papildināts.")  # the drafter answers
    db.session.commit()
    assert 'data-testid="unanswered-comment"' not in coordinator.get(f"/agreements/{agreement.id}").get_data(
        as_text=True)


def test_the_signing_page_shows_the_text_that_is_signed(app, world):
    import html as html_module
    import re

    agreement = make_agreement(world, "approved")
    page = client_for(app, world.representative).get(f"/agreements/{agreement.id}/sign").get_data(as_text=True)
    frame = re.search(r'<iframe[^>]*srcdoc="([^"]*)"[^>]*data-testid="signed-text"', page)
    assert frame, "the signed text is on the signing page"
    text = html_module.unescape(frame.group(1))
    assert agreement.clauses[0]["heading"] in text and world.org.name in text
    assert "<script" not in text  # the document's HTML only, in a frame that keeps the page's CSP
    assert 'name="password"' in page  # the form beside it
