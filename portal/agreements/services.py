"""Agreement rules: who signs, comments, submission, the coordinator's decision, ending, lists. A new draft
and its editing are in `drafting.py`, signing in `signatures.py`, the stored PDFs in `files.py`, the states
in `workflow.py`.

Every function takes the acting user first, checks `policy`, and raises `NotAllowed` (the role is
missing) or `RuleViolation` (refused, with a message for the user). State changes go through
compare-and-set, so two people acting at once leave one winner and a clear message for the other.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import policy
from ..accounts.models import REPRESENTATIVE, User
from ..audit.services import record
from ..database import utcnow
from ..errors import NotAllowed, RuleViolation, found, require
from ..extensions import db
from ..orgs.models import Organization
from . import notices
from .certification import PreparedCopy, certify_after_approval, prepare_signing_copy
from .models import (APPROVED, DRAFT, IN_FORCE, RETURNED, SUBMITTED, TERMINATED, Agreement, AgreementComment,
                     AgreementParty)
from .printing import freeze_parties
from .workflow import conflict, transition


def get_visible_agreement(user, agreement_id: int) -> Agreement:
    """The agreement, for its parties' people and the coordinators; NotFound for anyone else."""
    agreement = db.session.get(Agreement, agreement_id)
    return found(agreement, agreement is not None and policy.can_view_agreement(user, agreement))


# ---------------------------------------------------------------- who signs

def representatives(org: Organization) -> list[User]:
    return sorted((p for p in org.people if p.is_active and p.role == REPRESENTATIVE), key=lambda p: p.id)


def choose_signatory(actor, agreement: Agreement, person: User) -> None:
    require(policy.can_choose_signatory(actor, agreement))
    party = agreement.party_for(actor.org_id)
    if person.org_id != actor.org_id or not person.is_active or not person.is_representative:
        raise RuleViolation(_l("Only a representative of your organization can sign for it."), field="signatory")
    party.signatory_id = person.id
    db.session.flush()
    record("agreement.signatory", actor=actor, obj=agreement, signatory=person.id)


# ---------------------------------------------------------------- comments

def add_comment(actor, agreement: Agreement, body: str) -> AgreementComment:
    require(policy.can_comment_agreement(actor, agreement))
    if not body.strip():
        raise RuleViolation(_l("Write a comment."), field="body")
    comment = AgreementComment(agreement=agreement, author_id=actor.id, org_id=actor.org_id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    record("agreement.comment", actor=actor, obj=agreement)
    notices.tell_parties(actor, agreement, "comment", comment=comment.body)
    return comment


# ---------------------------------------------------------------- submission and decision

def submit(actor, agreement: Agreement) -> None:
    require(policy.can_draft_agreement(actor) and actor.org_id == agreement.drafting_org_id)
    if agreement.state != DRAFT:
        raise conflict(agreement)
    missing = [p.org.name for p in agreement.parties if p.signatory is None or not p.signatory.is_active]
    if missing:
        raise RuleViolation(_l("Each party needs a representative to sign. Without one: %(names)s.",
                               names=", ".join(missing)))
    transition(agreement, DRAFT, SUBMITTED, submitted_at=utcnow(), return_comment="")
    record("agreement.submitted", actor=actor, obj=agreement)
    notices.tell_parties(actor, agreement, "submitted")
    notices.tell_coordinators(actor, agreement, "submitted")


def return_to_drafter(actor, agreement: Agreement, comment: str) -> None:
    require(policy.is_coordinator(actor))
    if not comment.strip():
        raise RuleViolation(_l("Say what should be changed."), field="comment")
    transition(agreement, SUBMITTED, RETURNED, return_comment=comment.strip(), decided_by_id=actor.id)
    record("agreement.returned", actor=actor, obj=agreement, comment=comment.strip())
    notices.tell_parties(actor, agreement, "returned")


def _check_approval(actor, agreement: Agreement) -> None:
    require(policy.is_coordinator(actor))
    if agreement.state != SUBMITTED:
        raise conflict(agreement)
    inactive = [p.org.name for p in agreement.parties if not p.org.is_active]
    if inactive:
        raise RuleViolation(_l("Only active members can be parties. Not active: %(names)s.", names=", ".join(inactive)))
    unsigned = [p.org.name for p in agreement.parties if p.signatory is None or not p.signatory.is_active]
    if unsigned:
        raise RuleViolation(_l("Each party needs a representative to sign. Without one: %(names)s.",
                               names=", ".join(unsigned)))


def prepare_approval(actor, agreement: Agreement, now: datetime | None = None) -> PreparedCopy | None:
    """The signing copy `approve` will store, made before it, outside the write lock (certification.py); None
    with a job queue, or when the agreement cannot be approved now (`approve` then says why)."""
    try:
        _check_approval(actor, agreement)
    except (RuleViolation, NotAllowed):
        return None
    return prepare_signing_copy(agreement, now or utcnow())


def approve(actor, agreement: Agreement, now: datetime | None = None, prepared: PreparedCopy | None = None) -> None:
    """Freezes the text (the party details are copied) and asks for the certified signing copy: `prepared`, or
    made at once, without a job queue; by a worker soon after with one (certification.py)."""
    _check_approval(actor, agreement)
    now = prepared.approved_at if prepared is not None else (now or utcnow())
    transition(agreement, SUBMITTED, APPROVED, approved_at=now.replace(microsecond=0), decided_by_id=actor.id,
                return_comment="")
    freeze_parties(agreement)
    record("agreement.approved", actor=actor, obj=agreement)
    certify_after_approval(agreement, prepared)


# ---------------------------------------------------------------- ending

def terminate(actor, agreement: Agreement, reason: str) -> None:
    if agreement.state in (APPROVED, IN_FORCE):
        require(policy.can_terminate_agreement(actor, agreement))
    else:  # ended or not yet approved: the transition below says so
        require(policy.is_coordinator(actor) or policy.is_agreement_party(actor, agreement))
    if not reason.strip():
        raise RuleViolation(_l("Give a reason."), field="reason")
    transition(agreement, (APPROVED, IN_FORCE), TERMINATED, ended_at=utcnow(), ended_by_id=actor.id,
                end_reason=reason.strip())
    record("agreement.terminated", actor=actor, obj=agreement, reason=reason.strip())
    notices.tell_parties(actor, agreement, "terminated")


# ---------------------------------------------------------------- lists

def _with_parties():
    """Lists show each agreement's parties: loaded with it, not one query per row."""
    return selectinload(Agreement.parties).selectinload(AgreementParty.org)


def for_org(org_id: int) -> list[Agreement]:
    return db.session.scalars(
        select(Agreement).join(AgreementParty).where(AgreementParty.org_id == org_id).options(_with_parties())
        .order_by(Agreement.id.desc())).all()


def approval_queue() -> list[Agreement]:
    return db.session.scalars(select(Agreement).where(Agreement.state == SUBMITTED).options(_with_parties())
                              .order_by(Agreement.submitted_at, Agreement.id)).all()


def waiting_for_approval() -> int:
    return db.session.scalar(select(func.count()).where(Agreement.state == SUBMITTED))


def all_agreements(state: str | None = None) -> list[Agreement]:
    query = select(Agreement).options(_with_parties()).order_by(Agreement.id.desc())
    if state:
        query = query.where(Agreement.state == state)
    return db.session.scalars(query).all()
