"""Agreements over time: sign reminders every n days, the review reminder, expiry after the last day, and the
daily command that does it and prints the counts. Every test runs on SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from portal.agreements import schedule, services
from portal.agreements.models import APPROVED, EXPIRED, IN_FORCE, Agreement
from portal.errors import RuleViolation
from portal.extensions import db

from .agreement_helpers import (TODAY, audit_actions, bring_in_force, edit, last_mail_id, mail_since, notified,
                                sign_as)
from .factories import make_agreement


# ================================================================ 8. reminders and expiry

def test_sign_reminders_every_n_days_to_those_who_have_not_signed(app, world):
    app.config["AGREEMENT_SIGN_REMINDER_DAYS"] = 3
    approved_at = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
    agreement = make_agreement(world, "submitted")
    services.approve(world.coordinator, agreement, now=approved_at)
    db.session.commit()

    def remind(at):
        mark = last_mail_id()
        count = schedule.send_sign_reminders(at)
        db.session.commit()
        return count, sorted(m.recipient for m in mail_since(mark))

    assert remind(approved_at + timedelta(days=3) - timedelta(seconds=1)) == (0, [])
    assert remind(approved_at + timedelta(days=3)) == (2, ["coordinator@example.org", "rep@example.org"])
    assert notified("agreement_sign_reminder") == sorted([world.representative.id, world.coordinator.id])
    assert remind(approved_at + timedelta(days=3, hours=1)) == (0, [])
    assert remind(approved_at + timedelta(days=5)) == (0, [])
    assert remind(approved_at + timedelta(days=6)) == (2, ["coordinator@example.org", "rep@example.org"])
    sign_as(world.representative, agreement)
    db.session.commit()
    assert remind(approved_at + timedelta(days=9)) == (1, ["coordinator@example.org"])
    sign_as(world.coordinator, agreement)
    db.session.commit()
    assert remind(approved_at + timedelta(days=30)) == (0, [])


def test_review_reminder_once_before_the_review_date(app, world):
    app.config["AGREEMENT_REVIEW_NOTICE_DAYS"] = 30
    review_on = TODAY + timedelta(days=100)
    agreement = make_agreement(world, "draft")
    edit(world.representative, agreement, review_on=review_on)
    bring_in_force(agreement, world.representative, world.coordinator)

    def remind(today):
        mark = last_mail_id()
        count = schedule.send_review_reminders(today)
        db.session.commit()
        return count, sorted(m.recipient for m in mail_since(mark))

    assert remind(review_on - timedelta(days=31)) == (0, [])
    assert remind(review_on - timedelta(days=30)) == (1, ["coordinator@example.org", "rep@example.org"])
    assert notified("agreement_review_reminder") == sorted([world.representative.id, world.coordinator.id])
    assert remind(review_on - timedelta(days=29)) == (0, [])
    assert remind(review_on) == (0, [])
    assert db.session.get(Agreement, agreement.id).review_reminded_on == review_on - timedelta(days=30)


def test_an_agreement_in_force_expires_after_its_last_day(world):
    agreement = make_agreement(world, "in_force")
    approved = make_agreement(world, "approved")
    last_day = agreement.valid_to
    assert schedule.expire_due(last_day) == []
    assert agreement.state == IN_FORCE
    expired = schedule.expire_due(last_day + timedelta(days=1))
    assert [a.id for a in expired] == [agreement.id]
    db.session.refresh(agreement)
    assert agreement.state == EXPIRED and agreement.ended_at is not None
    assert approved.state == APPROVED  # only agreements in force expire
    assert "agreement.expired" in audit_actions(agreement)
    assert set(notified("agreement_expired")) == {world.representative.id, world.member.id, world.coordinator.id}
    assert schedule.expire_due(last_day + timedelta(days=2)) == []
    with pytest.raises(RuleViolation):  # approved | in_force → terminated, not expired → terminated
        services.terminate(world.coordinator, agreement, "Nē")
    assert agreement.state == EXPIRED


def test_the_daily_command_prints_counts(app, world):
    ended = make_agreement(world, "in_force")
    db.session.execute(update(Agreement).where(Agreement.id == ended.id).values(
        valid_from=TODAY - timedelta(days=400), valid_to=TODAY - timedelta(days=2)))
    waiting = make_agreement(world, "submitted")
    services.approve(world.coordinator, waiting, now=datetime.now(timezone.utc) - timedelta(days=8))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["portal", "daily"])
    assert result.exit_code == 0, result.output
    assert "expired 1, sign reminders 2, review reminders 0" in result.output
    db.session.expire_all()
    assert db.session.get(Agreement, ended.id).state == EXPIRED

    again = app.test_cli_runner().invoke(args=["portal", "daily"])
    assert again.exit_code == 0, again.output
    assert "expired 0, sign reminders 0, review reminders 0" in again.output
