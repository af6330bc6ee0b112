"""Who hears of an agreement's step: every active person of the parties in the portal (the bell), and
by e-mail the parties' representatives and the drafter. Coordinators hear of submissions. The person
who acted is not told of their own step.

The bell's notifications that ask for an action carry its key, and each step resolves the keys it
completes (see portal.notifications.services): reading and commenting on a draft (each party but the
drafter's), approving (the coordinators), changing a returned draft (the drafter), signing (each party's
signatory). An agreement that is in force or has ended has nothing left to do."""
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..mail.services import enqueue_template
from ..notifications.services import notify, resolve, resolve_all
from .workflow import KIND_LABELS


def link_to(agreement) -> str:
    return f"/agreements/{agreement.id}"


def _subject(agreement) -> str:
    return f"agreement:{agreement.id}"


def review_key(agreement, org_id: int) -> str:
    return f"{_subject(agreement)}:review:{org_id}"


def sign_key(agreement, org_id: int) -> str:
    return f"{_subject(agreement)}:sign:{org_id}"


def approve_key(agreement) -> str:
    return f"{_subject(agreement)}:approve"


def revise_key(agreement) -> str:
    return f"{_subject(agreement)}:revise"


def _party_people(agreement) -> list[User]:
    return [person for party in agreement.parties for person in party.org.people if person.is_active]


def _mail_recipients(agreement) -> list[User]:
    chosen = {p.id: p for p in _party_people(agreement) if p.is_representative or p.id == agreement.drafted_by_id}
    return list(chosen.values())


def _action_for(person, agreement, event: str) -> str:
    """The action this step asks of `person`, or ""."""
    party = agreement.party_for(person.org_id)
    if party is None:
        return ""
    if event == "drafted" and person.is_representative and person.org_id != agreement.drafting_org_id:
        return review_key(agreement, person.org_id)
    if event == "returned" and person.is_representative and person.org_id == agreement.drafting_org_id:
        return revise_key(agreement)
    if event in ("approved", "signed") and party.signatory_id == person.id and party.signature is None:
        return sign_key(agreement, person.org_id)
    return ""


def _mail_context(agreement, actor, **details) -> dict:
    kind = KIND_LABELS["accession" if agreement.is_accession else agreement.kind]
    return {"agreement": agreement, "actor": actor, "link": link_to(agreement), "kind": kind, **details}


def _resolve_done(actor, agreement, event: str) -> None:
    if event == "comment" and actor is not None:
        resolve(review_key(agreement, actor.org_id))
    elif event == "submitted":
        resolve(revise_key(agreement), *(review_key(agreement, p.org_id) for p in agreement.parties))
    elif event in ("approved", "returned"):
        resolve(approve_key(agreement))
    elif event == "signed" and actor is not None:
        resolve(sign_key(agreement, actor.org_id))
    elif event in ("in_force", "terminated", "expired"):
        resolve_all(_subject(agreement))


def tell_parties(actor, agreement, event: str, **details) -> None:
    """`details` go to the mail (a new comment's text: comment=…)."""
    _resolve_done(actor, agreement, event)
    actor_id = getattr(actor, "id", None)
    # The one who acted is not told, unless the step asks something more of them (a coordinator who
    # approves may be the one who signs for their organization).
    people = [p for p in _party_people(agreement) if p.id != actor_id or _action_for(p, agreement, event)]
    params = dict(title=agreement.title, number=agreement.number, org=actor.org.name if actor is not None else "")
    by_action: dict[str, list[User]] = {}
    for person in people:
        by_action.setdefault(_action_for(person, agreement, event), []).append(person)
    for action, group in by_action.items():
        notify(group, f"agreement_{event}", link=link_to(agreement), action=action, **params)
    for person in _mail_recipients(agreement):
        if person.id != actor_id:
            enqueue_template(person, "agreement_event", event=event, **_mail_context(agreement, actor, **details))


def tell_coordinators(actor, agreement, event: str) -> None:
    coordinators = db.session.scalars(select(User).where(User.is_coordinator.is_(True))).all()
    coordinators = [c for c in coordinators if c.is_active]
    notify(coordinators, f"agreement_{event}_coordinator", link=link_to(agreement), action=approve_key(agreement),
           title=agreement.title, number=agreement.number, org=agreement.drafting_org.name)
    for person in coordinators:
        enqueue_template(person, "agreement_event", event=f"{event}_coordinator", **_mail_context(agreement, actor))


def remind(people, agreement, event: str) -> None:
    """A reminder (to sign, or of the review date) to the people given."""
    for person in people:
        action = sign_key(agreement, person.org_id) if event == "sign_reminder" else ""
        notify([person], f"agreement_{event}", link=link_to(agreement), action=action, title=agreement.title,
               number=agreement.number, org="")
        enqueue_template(person, "agreement_event", event=event, **_mail_context(agreement, None))
