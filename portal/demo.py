"""The demo network: the NGOs of the 2017 seminar in Latgale, with a few people each."""
from dataclasses import dataclass
from decimal import Decimal

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


# (registration number of the owner, kind, category, title, description, municipality, location,
#  quantity, unit, languages, terms, visibility, extra fields)
DEMO_RESOURCES = [
    ("40008214567", "material", "premises", "Konferenču zāle “Dzerkaļi”",
     "Gaiša konferenču zāle ar skatu uz ezeru: 40 sēdvietas, projektors, ekrāns, tāfele un virtuve kafijas "
     "pauzēm. Piemērota semināriem, darbnīcām un izbraukuma sanāksmēm; pieejama arī nakšņošana tuvumā.",
     "ludzas", "Cirmas pagasts", 40, "vietas", "lv,ltg,ru", "cost_sharing", "public",
     {"availability": "Visu gadu, iepriekš piesakot", "handover": "with_operator", "value_eur": 80, "value_unit": "day"}),
    ("40008214567", "intellectual", "training", "Darbnīca: sociokultūras projektu sagatavošana un realizēšana",
     "Praktiska nodarbība NVO pārstāvjiem: kā no idejas nonākt līdz projekta pieteikumam, budžetam un "
     "atskaitei. Vada Maija Burima un Inese Valtere.",
     "daugavpils", "", 25, "dalībnieki", "lv,en", "reciprocal", "public",
     {"format": "hybrid", "audience": "NVO valdes locekļi un projektu vadītāji", "value_eur": 40, "value_unit": "hour",
      "licence": "CC-BY-SA-4.0"}),
    ("40008214567", "intellectual", "methodology", "Neformālās un radošās aktivitātes sociokultūras projektos",
     "Metodiskais materiāls ar aktivitāšu klāstu dažādām mērķauditorijām: bērniem, jauniešiem, senioriem.",
     "daugavpils", "", 1, "komplekts", "lv", "free", "network", {"format": "online", "licence": "CC-BY-4.0"}),
    ("40008031234", "intellectual", "volunteers", "Brīvprātīgo komanda pasākumu organizēšanai",
     "Pieredzējuši brīvprātīgie palīdz sagatavot un vadīt kopienas pasākumus, labdarības akcijas un festivālus.",
     "livanu", "Līvāni", 8, "cilvēki", "lv,ru", "reciprocal", "network", {"format": "in_person"}),
    ("40008031234", "material", "vehicle", "Mikroautobuss ar šoferi (8 vietas)",
     "Mikroautobuss braucieniem pa Latgali: semināri, ekskursijas, pasākumu inventāra pārvešana.",
     "livanu", "Līvāni", 1, "mikroautobuss", "lv", "cost_sharing", "network",
     {"handover": "with_operator", "value_eur": 0.35, "value_unit": "unit", "availability": "Darba dienās"}),
    ("40008112233", "material", "equipment", "Projektors un pārvietojams ekrāns",
     "Full HD projektors, 2 m ekrāns un HDMI kabeļi prezentācijām un filmu vakariem.",
     "kraslavas", "Izvalta", 1, "komplekts", "lv", "free", "public", {"handover": "pickup"}),
    ("40008112233", "material", "premises", "Izvaltas tautas nama zāle",
     "Zāle ar skatuvi 120 cilvēkiem un mazā telpa darbnīcām; pieejama vakaros un nedēļas nogalēs.",
     "kraslavas", "Izvaltas pagasts", 120, "vietas", "lv,ru", "cost_sharing", "public",
     {"handover": "with_operator", "value_eur": 15, "value_unit": "hour"}),
    ("40008223344", "intellectual", "training", "Latgaliešu valodas un kultūras nodarbības",
     "Nodarbības bērniem un pieaugušajiem par latgaliešu valodu, dziesmām un tradīcijām.",
     "balvu", "Baltinava", 20, "dalībnieki", "ltg,lv", "reciprocal", "public", {"format": "in_person"}),
    ("40008223344", "material", "equipment", "Skaņas aparatūra āra pasākumiem",
     "Skandas, pults un divi bezvadu mikrofoni pasākumiem līdz 300 cilvēkiem.",
     "balvu", "Baltinava", 1, "komplekts", "lv", "cost_sharing", "network", {"handover": "delivery"}),
    ("40008334455", "intellectual", "expertise", "Tulkošana: latviešu, krievu, angļu valoda",
     "Projektu dokumentu, pieteikumu un publikāciju tulkošana un rediģēšana.",
     "daugavpils", "", 1, "", "lv,ru,en", "reciprocal", "public", {"format": "online"}),
    ("40008445566", "intellectual", "expertise", "Aptauju izstrāde un datu analīze",
     "Palīdzam sagatavot anketas, apkopot atbildes un uzrakstīt pārskatu par projekta rezultātiem.",
     "daugavpils", "", 1, "", "lv,en", "free", "network", {"format": "hybrid", "audience": "NVO"}),
]

DEMO_NEEDS = [
    ("40008223344", "material", "premises", "Meklējam zāli divu dienu semināram",
     "Vajadzīga zāle 25–30 dalībniekiem ar projektoru un iespēju pagatavot kafiju; vēlams Ludzas vai "
     "Krāslavas novadā.", "balvu", "", 30, "vietas", "lv", "cost_sharing", "network", {}),
    ("40008334455", "material", "equipment", "Vajadzīgs projektors prezentācijām",
     "Uz vienu vakaru nepieciešams projektors un ekrāns valodu kluba prezentācijām.",
     "daugavpils", "", 1, "komplekts", "lv,ru", "free", "network", {}),
    ("40008031234", "intellectual", "training", "Meklējam lektoru par projektu rakstīšanu",
     "Jaunajiem brīvprātīgajiem vajadzīga nodarbība par projektu pieteikumu sagatavošanu.",
     "livanu", "Līvāni", 15, "dalībnieki", "lv", "reciprocal", "network", {"format": "in_person"}),
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
    _load_catalogue()
    _load_exchanges()
    _load_projects()
    _load_agreements(password)
    return logins


def _load_catalogue() -> None:
    from .resources import services as catalogue
    from .resources.models import Need, Resource

    for model, rows in ((Resource, DEMO_RESOURCES), (Need, DEMO_NEEDS)):
        for (number, kind, category, title, description, municipality, location, quantity, unit,
             languages, terms, visibility, extra) in rows:
            org = db.session.scalar(select(Organization).where(Organization.registration_number == number))
            if db.session.scalar(select(model.id).where(model.org_id == org.id, model.title == title)):
                continue
            representative = next(p for p in org.people if p.role == REPRESENTATIVE)
            data = {"kind": kind, "category": category, "title": title, "description": description,
                    "municipality": municipality, "location": location, "quantity": quantity, "unit": unit,
                    "languages": languages, "terms": terms, "visibility": visibility, "availability": "",
                    "format": "", "audience": "", "handover": "", **extra}
            if model is Resource:
                data.setdefault("licence", "")
                data.setdefault("value_unit", "")
                data["value_eur"] = Decimal(str(data["value_eur"])) if "value_eur" in data else None
            catalogue.publish(model, representative, data)


# (requester reg. number, resource title, starts in days from today, days, quantity, hours, purpose, outcome)
DEMO_EXCHANGES = [
    ("40008031234", "Darbnīca: sociokultūras projektu sagatavošana un realizēšana", -60, 1, 15, 4,
     "Nodarbība jaunajiem brīvprātīgajiem", "completed"),
    ("40008334455", "Projektors un pārvietojams ekrāns", -25, 1, 1, None, "Valodu kluba vakars", "completed"),
    ("40008445566", "Izvaltas tautas nama zāle", 14, 1, 60, 6, "Jauno zinātnieku konference", "accepted"),
    ("40008223344", "Mikroautobuss ar šoferi (8 vietas)", 21, 2, 1, None, "Brauciens uz festivālu", "requested"),
    ("40008112233", "Konferenču zāle “Dzerkaļi”", 40, 2, 25, None, "Biedru kopsapulce", "requested"),
]


def _load_exchanges() -> None:
    from datetime import date, timedelta

    from .exchanges import confirmations, services as exchanges
    from .exchanges.models import Exchange
    from .resources.models import Resource

    if db.session.scalar(select(Exchange.id).limit(1)) is not None:
        return
    today = date.today()
    for number, title, start_in, days, quantity, hours, purpose, outcome in DEMO_EXCHANGES:
        requester_org = db.session.scalar(select(Organization).where(Organization.registration_number == number))
        requester = next(p for p in requester_org.people if p.role == REPRESENTATIVE)
        resource = db.session.scalar(select(Resource).where(Resource.title == title))
        owner = next(p for p in resource.org.people if p.role == REPRESENTATIVE)
        starts_on = today + timedelta(days=start_in)
        ends_on = starts_on + timedelta(days=days - 1)
        booked_on = min(today, starts_on - timedelta(days=7))
        exchange = exchanges.request_exchange(
            requester, resource, starts_on=starts_on, ends_on=ends_on, quantity=quantity,
            hours=Decimal(hours) if hours else None, purpose=purpose,
            message="Labdien! Vai varam vienoties par šiem datumiem?", today=booked_on)
        if outcome in ("accepted", "completed"):
            exchanges.accept(owner, exchange, today=booked_on)
            exchanges.post_message(owner, exchange, "Labdien! Jā, gaidīsim jūs.")
        if outcome == "completed":
            units, value = exchanges.default_value(exchange)
            exchanges.complete(requester, exchange, value_units=units, value_eur=value,
                               feedback="Paldies, viss noritēja lieliski!", today=ends_on)
            if resource.kind == "material":  # the owner confirms it too; the workshop waits for its owner
                confirmations.give_feedback(owner, exchange, confirmations.Figures(
                    "as_agreed", quantity, None, units, value, "Prieks sadarboties!"))


def _load_projects() -> None:
    """Baltā māja's project with the municipality's grant: its rates, its cash co-financing, the workshop it
    received, the volunteers it gave ATTĪSTĪBAI (completed for the project) and the minibus Sukrums asked for
    (tagged, not counted yet)."""
    from datetime import date, timedelta

    from .exchanges import confirmations, services as exchanges
    from .exchanges.models import Exchange
    from .reports import projects
    from .reports.models import Project
    from .resources.models import Resource

    balta = db.session.scalar(select(Organization).where(Organization.registration_number == "40008031234"))
    if db.session.scalar(select(Project.id).where(Project.org_id == balta.id).limit(1)) is not None:
        return
    today = date.today()
    representative = next(p for p in balta.people if p.role == REPRESENTATIVE)
    project = projects.create_project(representative, balta, {
        "name": "Kopā Latgalē: brīvprātīgie kopienas pasākumos", "funder": "Līvānu novada pašvaldība",
        "number": "NVO-2026/14", "starts_on": today - timedelta(days=120), "ends_on": today + timedelta(days=245),
        "cash_eur": Decimal("1500.00"), "cash_note": "Biedrības līdzekļi (biedru nauda)"},
        {"volunteers": Decimal("8.00"), "training": Decimal("25.00"), "expertise": Decimal("30.00"),
         "premises": Decimal("60.00"), "vehicle": Decimal("45.00")})
    attistibai = db.session.scalar(select(Organization).where(Organization.registration_number == "40008112233"))
    asker = next(p for p in attistibai.people if p.role == REPRESENTATIVE)
    team = db.session.scalar(select(Resource).where(Resource.title == "Brīvprātīgo komanda pasākumu organizēšanai"))
    day = today - timedelta(days=40)
    given = exchanges.request_exchange(asker, team, starts_on=day, ends_on=day, quantity=3, hours=Decimal(12),
                                       purpose="Izvaltas pagasta svētki", message="Labdien! Vai palīdzēsiet?",
                                       today=day - timedelta(days=10))
    exchanges.accept(representative, given, today=day - timedelta(days=9))
    exchanges.complete(asker, given, value_units=None, value_eur=None, hours=Decimal(12),
                       feedback="Liels paldies brīvprātīgajiem!", today=day)
    confirmations.give_feedback(representative, given, confirmations.Figures("as_agreed", 3, Decimal(12)))
    workshop = db.session.scalar(select(Exchange).where(Exchange.requester_org_id == balta.id,
                                                        Exchange.state == "completed"))
    minibus = db.session.scalar(select(Exchange).where(Exchange.owner_org_id == balta.id,
                                                       Exchange.state == "requested"))
    for exchange in (workshop, given, minibus):
        if exchange is not None and project.covers(exchange.starts_on, exchange.ends_on):
            projects.tag_exchange(representative, exchange, project)


def _load_agreements(password: str) -> None:
    """The network agreement of all six (signed in Krāslava on 1 July 2017), the cooperation agreement of
    "Intelekta parks" and "Baltā māja" (30 June 2017), both in force; one draft waiting for approval."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from .agreements import drafting, services as agreements, signatures
    from .origin import Origin, acting_from
    from .agreements.models import Agreement

    if db.session.scalar(select(Agreement.id).limit(1)) is not None:
        return

    def org(number: str) -> Organization:
        return db.session.scalar(select(Organization).where(Organization.registration_number == number))

    def representative(o: Organization) -> User:
        return next(p for p in o.people if p.role == REPRESENTATIVE)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), ZoneInfo("Europe/Riga"))

    def approve_and_sign(agreement: Agreement, coordinator: User, day: date, place: str) -> None:
        agreement.place = place
        agreement.created_at = at(day - timedelta(days=14), 9)
        agreement.number = f"{day.year}/{agreement.id}"
        agreements.submit(agreement.drafted_by, agreement)
        agreement.submitted_at = at(day - timedelta(days=7), 9)
        agreements.approve(coordinator, agreement, now=at(day, 10))
        # Approved on the day of the seminar; signed electronically, with real signatures, now.
        for party in agreement.parties:
            signer = party.signatory
            with acting_from(Origin(ip="127.0.0.1", user_agent="portal demo")):
                signatures.sign(signer, agreement, password=password, typed_name=signer.name, consent=True)

    intelekta, balta = org("40008214567"), org("40008031234")
    coordinator = representative(intelekta)

    cooperation = drafting.draft_cooperation(coordinator, balta, language="lv", valid_from=date(2017, 6, 30),
                                             valid_to=None)
    approve_and_sign(cooperation, coordinator, date(2017, 6, 30), "Daugavpilī")

    network = drafting.draft_network(coordinator, language="lv", valid_from=date(2017, 7, 1), valid_to=None)
    network.review_on = date.today() + timedelta(days=180)
    approve_and_sign(network, coordinator, date(2017, 7, 1), "Krāslavā")

    sukrums, attistibai = org("40008223344"), org("40008112233")
    draft = drafting.draft_cooperation(representative(sukrums), attistibai, language="lv",
                                       valid_from=date.today() + timedelta(days=14),
                                       valid_to=date.today() + timedelta(days=14 + 2 * 365))
    draft.place = "Baltinavā"
    agreements.add_comment(representative(attistibai), draft,
                           "Labdien! Papildināsim 2. punktu ar skaņas aparatūras apmaiņu pasākumiem.")
    agreements.submit(representative(sukrums), draft)
