"""Drafting an agreement: a new draft of each kind (cooperation, the network agreement and its amendments,
an accession, an agreement on an exchange), prefilled with its clauses and parties, and the editing of the
draft's text. Submission, the decision and the rest are in `services.py`.

Every function takes the acting user first, checks `policy`, and raises `NotAllowed` (the role is missing)
or `RuleViolation` (refused, with a message for the user).
"""
import secrets
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import policy
from ..accounts.models import User
from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation, require
from ..exchanges.models import ACCEPTED as EXCHANGE_ACCEPTED, COMPLETED as EXCHANGE_COMPLETED
from ..extensions import db
from ..orgs.models import ACTIVE as ORG_ACTIVE, Organization
from ..text import latvian_sort_key
from . import notices
from .clause_templates import draft_text
from .document import LANGUAGES
from .models import (COOPERATION, DRAFT, EDITABLE_STATES, EXCHANGE, IN_FORCE, NETWORK, RETURNED, TERMINATED,
                     Agreement, AgreementParty)
from .printing import DEFAULT_PLACE, printed_org_name
from .services import representatives
from .workflow import conflict

# What one draft may hold: enough for a long agreement (the templates' longest section is ~1,100 characters,
# the whole network agreement ~6,800), bounded so that rendering one stays around a second.
MAX_CLAUSES = 40
MAX_POINTS = 40  # per section
MAX_POINT_TEXT = 2_000
MAX_CLAUSE_TEXT = 8_000
MAX_DRAFT_TEXT = 60_000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# ---------------------------------------------------------------- the parties

def _default_signatory(org: Organization, actor) -> User | None:
    if actor.org_id == org.id and actor.is_representative:
        return actor
    people = representatives(org)
    return people[0] if people else None


def active_members() -> list[Organization]:
    """The organizations of the network agreement: the coordinating one first, the rest in Latvian order."""
    orgs = db.session.scalars(select(Organization).where(Organization.state == ORG_ACTIVE)).all()
    return sorted(orgs, key=lambda o: (not o.is_coordinating, latvian_sort_key(o.name)))


def partner_choices(actor) -> list[Organization]:
    """Organizations a cooperation agreement can be drafted with."""
    return [org for org in active_members() if org.id != actor.org_id]


# ---------------------------------------------------------------- new drafts

def term_problems(valid_from: date | None, valid_to: date | None, review_on: date | None = None) -> dict:
    """{field: message} of an agreement's dates; None: a date not given (or already refused by the form)."""
    problems = {}
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        problems["valid_to"] = _l("The end date must be on or after the start date.")
    if valid_from is not None and review_on is not None and review_on < valid_from:
        problems["review_on"] = _l("The review date must be on or after the start date.")
    return problems


def _check_term(valid_from: date, valid_to: date | None, review_on: date | None = None) -> None:
    problems = term_problems(valid_from, valid_to, review_on)
    if problems:
        raise RuleViolation.of_fields(problems)


TITLE_LENGTH = 300


def title_naming_parties(title: str, orgs: list[Organization]) -> str:
    """"Sadarbības līgums: Sukrums – ATTĪSTĪBAI", so that queues and lists can be read; an agreement of the
    whole network keeps its own title. Within the column, long names shortened alike."""
    if len(orgs) != 2:
        return title[:TITLE_LENGTH]
    names = [org.name for org in orgs]
    room = (TITLE_LENGTH - len(title) - len(": ") - len(" – ")) // 2
    if any(len(name) > room for name in names):
        names = [name if len(name) <= room else name[:room - 1].rstrip() + "…" for name in names]
    return f"{title}: {' – '.join(names)}"


def _new_agreement(actor, *, kind: str, language: str, orgs: list[Organization], valid_from: date,
                   valid_to: date | None, text_kind: str, context: dict, **links) -> Agreement:
    require(policy.can_draft_agreement(actor))
    if language not in LANGUAGES:
        raise RuleViolation(_l("Choose Latvian or English."), field="language")
    _check_term(valid_from, valid_to)
    if actor.org_id not in {org.id for org in orgs}:
        raise RuleViolation(_l("Your organization must be one of the parties."))
    inactive = [org.name for org in orgs if not org.is_active]
    if inactive:
        raise RuleViolation(_l("Only active members can be parties. Not active: %(names)s.", names=", ".join(inactive)))
    text = draft_text(text_kind, language, **context)
    agreement = Agreement(
        kind=kind, title=title_naming_parties(text.title, orgs), language=language, place=DEFAULT_PLACE[language],
        clauses=[{"heading": heading, "text": body} for heading, body in text.clauses],
        valid_from=valid_from, valid_to=valid_to, state=DRAFT, verification_code=new_verification_code(),
        drafting_org_id=actor.org_id, drafted_by_id=actor.id, **links,
    )
    for position, org in enumerate(orgs):
        signatory = _default_signatory(org, actor)
        agreement.parties.append(AgreementParty(org=org, position=position,
                                                signatory_id=signatory.id if signatory else None))
    db.session.add(agreement)
    db.session.flush()
    agreement.number = f"{agreement.created_at.year}/{agreement.id}"
    record("agreement.drafted", actor=actor, obj=agreement, kind=kind, parties=[o.id for o in orgs])
    notices.tell_parties(actor, agreement, "drafted")
    return agreement


def draft_cooperation(actor, partner: Organization, *, language: str, valid_from: date,
                      valid_to: date | None) -> Agreement:
    if partner.id == actor.org_id:
        raise RuleViolation(_l("Choose another organization."), field="partner")
    return _new_agreement(actor, kind=COOPERATION, language=language, orgs=[actor.org, partner],
                          valid_from=valid_from, valid_to=valid_to, text_kind="cooperation", context={})


def network_agreement_in_force() -> Agreement | None:
    """The network agreement now in force (its newest version; accessions are not it)."""
    return db.session.scalar(
        select(Agreement).where(Agreement.kind == NETWORK, Agreement.accedes_to_id.is_(None),
                                Agreement.state == IN_FORCE).order_by(Agreement.version.desc()).limit(1))


def draft_network(actor, *, language: str, valid_from: date, valid_to: date | None) -> Agreement:
    """The network agreement of all active members; with one in force already, its amendment (a new version
    with its clauses, for all current members to sign)."""
    current = network_agreement_in_force()
    links = {}
    if current is not None:
        links = {"previous_id": current.id, "version": current.version + 1}
    members = active_members()
    coordinating = next((org for org in members if org.is_coordinating), None)
    context = {"network_name": current_app.config["NETWORK_NAME"]}
    if coordinating is not None:
        context["coordinator_name"] = printed_org_name(coordinating, language)
    agreement = _new_agreement(actor, kind=NETWORK, language=language, orgs=members, valid_from=valid_from,
                               valid_to=valid_to, text_kind="network", context=context, **links)
    if current is not None and current.language == language:
        agreement.clauses = list(current.clauses)
        agreement.title = current.title
    return agreement


def needs_accession(org: Organization) -> Agreement | None:
    """The network agreement in force that `org` has not signed nor acceded to (with an accession under way)."""
    current = network_agreement_in_force()
    if current is None or org.id in current.party_org_ids() or not org.is_active:
        return None
    joined = db.session.scalar(
        select(Agreement.id).join(AgreementParty).where(
            Agreement.accedes_to_id == current.id, AgreementParty.org_id == org.id,
            Agreement.state.not_in((TERMINATED,))).limit(1))
    return None if joined else current


def draft_accession(actor, *, language: str, valid_from: date) -> Agreement:
    """A new member's accession to the network agreement in force, with the coordinating organization,
    which signs it for the network."""
    current = needs_accession(actor.org)
    if current is None:
        raise RuleViolation(_l("Your organization has no network agreement to accede to."))
    coordinating = db.session.scalar(select(Organization).where(Organization.is_coordinating.is_(True)))
    context = {"network_name": current_app.config["NETWORK_NAME"], "agreement_title": current.title,
               "agreement_number": current.number,
               "agreement_date": (current.approved_at or current.created_at).date(),
               "member_name": printed_org_name(actor.org, language)}
    return _new_agreement(actor, kind=NETWORK, language=language, orgs=[actor.org, coordinating],
                          valid_from=valid_from, valid_to=current.valid_to, text_kind="accession",
                          context=context, accedes_to_id=current.id)


def draft_for_exchange(actor, exchange, *, language: str) -> Agreement:
    """An agreement on an accepted (or completed) exchange, prefilled from it; drafted by either side."""
    if exchange.state not in (EXCHANGE_ACCEPTED, EXCHANGE_COMPLETED):
        raise RuleViolation(_l("An agreement can be drafted for an accepted exchange only."))
    context = {"resource_title": exchange.resource.title, "owner_name": exchange.owner_org.name,
               "requester_name": exchange.requester_org.name, "starts_on": exchange.starts_on,
               "ends_on": exchange.ends_on, "quantity": exchange.quantity, "hours": exchange.hours,
               "purpose": exchange.purpose, "value_eur": exchange.value_eur}
    return _new_agreement(actor, kind=EXCHANGE, language=language,
                          orgs=[exchange.owner_org, exchange.requester_org], valid_from=exchange.starts_on,
                          valid_to=exchange.ends_on, text_kind="exchange", context=context,
                          exchange_id=exchange.id)


# ---------------------------------------------------------------- editing

def clean_clauses(clauses: list[tuple[str, str]]) -> list[dict]:
    """Drops sections left empty (that is how a section is removed); checks every section against the limits
    and reports every problem of the draft at once, each next to its section."""
    result, problems = [], {}
    for index, (heading, text) in enumerate(clauses):
        heading, text = (heading or "").strip(), (text or "").strip()
        if not heading and not text:
            continue
        n = index + 1
        points = [line for line in text.splitlines() if line.strip()]
        if not heading:
            problems[f"clauses-{index}-heading"] = _l("Section %(n)d needs a heading.", n=n)
        if len(text) > MAX_CLAUSE_TEXT:
            problems[f"clauses-{index}-text"] = _l("Section %(n)d is too long: at most %(max)d characters.",
                                                   n=n, max=MAX_CLAUSE_TEXT)
        elif len(points) > MAX_POINTS:
            problems[f"clauses-{index}-text"] = _l("Section %(n)d has too many points: at most %(max)d.",
                                                   n=n, max=MAX_POINTS)
        elif any(len(point) > MAX_POINT_TEXT for point in points):
            problems[f"clauses-{index}-text"] = _l("A point of section %(n)d is too long: at most %(max)d "
                                                   "characters a point. Split it into several points.",
                                                   n=n, max=MAX_POINT_TEXT)
        result.append({"heading": heading, "text": text})
    if not result:
        problems["clauses"] = _l("An agreement needs at least one section.")
    elif len(result) > MAX_CLAUSES:
        problems["clauses"] = _l("An agreement can have at most %(n)d sections.", n=MAX_CLAUSES)
    elif sum(len(c["heading"]) + len(c["text"]) for c in result) > MAX_DRAFT_TEXT:
        problems["clauses"] = _l("The agreement is too long: at most %(n)d characters in all.", n=MAX_DRAFT_TEXT)
    if problems:
        raise RuleViolation.of_fields(problems)
    return result


def check_draft(*, title: str | None, valid_from: date | None, valid_to: date | None, review_on: date | None,
                clauses: list[tuple[str, str]]) -> None:
    """Every problem of a draft's text at once (None: a value the form already refused)."""
    problems = {}
    if title is not None and not title.strip():
        problems["title"] = _l("Give the agreement a title.")
    problems.update(term_problems(valid_from, valid_to, review_on))
    try:
        clean_clauses(clauses)
    except RuleViolation as refused:
        problems.update(refused.field_messages)
    if problems:
        raise RuleViolation.of_fields(problems)


def update_draft(actor, agreement: Agreement, *, title: str, place: str, valid_from: date,
                 valid_to: date | None, review_on: date | None, clauses: list[tuple[str, str]],
                 expected_updated_at: datetime | None = None) -> None:
    """Saves the text. A returned agreement goes back to draft. `expected_updated_at` is when the editor
    loaded the form: if someone saved in between, the save is refused rather than overwrite their text."""
    require(policy.can_edit_agreement(actor, agreement))
    check_draft(title=title, valid_from=valid_from, valid_to=valid_to, review_on=review_on, clauses=clauses)
    cleaned = clean_clauses(clauses)
    was = agreement.state
    # A compare-and-set on the state and, when given, on the time of the save the editor started from:
    # of two editors saving at once, the second finds the row changed and overwrites nothing.
    conditions = [Agreement.id == agreement.id, Agreement.state.in_(EDITABLE_STATES)]
    if expected_updated_at is not None:
        conditions.append(Agreement.updated_at == expected_updated_at)
    changed = db.session.execute(
        update(Agreement).where(*conditions).values(
            state=DRAFT, title=title.strip(), place=place.strip(), valid_from=valid_from, valid_to=valid_to,
            review_on=review_on, clauses=cleaned, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")).rowcount
    db.session.refresh(agreement)
    if changed != 1:
        if agreement.state not in EDITABLE_STATES:
            raise conflict(agreement)
        raise RuleViolation(_l("Someone else has saved this agreement since you opened it. "
                               "Your text is below: copy what you need, then reload the page."))
    record("agreement.edited", actor=actor, obj=agreement, reopened=(was == RETURNED))


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat(timespec="microseconds") if moment else ""


def edit_stamp(agreement: Agreement) -> str:
    return _stamp(agreement.updated_at)
