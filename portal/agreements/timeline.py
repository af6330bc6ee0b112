"""Where an agreement stands for each party, read from its audit events: who drafted, commented, submitted,
was returned, approved and signed, when, and whom it waits for now; and the reminder to sign a drafter or a
coordinator may send (at most one per party per interval; the daily reminders count too)."""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_datetime, lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..audit.models import AuditEvent
from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation, require
from ..extensions import db
from . import notices
from .models import APPROVED, DRAFT, RETURNED, SUBMITTED, Agreement, AgreementParty

STEP_LABELS = {
    "agreement.drafted": _l("drafted"),
    "agreement.comment": _l("commented"),
    "agreement.submitted": _l("submitted for approval"),
    "agreement.returned": _l("returned for changes"),
    "agreement.approved": _l("approved"),
    "agreement.certified": _l("signing copy certified"),
    "agreement.signed": _l("signed"),
    "agreement.reminded": _l("reminded to sign"),
    "agreement.in_force": _l("in force"),
    "agreement.completion_certified": _l("completion certificate made"),
    "agreement.terminated": _l("terminated"),
    "agreement.expired": _l("expired"),
}
COORDINATION_STEPS = ("agreement.returned", "agreement.approved", "agreement.certified",
                      "agreement.completion_certified")


@dataclass
class Step:
    label: str
    at: datetime
    who: str = ""


@dataclass
class PartyStatus:
    """One row of the status: a party (or the coordination, party None), its steps and what it waits for."""

    name: str
    party: AgreementParty | None
    steps: list[Step] = field(default_factory=list)
    status: str = ""
    waiting: bool = False  # the agreement waits for this row now


def _events(agreement: Agreement) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Agreement", AuditEvent.object_id == agreement.id,
        AuditEvent.action.in_(tuple(STEP_LABELS)), AuditEvent.outcome == "ok").order_by(AuditEvent.id)).all()


def _step(event: AuditEvent) -> Step:
    return Step(str(STEP_LABELS[event.action]), event.created_at, event.actor.name if event.actor else "")


def _party_status(agreement: Agreement, party: AgreementParty) -> tuple[str, bool]:
    drafting = party.org_id == agreement.drafting_org_id
    if agreement.state in (DRAFT, RETURNED):
        if drafting:
            return str(_l("drafting: to change and submit") if agreement.state == RETURNED else
                       _l("drafting: to submit for approval")), True
        return str(_l("reads the draft and may comment")), False
    if agreement.state == SUBMITTED:
        return str(_l("submitted; waits for a coordinator")), False
    if agreement.state == APPROVED:
        if party.signature is not None:
            return str(_l("signed by %(name)s", name=party.signature.typed_name)), False
        if agreement.certified_at is None:
            return str(_l("the signing copy is being made")), False
        who = party.signatory.name if party.signatory else str(_l("a representative"))
        return str(_l("waiting for the signature of %(name)s", name=who)), True
    if party.signature is not None:
        return str(_l("signed by %(name)s", name=party.signature.typed_name)), False
    return "", False


def statuses(agreement: Agreement) -> list[PartyStatus]:
    """Each party's row, then the coordination's, with the steps each has taken, oldest first."""
    events = _events(agreement)
    rows = []
    for party in agreement.parties:
        status, waiting = _party_status(agreement, party)
        steps = [_step(e) for e in events if e.org_id == party.org_id and e.action not in COORDINATION_STEPS]
        if party.signature is None:
            steps += [_step(e) for e in events if e.action == "agreement.reminded"
                      and json.loads(e.details or "{}").get("party") == party.id]
            steps.sort(key=lambda s: s.at)
        rows.append(PartyStatus(party.printed_name if agreement.is_frozen else party.org.name, party, steps,
                                status, waiting))
    coordination = PartyStatus(str(_l("Network coordination")), None,
                               [_step(e) for e in events if e.action in COORDINATION_STEPS])
    if agreement.state == SUBMITTED:
        coordination.status, coordination.waiting = str(_l("waiting for a coordinator’s approval")), True
    rows.append(coordination)
    return rows


# ---------------------------------------------------------------- reminders

def remind_interval() -> timedelta:
    return timedelta(hours=current_app.config.get("AGREEMENT_REMIND_INTERVAL_HOURS", 24))


def may_remind(user, agreement: Agreement) -> bool:
    """The drafting organization's representatives and the coordinators, while the agreement is being signed."""
    if agreement.state != APPROVED or agreement.certified_at is None or not policy.can_write(user):
        return False
    return policy.is_coordinator(user) or (
        user.org_id == agreement.drafting_org_id and policy.can_draft_agreement(user))


def next_reminder_at(party: AgreementParty) -> datetime | None:
    """When this party may be reminded again (None: now)."""
    if party.sign_reminded_at is None:
        return None
    due = party.sign_reminded_at + remind_interval()
    return due if due > utcnow() else None


def remind_to_sign(actor, agreement: Agreement, party_id: int, now: datetime | None = None) -> AgreementParty:
    """Reminds the party's signatory (bell and e-mail) that the agreement waits for their signature."""
    require(may_remind(actor, agreement))
    party = next((p for p in agreement.parties if p.id == party_id), None)
    if party is None or party.signature is not None:
        raise RuleViolation(_l("This party has already signed."))
    if party.signatory is None or not party.signatory.is_active:
        raise RuleViolation(_l("%(org)s has no representative to sign; its representatives must choose one.",
                               org=party.org.name))
    now = now or utcnow()
    if party.sign_reminded_at is not None and now - party.sign_reminded_at < remind_interval():
        raise RuleViolation(_l("%(name)s was reminded on %(when)s; a new reminder can be sent a day later.",
                               name=party.signatory.name, when=format_datetime(party.sign_reminded_at, "short")))
    notices.remind([party.signatory], agreement, "sign_reminder")
    party.sign_reminded_at = now
    record("agreement.reminded", actor=actor, obj=agreement, party=party.id, signatory=party.signatory_id)
    db.session.flush()
    return party
