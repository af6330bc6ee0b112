"""The demo network: the NGOs of the 2017 seminar in Latgale, with a few people each."""
from dataclasses import dataclass

from sqlalchemy import select

from .accounts.models import MEMBER, REPRESENTATIVE, User
from .accounts.passwords import hash_password, password_problem
from .audit.services import record
from .database import utcnow
from .extensions import db
from .orgs.models import ACTIVE, Organization

DEMO_ORGS = [
    {
        "name": "Intelekta parks", "legal_form": "association", "registration_number": "40008214567",
        "legal_address": "Vienības iela 13, Daugavpils, LV-5401", "municipality": "daugavpils",
        "email": "info@intelekta-parks.example.org", "phone": "+371 26 000 001",
        "website": "https://intelekta-parks.example.org", "is_coordinating": True,
        "description": "Daugavpils Universitātes Mūžizglītības, kultūras un zinātnes komunikācijas biedrība. "
                       "Koordinē Latgales biedrību tīklojumu, vada nodarbības par sociokultūras projektu "
                       "sagatavošanu un realizēšanu.",
        "people": [
            ("Maija Burima", "maija.burima@intelekta-parks.example.org", "valdes priekšsēdētāja", REPRESENTATIVE, True),
            ("Inese Valtere", "inese.valtere@intelekta-parks.example.org", "projektu vadītāja", MEMBER, True),
        ],
    },
    {
        "name": "Baltā māja", "legal_form": "association", "registration_number": "40008031234",
        "legal_address": "Rīgas iela 4, Līvāni, LV-5316", "municipality": "livanu",
        "email": "balta.maja@example.org", "phone": "+371 26 000 002", "website": "",
        "description": "Līvānu biedrība, kas darbojas vairāk kā 20 gadu: sociālie projekti, labdarība, "
                       "sadarbība ar pašvaldību un brīvprātīgais darbs.",
        "people": [
            ("Inguna Badune", "inguna.badune@balta-maja.example.org", "valdes direktore", REPRESENTATIVE, False),
            ("Jānis Kalniņš", "janis.kalnins@balta-maja.example.org", "brīvprātīgo koordinators", MEMBER, False),
        ],
    },
    {
        "name": "ATTĪSTĪBAI", "legal_form": "association", "registration_number": "40008112233",
        "legal_address": "Skolas iela 2, Izvalta, Krāslavas novads, LV-5668", "municipality": "kraslavas",
        "email": "attistibai@example.org", "phone": "+371 26 000 003", "website": "",
        "description": "Biedrība Izvaltā un Krāslavā: kopienas attīstība, pieaugušo izglītība un kultūras pasākumi.",
        "people": [
            ("Līga Žukovska", "liga.zukovska@attistibai.example.org", "valdes priekšsēdētāja", REPRESENTATIVE, False),
            ("Ēriks Čeksters", "eriks.ceksters@attistibai.example.org", "biedrs", MEMBER, False),
        ],
    },
    {
        "name": "Sukrums", "legal_form": "association", "registration_number": "40008223344",
        "legal_address": "Balvu iela 1, Baltinava, Balvu novads, LV-4594", "municipality": "balvu",
        "email": "sukrums@example.org", "phone": "+371 26 000 004", "website": "",
        "description": "Baltinavas biedrība: latgaliešu kultūra, jauniešu iniciatīvas un kopienas pasākumi.",
        "people": [
            ("Ilze Ķirsone", "ilze.kirsone@sukrums.example.org", "valdes locekle", REPRESENTATIVE, False),
            ("Pēteris Ņikitins", "peteris.nikitins@sukrums.example.org", "jauniešu darba vadītājs", MEMBER, False),
        ],
    },
    {
        "name": "In lingua", "legal_form": "association", "registration_number": "40008334455",
        "legal_address": "Saules iela 5, Daugavpils, LV-5401", "municipality": "daugavpils",
        "email": "in.lingua@example.org", "phone": "+371 26 000 005", "website": "",
        "description": "Daugavpils biedrība valodu apguvei un starpkultūru komunikācijai.",
        "people": [
            ("Olga Gaiļuma", "olga.gailuma@in-lingua.example.org", "valdes priekšsēdētāja", REPRESENTATIVE, False),
        ],
    },
    {
        "name": "DU Jauno zinātnieku biedrība", "legal_form": "association", "registration_number": "40008445566",
        "legal_address": "Parādes iela 1, Daugavpils, LV-5401", "municipality": "daugavpils",
        "email": "jzb@example.org", "phone": "+371 26 000 006", "website": "",
        "description": "Daugavpils Universitātes jauno zinātnieku biedrība: pētniecība, konferences, "
                       "zinātnes komunikācija.",
        "people": [
            ("Artūrs Šņepsts", "arturs.snepsts@jzb.example.org", "valdes priekšsēdētājs", REPRESENTATIVE, False),
            ("Dace Ūdre", "dace.udre@jzb.example.org", "pētniece", MEMBER, False),
        ],
    },
]


@dataclass
class DemoLogin:
    email: str
    org_name: str
    role: str


def _role_text(person: User) -> str:
    role = "representative" if person.role == REPRESENTATIVE else "member"
    return f"coordinator, {role}" if person.is_coordinator else role


def load_demo_network(password: str) -> list[DemoLogin]:
    """Adds the demo organizations and people; on a database that has them, resets their passwords."""
    problem = password_problem(password)
    if problem:
        raise ValueError(f"The demo password is refused: {problem}")
    password_hash = hash_password(password)
    logins = []
    for spec in DEMO_ORGS:
        org = db.session.scalar(select(Organization).where(Organization.registration_number == spec["registration_number"]))
        if org is None:
            fields = {k: v for k, v in spec.items() if k != "people"}
            org = Organization(state=ACTIVE, decided_at=utcnow(), **fields)
            db.session.add(org)
            db.session.flush()
            record("demo.org_loaded", org=org, obj=org)
        for name, email, position, role, coordinator in spec["people"]:
            person = db.session.scalar(select(User).where(User.email == email))
            if person is None:
                person = User(org=org, email=email, name=name, position=position, role=role,
                              is_coordinator=coordinator, locale="lv")
                db.session.add(person)
            person.password_hash = password_hash
            person.removed_at = None
            person.failed_logins = 0
            person.locked_until = None
            db.session.flush()
            logins.append(DemoLogin(email, org.name, _role_text(person)))
    return logins
