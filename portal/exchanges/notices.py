"""Telling the other side of an exchange: a notification for its people, and mail to those who handle it."""
from ..accounts.models import User
from ..extensions import db
from ..mail.services import enqueue_template
from ..notifications.services import notify, resolve
from .models import Exchange


def _contacts(org, *people) -> list:
    """Who hears about an exchange on one side: the people named, and the representatives."""
    chosen = {p.id: p for p in people if p is not None and p.org_id == org.id and p.is_active}
    for person in org.people:
        if person.is_representative and person.is_active:
            chosen.setdefault(person.id, person)
    return list(chosen.values())


def answer_key(exchange: Exchange) -> str:
    """The action a request asks of the owner's people: accept or decline it."""
    return f"exchange:{exchange.id}:answer"


def confirm_key(exchange: Exchange, org_id: int) -> str:
    """The action a completion asks of the other side's people: confirm what happened."""
    return f"exchange:{exchange.id}:confirm:{org_id}"


def tell_other_side(actor, exchange: Exchange, event: str, **details) -> None:
    """`details` go to the mail: the text of a message (message=…), a condition record (note=…, stage=…), a
    side's comment on what happened (comment=…)."""
    if event in ("accepted", "declined", "withdrawn"):
        resolve(answer_key(exchange))
    other_org = exchange.other_side(actor.org_id)
    action = answer_key(exchange) if event == "requested" else ""
    if event in ("completed", "feedback") and exchange.confirmation_of(other_org.id) is None:
        action = confirm_key(exchange, other_org.id)  # their confirmation is still to come
    if actor.org_id == exchange.owner_org_id:
        org, people = exchange.requester_org, _contacts(exchange.requester_org, exchange.requested_by)
    else:
        creator = db.session.get(User, exchange.resource.created_by_id) if exchange.resource.created_by_id else None
        org, people = exchange.owner_org, _contacts(exchange.owner_org, creator)
    link = f"/exchanges/{exchange.id}"
    notify([p for p in org.people if p.is_active], f"exchange_{event}", link=link, action=action,
           org=actor.org.name, resource=exchange.resource.title)
    for person in people:
        enqueue_template(person, "exchange_event", event=event, exchange=exchange, actor=actor, link=link, **details)


def tell_both_sides(actor, exchange: Exchange, event: str, **details) -> None:
    """A step of someone who is neither side (a coordinator settling a dispute): every person of both
    organizations is notified; those who gave each side's account, and the representatives, get the mail."""
    link = f"/exchanges/{exchange.id}"
    for org in (exchange.owner_org, exchange.requester_org):
        confirmation = exchange.confirmation_of(org.id)
        named = (confirmation.given_by if confirmation else None,
                 exchange.requested_by if org.id == exchange.requester_org_id else None)
        notify([p for p in org.people if p.is_active], f"exchange_{event}", link=link,
               org=actor.org.name, resource=exchange.resource.title)
        for person in _contacts(org, *named):
            enqueue_template(person, "exchange_event", event=event, exchange=exchange, actor=actor, link=link,
                             **details)
