"""What the page sweep needs beyond the demo network, made through the services, and the ids it visits.

The demo has no photos, no application waiting, no agreement waiting for a signature and no one-time links;
the sweep adds one of each (with its own names, so journeys that ran before on the same live server do not
matter) and reads the ids of everything else from the database.
"""
import io
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

MEMBER = "janis.kalnins@balta-maja.example.org"          # Baltā māja
REPRESENTATIVE = "inguna.badune@balta-maja.example.org"  # Baltā māja
COORDINATOR = "maija.burima@intelekta-parks.example.org"  # Intelekta parks, its representative too
LOGINS = {"member": MEMBER, "representative": REPRESENTATIVE, "coordinator": COORDINATOR}
APPLICANT_NUMBER = "40008990017"
INVITED = "anna.liepina@balta-maja.example.org"


@dataclass(frozen=True)
class SweepIds:
    own_org: int            # Baltā māja: the member's and the representative's organization
    coordinating_org: int   # Intelekta parks
    applied_org: int
    public_resource: int    # Intelekta parks' hall, with a photo: what a visitor opens
    network_resource: int   # another organization's, network only: what a member requests
    own_resource: int       # Baltā māja's
    own_need: int
    other_need: int
    accepted_exchange: int  # Baltā māja uses Intelekta parks' hall: messages, a condition record with a photo
    incoming_request: int   # Sukrums asks for Baltā māja's minibus
    network_agreement: int  # in force, every member a party
    draft_agreement: int    # Baltā māja's exchange agreement draft
    submitted_agreement: int  # Sukrums and ATTĪSTĪBAI, waiting for a coordinator
    signing_agreement: int  # Baltā māja and Intelekta parks, approved, nobody has signed
    own_project: int        # Baltā māja's project of the demo, with tagged exchanges
    disputed_exchange: int  # Sukrums used ATTĪSTĪBAI's resource; their figures differ: what a coordinator settles
    verification_code: str
    invitation_token: str
    reset_token: str
    unlock_token: str


def hall_photo() -> bytes:
    image = Image.new("RGB", (900, 600), (214, 228, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 900, 600), fill=(150, 110, 70))         # the floor
    for x in range(90, 900, 160):                                    # rows of chairs
        draw.rectangle((x, 460, x + 90, 540), fill=(40, 70, 120))
    draw.rectangle((300, 80, 600, 300), fill=(250, 250, 250))       # the screen
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def prepare(app, password: str) -> SweepIds:
    from portal.accounts import services as accounts
    from portal.accounts.models import INVITATION, PASSWORD_RESET, UNLOCK, User
    from portal.agreements import drafting, services as agreements
    from portal.agreements.models import Agreement
    from portal.exchanges import services as exchanges
    from portal.exchanges.models import Exchange
    from portal.extensions import db
    from portal.orgs import services as orgs
    from portal.orgs.models import Organization
    from portal.reports.models import Project
    from portal.resources import services as catalogue
    from portal.resources.models import Need, Resource

    def person(email: str) -> User:
        return db.session.scalar(select(User).where(User.email == email))

    def org_named(name: str) -> Organization:
        return db.session.scalar(select(Organization).where(Organization.name == name))

    def titled(model, title: str):
        return db.session.scalar(select(model).where(model.title == title).order_by(model.id))

    with app.app_context():
        member, representative, coordinator = person(MEMBER), person(REPRESENTATIVE), person(COORDINATOR)
        balta, intelekta = representative.org, coordinator.org

        applied = db.session.scalar(select(Organization).where(Organization.registration_number == APPLICANT_NUMBER))
        if applied is None:
            applied = orgs.apply_for_membership(
                {"name": "Rēzeknes jauniešu centrs “Zīle”", "legal_form": "association",
                 "registration_number": APPLICANT_NUMBER, "legal_address": "Atbrīvošanas aleja 90, Rēzekne",
                 "municipality": "rezeknes", "email": "zile@example.org", "phone": "", "website": "",
                 "description": "Jauniešu brīvā laika centrs: nometnes, brīvprātīgais darbs, kino vakari."},
                {"name": "Kristaps Ziemelis", "email": "kristaps.ziemelis@zile.example.org", "position": "vadītājs"},
                password, "lv")

        hall = titled(Resource, "Konferenču zāle “Dzerkaļi”")
        if not hall.photos:
            catalogue.add_photo(coordinator, hall, hall_photo())

        exchange = db.session.scalar(select(Exchange).where(
            Exchange.resource_id == hall.id, Exchange.requester_org_id == balta.id, Exchange.purpose == "Brīvprātīgo apmācība"))
        if exchange is None:
            starts_on = date.today() + timedelta(days=70)
            exchange = exchanges.request_exchange(
                member, hall, starts_on=starts_on, ends_on=starts_on + timedelta(days=1), quantity=12, hours=None,
                purpose="Brīvprātīgo apmācība", message="Labdien! Vai zāle ir brīva šajās dienās?")
            exchanges.accept(coordinator, exchange)
            exchanges.post_message(coordinator, exchange, "Jā, gaidīsim jūs! Atslēgu varēs saņemt pie dežuranta.")
            exchanges.post_message(member, exchange, "Paldies! Ieradīsimies 9.00.")
            exchanges.record_condition(coordinator, exchange, "handover", "Zāle sakārtota, projektors darbojas.",
                                       hall_photo())
            draft = drafting.draft_for_exchange(representative, exchange, language="lv")
        else:
            draft = db.session.scalar(select(Agreement).where(Agreement.exchange_id == exchange.id))

        signing = db.session.scalar(select(Agreement).where(Agreement.title == "Sadarbība brīvprātīgo apmācībā"))
        if signing is None:
            signing = drafting.draft_cooperation(representative, intelekta, language="lv",
                                                 valid_from=date.today() + timedelta(days=7), valid_to=None)
            signing.title = "Sadarbība brīvprātīgo apmācībā"
            signing.place = "Līvānos"
            agreements.submit(representative, signing)
            agreements.approve(coordinator, signing)

        disputed = disputed_exchange(person)
        invited = person(INVITED) or orgs.invite(representative, balta, INVITED, "Anna Liepiņa", "member")
        ids = SweepIds(
            own_org=balta.id, coordinating_org=intelekta.id, applied_org=applied.id,
            public_resource=hall.id,
            network_resource=titled(Resource, "Aptauju izstrāde un datu analīze").id,
            own_resource=titled(Resource, "Mikroautobuss ar šoferi (8 vietas)").id,
            own_need=titled(Need, "Meklējam lektoru par projektu rakstīšanu").id,
            other_need=titled(Need, "Meklējam zāli divu dienu semināram").id,
            accepted_exchange=exchange.id,
            incoming_request=db.session.scalar(select(Exchange.id).where(
                Exchange.owner_org_id == balta.id, Exchange.requester_org_id == org_named("Sukrums").id)),
            network_agreement=db.session.scalar(select(Agreement.id).where(
                Agreement.kind == "network", Agreement.state == "in_force").order_by(Agreement.id.desc())),
            draft_agreement=draft.id,
            submitted_agreement=db.session.scalar(select(Agreement.id).where(
                Agreement.state == "submitted", Agreement.place == "Baltinavā")),
            signing_agreement=signing.id,
            own_project=db.session.scalar(select(Project.id).where(Project.org_id == balta.id).order_by(Project.id)),
            disputed_exchange=disputed.id,
            verification_code=signing.verification_code,
            invitation_token=accounts.issue_token(invited, INVITATION),
            reset_token=accounts.issue_token(person("dace.udre@jzb.example.org"), PASSWORD_RESET),
            unlock_token=accounts.issue_token(person("dace.udre@jzb.example.org"), UNLOCK),
        )
        db.session.commit()
        return ids


def disputed_exchange(person):
    """Sukrums' use of a material resource of ATTĪSTĪBAI three weeks ago, completed by Sukrums (as agreed, the
    requested quantity) and confirmed by ATTĪSTĪBAI with another value: disputed, for the coordinators' page."""
    from decimal import Decimal

    from portal.exchanges import confirmations, services as exchanges
    from portal.exchanges.models import Exchange
    from portal.extensions import db
    from portal.resources.models import Resource

    asker, owner = person("ilze.kirsone@sukrums.example.org"), person("liga.zukovska@attistibai.example.org")
    purpose = "Novada sporta diena (strīda piemērs)"
    found = db.session.scalar(select(Exchange).where(Exchange.purpose == purpose))
    if found is not None:
        return found
    resource = db.session.scalar(select(Resource).where(
        Resource.org_id == owner.org_id, Resource.kind == "material", Resource.state == "active").order_by(Resource.id))
    day = date.today() - timedelta(days=21)
    exchange = exchanges.request_exchange(asker, resource, starts_on=day, ends_on=day, quantity=1, hours=None,
                                          purpose=purpose, message="Labdien!", today=day - timedelta(days=7))
    exchanges.accept(owner, exchange, today=day - timedelta(days=6))
    exchanges.complete(asker, exchange, value_units=None, value_eur=Decimal("40"), feedback="Paldies!", today=day)
    confirmations.give_feedback(owner, exchange, confirmations.Figures(
        "not_as_agreed", 1, None, None, Decimal("25"), "Atdeva ar dienas nokavēšanos."))
    return exchange
