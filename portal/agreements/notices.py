"""Who hears of an agreement's step: every active person of the parties in the portal (the bell), and
by e-mail the parties' representatives and the drafter. Coordinators hear of submissions. The person
who acted is not told of their own step."""
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..mail.services import enqueue_template
from ..notifications.services import notify


def link_to(agreement) -> str:
    return f"/agreements/{agreement.id}"


def _party_people(agreement) -> list[User]:
    return [person for party in agreement.parties for person in party.org.people if person.is_active]


def _mail_recipients(agreement) -> list[User]:
    chosen = {p.id: p for p in _party_people(agreement) if p.is_representative or p.id == agreement.drafted_by_id}
    return list(chosen.values())


def tell_parties(actor, agreement, event: str) -> None:
    actor_id = getattr(actor, "id", None)
    people = [p for p in _party_people(agreement) if p.id != actor_id]
    notify(people, f"agreement_{event}", link=link_to(agreement), title=agreement.title, number=agreement.number,
           org=actor.org.name if actor is not None else "")
    for person in _mail_recipients(agreement):
        if person.id != actor_id:
            enqueue_template(person, "agreement_event", event=event, agreement=agreement, actor=actor,
                             link=link_to(agreement))


def tell_coordinators(agreement, event: str) -> None:
    coordinators = db.session.scalars(select(User).where(User.is_coordinator.is_(True))).all()
    coordinators = [c for c in coordinators if c.is_active]
    notify(coordinators, f"agreement_{event}_coordinator", link=link_to(agreement), title=agreement.title,
           number=agreement.number, org=agreement.drafting_org.name)
    for person in coordinators:
        enqueue_template(person, "agreement_event", event=f"{event}_coordinator", agreement=agreement,
                         actor=None, link=link_to(agreement))


def remind(people, agreement, event: str) -> None:
    """A reminder (to sign, or of the review date) to the people given."""
    notify(people, f"agreement_{event}", link=link_to(agreement), title=agreement.title, number=agreement.number,
           org="")
    for person in people:
        enqueue_template(person, "agreement_event", event=event, agreement=agreement, actor=None,
                         link=link_to(agreement))
