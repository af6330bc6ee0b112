"""Membership rules: applying, deciding, suspending, and the people of an organization."""
import re
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..accounts import services as accounts
from ..accounts.models import MEMBER, REPRESENTATIVE, User
from ..audit.services import record
from ..certificates.revocation import withdraw
from ..certificates.services import issue_certificate
from ..database import StateConflict, compare_and_set, utcnow
from ..errors import RuleViolation, found, require
from ..extensions import db
from ..mail.services import enqueue_template
from ..notifications.services import notify, resolve
from ..text import fold_diacritics, latvian_sort_key
from .models import ACTIVE, APPLIED, REJECTED, SUSPENDED, Organization

ORG_FIELDS = (
    "name", "legal_form", "registration_number", "legal_address", "municipality",
    "email", "phone", "website", "description",
)


def coordinators() -> list[User]:
    return db.session.scalars(
        select(User).join(User.org).where(
            User.is_coordinator.is_(True), User.removed_at.is_(None), Organization.state == ACTIVE
        )
    ).all()


def member_organizations() -> list[Organization]:
    """Active members in Latvian alphabetical order (Č after C, Š after S)."""
    members = db.session.scalars(select(Organization).where(Organization.state == ACTIVE))
    return sorted(members, key=lambda org: latvian_sort_key(org.name))


LOOKUP_LIMIT = 20


@lru_cache(maxsize=8192)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[^\W_]+", fold_diacritics(name)))


@lru_cache(maxsize=8192)
def _searchable(name: str) -> str:
    return " " + " ".join(_name_words(name))


def _matches(name: str, wanted: tuple[str, ...]) -> bool:
    """Every word typed begins a word of the name, diacritics and case aside ('balt maj' finds 'Baltā māja')."""
    searchable = _searchable(name)
    return all(" " + w in searchable for w in wanted)


def organization_lookup(typed: str, limit: int | None = LOOKUP_LIMIT) -> list[tuple[int, str]]:
    """(id, name) of the active members whose name the typed words begin, in Latvian order: the catalogue's
    organization filter."""
    wanted = _name_words(typed[:200])
    if not wanted:
        return []
    rows = db.session.execute(select(Organization.id, Organization.name).where(Organization.state == ACTIVE))
    found = sorted(((row.id, row.name) for row in rows if _matches(row.name, wanted)),
                   key=lambda pair: latvian_sort_key(pair[1]))
    return found[:limit]


def find_member(typed: str) -> tuple[int | None, list[tuple[int, str]]]:
    """The active member a typed name means: (its id, []) when the name is exact or only one matches;
    otherwise (None, the first matches in Latvian order)."""
    found = organization_lookup(typed, limit=None)
    exact = [pair for pair in found if _name_words(pair[1]) == _name_words(typed[:200])]
    if len(exact) == 1:
        return exact[0][0], []
    if len(found) == 1:
        return found[0][0], []
    return None, found[:LOOKUP_LIMIT]


def member_name(org_id: int) -> str | None:
    """The name of this active member, or None."""
    return db.session.scalar(select(Organization.name).where(Organization.id == org_id, Organization.state == ACTIVE))


def get_visible_org(user, org_id: int, permission=policy.can_see_org) -> Organization:
    """The organization if this user may see it in this way (`permission`); NotFound otherwise, whatever
    the reason."""
    org = db.session.get(Organization, org_id)
    return found(org, org is not None and permission(user, org))


def pending_applications() -> list[Organization]:
    return db.session.scalars(
        select(Organization).where(Organization.state == APPLIED).order_by(Organization.applied_at)).all()


def decided_organizations() -> list[Organization]:
    """Every organization that has been decided on (members, suspended, rejected), in Latvian order."""
    return sorted(db.session.scalars(select(Organization).where(Organization.state != APPLIED)),
                  key=lambda org: latvian_sort_key(org.name))


def representatives(org: Organization) -> list[User]:
    return [p for p in org.people if p.is_representative and p.removed_at is None]


def registration_number_taken(number: str, *, except_org_id: int | None = None) -> bool:
    query = select(Organization.id).where(Organization.registration_number == number)
    if except_org_id is not None:
        query = query.where(Organization.id != except_org_id)
    return db.session.scalar(query) is not None


def check_application(*, registration_number: str | None, email: str | None, name: str | None,
                      password: str | None) -> None:
    """Every problem of an application at once (None: a value the form already refused)."""
    problems = {}
    if registration_number and registration_number_taken(registration_number):
        problems["registration_number"] = _l("An organization with this registration number is already registered.")
    if email and accounts.email_taken(email):
        problems["person_email"] = _l("An account with this e-mail address already exists.")
    problem = password is not None and accounts.password_problem(password, user_inputs=(email or "", name or ""))
    if problem:
        problems["password"] = problem
    if problems:
        raise RuleViolation.of_fields(problems)


def apply_for_membership(org_data: dict, person: dict, password: str, locale: str) -> Organization:
    """A visitor's application: the organization (applied) and its future representative."""
    check_application(registration_number=org_data["registration_number"], email=person["email"],
                      name=person["name"], password=password)
    try:
        with db.session.begin_nested():
            org = Organization(state=APPLIED, **{k: org_data[k] for k in ORG_FIELDS})
            db.session.add(org)
            applicant = accounts.new_account(
                org, person["email"], name=person["name"], position=person["position"],
                role=REPRESENTATIVE, locale=locale,
            )
            applicant.password_hash = accounts.hash_password(password)
            db.session.flush()
    except IntegrityError:
        raise RuleViolation(_l("This organization or e-mail address has just been registered."),
                            field="registration_number") from None
    record("org.applied", actor=applicant, org=org, obj=org, name=org.name)
    waiting_for = coordinators()
    notify(waiting_for, "application_received", link=f"/coordination/applications/{org.id}",
           action=decision_key(org), org=org.name)
    enqueue_template(applicant, "application_received", org=org)
    for coordinator in waiting_for:
        enqueue_template(coordinator, "application_waiting", org=org, applicant=applicant)
    return org


def decision_key(org: Organization) -> str:
    """The action an application asks of the coordinators: approve or reject it."""
    return f"org:{org.id}:decide"


def _require_coordinator(actor):
    require(policy.is_coordinator(actor))


def _decide(actor, org: Organization, from_states, to_state: str, conflict_message, **values) -> None:
    try:
        compare_and_set(Organization, org.id, from_states, state=to_state, **values)
    except StateConflict:
        db.session.refresh(org)
        raise RuleViolation(conflict_message) from None
    db.session.refresh(org)


def approve_application(actor, org: Organization) -> None:
    _require_coordinator(actor)
    _decide(
        actor, org, APPLIED, ACTIVE,
        _l("This application has already been decided by another coordinator."),
        decided_at=utcnow(), decided_by_id=actor.id, decision_reason="",
    )
    record("org.approved", actor=actor, org=org, obj=org)
    resolve(decision_key(org))
    issue_certificate(org, actor=actor)
    for person in org.people:
        enqueue_template(person, "application_approved", org=org)
        notify([person], "org_approved", link=f"/orgs/{org.id}", org=org.name)


def reject_application(actor, org: Organization, reason: str) -> None:
    _require_coordinator(actor)
    if not reason.strip():
        raise RuleViolation(_l("Give a reason for the rejection."))
    _decide(
        actor, org, APPLIED, REJECTED,
        _l("This application has already been decided by another coordinator."),
        decided_at=utcnow(), decided_by_id=actor.id, decision_reason=reason.strip(),
    )
    record("org.rejected", actor=actor, org=org, obj=org, reason=reason.strip())
    resolve(decision_key(org))
    for person in org.people:
        enqueue_template(person, "application_rejected", org=org, reason=reason.strip(), actor=actor)
        # A rejected applicant cannot log in: the account only existed for the application.
        person.removed_at = utcnow()
        person.end_all_sessions()


def suspend(actor, org: Organization, reason: str) -> None:
    require(policy.can_suspend(actor, org))
    _decide(actor, org, ACTIVE, SUSPENDED, _l("This organization is not active any more."),
            decision_reason=reason.strip())
    for person in org.people:
        person.end_all_sessions()
    withdraw(actor, org)
    record("org.suspended", actor=actor, org=org, obj=org, reason=reason.strip())
    notify(org.people, "org_suspended", link=f"/orgs/{org.id}", org=org.name)
    for person in representatives(org):
        enqueue_template(person, "org_suspended", org=org, reason=reason.strip(), actor=actor)


def reactivate(actor, org: Organization) -> None:
    require(policy.can_suspend(actor, org))
    _decide(actor, org, SUSPENDED, ACTIVE, _l("This organization is not suspended."), decision_reason="")
    record("org.reactivated", actor=actor, org=org, obj=org)
    notify(org.people, "org_reactivated", link=f"/orgs/{org.id}", org=org.name)
    for person in representatives(org):
        enqueue_template(person, "org_reactivated", org=org, actor=actor)


def update_profile(actor, org: Organization, data: dict) -> None:
    require(policy.can_manage_org(actor, org))
    if registration_number_taken(data["registration_number"], except_org_id=org.id):
        raise RuleViolation(_l("An organization with this registration number is already registered."),
                            field="registration_number")
    changed = sorted(k for k in ORG_FIELDS if getattr(org, k) != data[k])
    for key in ORG_FIELDS:
        setattr(org, key, data[key])
    db.session.flush()
    record("org.profile_updated", actor=actor, org=org, obj=org, fields=changed)


def invite(actor, org: Organization, email: str, name: str, role: str) -> User:
    require(policy.can_manage_org(actor, org))
    if role not in (MEMBER, REPRESENTATIVE):
        raise RuleViolation(_l("Choose a role."))
    if accounts.email_taken(email):
        raise RuleViolation(_l("An account with this e-mail address already exists."), field="email")
    person = accounts.new_account(org, email, name=name.strip(), role=role, locale=actor.locale, position="")
    db.session.flush()
    token = accounts.issue_token(person, accounts.INVITATION)
    record("person.invited", actor=actor, org=org, obj=person, email=person.email, role=role)
    enqueue_template(person, "invitation", org=org, inviter=actor, link=accounts.token_url(token, accounts.INVITATION, person.locale))
    return person


def _person_of(org: Organization, user_id: int) -> User:
    person = db.session.get(User, user_id)
    return found(person, person is not None and person.org_id == org.id and person.removed_at is None)


def _other_representatives(org: Organization, person: User) -> int:
    return db.session.scalar(
        select(func.count()).where(
            User.org_id == org.id, User.role == REPRESENTATIVE, User.removed_at.is_(None), User.id != person.id
        )
    )


def change_role(actor, org: Organization, user_id: int, role: str) -> User:
    require(policy.can_manage_org(actor, org))
    person = _person_of(org, user_id)
    if role not in (MEMBER, REPRESENTATIVE):
        raise RuleViolation(_l("Choose a role."))
    if person.role == role:
        return person
    if role == MEMBER and _other_representatives(org, person) == 0:
        raise RuleViolation(_l("The organization must keep at least one representative."))
    person.role = role
    db.session.flush()
    record("person.role_changed", actor=actor, org=org, obj=person, role=role)
    kind = "became_representative" if role == REPRESENTATIVE else "became_member"
    notify([person], kind, link=f"/orgs/{org.id}/people", org=org.name)
    return person


def remove_person(actor, org: Organization, user_id: int) -> User:
    require(policy.can_manage_org(actor, org))
    person = _person_of(org, user_id)
    if person.is_representative and _other_representatives(org, person) == 0:
        raise RuleViolation(_l("The organization must keep at least one representative."))
    person.removed_at = utcnow()
    person.end_all_sessions()
    db.session.flush()
    record("person.removed", actor=actor, org=org, obj=person, email=person.email)
    return person


def coordinating_org(name: str | None = None) -> Organization:
    """The network's coordinating organization, created on first use (for the first coordinator)."""
    org = db.session.scalar(select(Organization).where(Organization.is_coordinating.is_(True)))
    if org is not None:
        return org
    org = Organization(
        name=name or current_app.config["NETWORK_NAME"], legal_form="association",
        registration_number="0" * 11, legal_address="", municipality="other",
        email=current_app.config["MAIL_FROM"], state=ACTIVE, is_coordinating=True, decided_at=utcnow(),
    )
    db.session.add(org)
    db.session.flush()
    record("org.created_as_coordinating", org=org, obj=org)
    return org
