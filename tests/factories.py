"""Test data: organizations, people, catalogue entries, exchanges, agreements, and the `world` of three orgs.
Plain functions on the current database session; the fixtures in conftest.py call them."""
from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import MEMBER, REPRESENTATIVE, User
from portal.accounts.passwords import hash_password
from portal.extensions import db
from portal.orgs.models import ACTIVE, APPLIED, Organization

PASSWORD = "correct horse battery staple"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


_counter = iter(range(10**6))


def next_number() -> int:
    """A number no other factory call has used in this run (for unique names and e-mails)."""
    return next(_counter)


def make_org(name=None, state=ACTIVE, coordinating=False, **fields) -> Organization:
    n = next(_counter)
    org = Organization(
        name=name or f"Biedrība {n}", legal_form="association",
        registration_number=fields.pop("registration_number", f"4{n:010d}"),
        legal_address=f"Rīgas iela {n}, Daugavpils", municipality="daugavpils",
        email=f"org{n}@example.org", state=state, is_coordinating=coordinating,
        description="Apraksts", **fields,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(org, role=MEMBER, coordinator=False, email=None, name=None, **fields) -> User:
    n = next(_counter)
    user = User(org=org, email=email or f"person{n}@example.org", name=name or f"Person {n}",
                position="biedrs", role=role, is_coordinator=coordinator, locale="lv",
                password_hash=PASSWORD_HASH, **fields)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class World:
    """The coordinating org with a coordinator; org B with a representative and a member;
    org C with a representative and a member; an applied org D."""
    coord_org: Organization
    coordinator: User
    org: Organization
    representative: User
    member: User
    other_org: Organization
    other_representative: User
    other_member: User
    applicant_org: Organization
    applicant: User
    resource: "Resource"  # network-only offer of org B
    public_resource: "Resource"  # public offer of org B, with a photo
    paused_resource: "Resource"  # paused offer of org B
    need: "Need"  # network-only need of org B
    exchange: "Exchange"  # org C's pending request for `resource`
    accepted_exchange: "Exchange"  # org C's accepted request for `resource`, with a recorded condition
    feed_token: str  # org B's calendar feed

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None, "member": self.member, "representative": self.representative,
            "coordinator": self.coordinator, "other": self.other_member,
        }[role]


def resource_data(**overrides) -> dict:
    data = {
        "kind": "material", "category": "premises", "title": "Konferenču zāle “Dzerkaļi”",
        "description": "Zāle ar 40 sēdvietām un projektoru.", "municipality": "ludzas", "location": "Cirmas pagasts",
        "quantity": 40, "unit": "vietas", "languages": "lv,ltg", "terms": "cost_sharing", "availability": "",
        "visibility": "network", "format": "", "audience": "", "handover": "with_operator",
        "value_eur": None, "value_unit": "", "licence": "",
    }
    data.update(overrides)
    return data


def make_resource(actor, model=None, **overrides):
    from portal.resources import services as catalogue
    from portal.resources.models import Need, Resource

    model = model or Resource
    data = resource_data(**overrides)
    if model is Need:
        for key in ("value_eur", "value_unit", "licence"):
            data.pop(key)
    return catalogue.publish(model, actor, data)


def small_jpeg(color=(200, 30, 30), size=(64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def request_exchange(requester, resource, start_in_days=10, days=2, quantity=1, **extra):
    from datetime import date, timedelta

    from portal.exchanges import services as exchanges

    start = date.today() + timedelta(days=start_in_days)
    return exchanges.request_exchange(
        requester, resource, starts_on=start, ends_on=start + timedelta(days=days - 1), quantity=quantity,
        hours=extra.pop("hours", None), purpose=extra.pop("purpose", "Seminārs"), message=extra.pop("message", ""))


def make_agreement(world, state="draft", drafter=None, partner=None, language="lv"):
    """A cooperation agreement drafted by org B's representative (or `drafter`) with the coordinating
    organization (or `partner`), brought to `state`: draft, submitted, returned, approved or in_force."""
    from datetime import date, timedelta

    from portal.agreements import drafting, services as agreements, signatures

    drafter = drafter or world.representative
    partner = partner or world.coord_org
    agreement = drafting.draft_cooperation(drafter, partner, language=language, valid_from=date.today(),
                                           valid_to=date.today() + timedelta(days=365))
    if state == "draft":
        return agreement
    agreements.submit(drafter, agreement)
    if state == "returned":
        agreements.return_to_drafter(world.coordinator, agreement, "Lūdzu, precizējiet 3. punktu.")
    elif state in ("approved", "in_force"):
        agreements.approve(world.coordinator, agreement)
    if state == "in_force":
        for party in agreement.parties:
            signatures.sign(party.signatory, agreement, password=PASSWORD, typed_name=party.signatory.name,
                            consent=True)
    assert agreement.state == state
    return agreement


def _exchanges(owner, requester, resource):
    from portal.exchanges import services as exchanges

    pending = request_exchange(requester, resource, start_in_days=30)
    accepted = request_exchange(requester, resource, start_in_days=10, purpose="Darbnīca")
    exchanges.accept(owner, accepted)
    exchanges.record_condition(owner, accepted, "handover", "Viss kārtībā", small_jpeg((0, 0, 200)))
    feed = exchanges.renew_calendar_feed(owner, owner.org)
    return pending, accepted, feed.token


def build_world() -> World:
    """The World of the `world` fixture, made in the current database."""
    from portal.resources import services as catalogue
    from portal.resources.models import Need

    coord_org = make_org("Intelekta parks", coordinating=True)
    org = make_org("Baltā māja")
    other = make_org("Sukrums")
    applied = make_org("Jaunā biedrība", state=APPLIED)
    representative = make_user(org, REPRESENTATIVE, email="rep@example.org", name="Inguna Badune")
    resource = make_resource(representative)
    public_resource = make_resource(representative, title="Projektors un ekrāns", category="equipment",
                                    visibility="public", handover="pickup")
    catalogue.add_photo(representative, public_resource, small_jpeg())
    paused_resource = make_resource(representative, title="Mikroautobuss", category="vehicle")
    catalogue.change_state(representative, paused_resource, "paused")
    need = make_resource(representative, model=Need, title="Meklējam lektoru", kind="intellectual",
                         category="training", handover="", format="in_person")
    other_member = make_user(other, MEMBER, email="other@example.org")
    exchange, accepted_exchange, feed_token = _exchanges(representative, other_member, resource)
    w = World(
        coord_org=coord_org,
        coordinator=make_user(coord_org, REPRESENTATIVE, coordinator=True, email="coordinator@example.org"),
        org=org,
        representative=representative,
        member=make_user(org, MEMBER, email="member@example.org", name="Jānis Kalniņš"),
        other_org=other,
        other_representative=make_user(other, REPRESENTATIVE, email="other.rep@example.org"),
        other_member=other_member,
        applicant_org=applied,
        applicant=make_user(applied, REPRESENTATIVE, email="applicant@example.org"),
        resource=resource, public_resource=public_resource, paused_resource=paused_resource, need=need,
        exchange=exchange, accepted_exchange=accepted_exchange, feed_token=feed_token,
    )
    from portal.certificates.services import ensure_authority

    ensure_authority()  # the network CA, as `portal init` makes it
    # Tests start with an empty outbox and no notifications: what they see is what they caused.
    from portal.mail.models import OutboxMessage
    from portal.notifications.models import Notification

    db.session.execute(sa.delete(OutboxMessage))
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    return w


def make_token(user, scope="read", days=30) -> str:
    """A personal API token of `user`; returns the secret to send as `Authorization: Bearer …`."""
    from portal.api import services as api_tokens

    return api_tokens.create_token(user, name=f"token {next_number()}", scope=scope, expires_in_days=days).secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
