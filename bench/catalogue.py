"""Catalogue benchmark: generate a network, then time search and listing through the app.

    .venv/bin/python bench/catalogue.py                      # 2,000 orgs, 100,000 resources, SQLite
    .venv/bin/python bench/catalogue.py --orgs 200 --resources 10000 --runs 50
    .venv/bin/python bench/catalogue.py --database both      # SQLite, then PostgreSQL
    .venv/bin/python bench/catalogue.py --keep /tmp/bench    # keep (and reuse) the SQLite database

The data is bulk-inserted (SQLAlchemy Core executemany) with the same derived columns the
services keep (services.refresh_search_fields on lightweight objects): folded title and body,
facets and the Latvian sort key; the FTS5 index is filled by the migration's triggers, the
PostgreSQL tsvector is a generated column. Text comes from a Latvian vocabulary with a
Zipf-like frequency (a few words occur in most resources, a tail of specific words in very few).

Every request goes through the Flask test client as a visitor or a logged-in member; each
scenario is warmed up, then timed `--runs` times (perf_counter around client.get), with the SQL
statements of each request counted (before_cursor_execute). The catalogue pages kept rendered
(portal/resources/pages.py) are forgotten before every timed request, so the figures are those of
a search and its page being made; bench/load.py measures the kept pages under load. Target: p95 <= 50 ms for listing
and search on SQLite at 100,000 resources (on a 2-core machine).
"""
import argparse
import gc
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

TARGET_MS = 50.0
PASSWORD = "bench-Latgale-2017-parole"
SEED = 2017
BATCH = 5000

# ------------------------------------------------------------------ vocabulary
# Roughly in decreasing frequency: the first words land in most descriptions (Zipf, s≈1).
COMMON = """
un ar pasākumiem par pieejams biedrības iespēja kopienas dalībniekiem projekta piemērots
izmantot jauniešiem sadarbībai organizācijām Latgales vietējiem iedzīvotājiem vienošanās
telpa zāle apmācības semināriem darbnīcām kultūras izglītības brīvprātīgie konsultācijas
aprīkojums novada pagasta bērniem senioriem ģimenēm nodarbības projektors ekrāns skaņas
aparatūra virtuve grāmatas mikroautobuss transports tulkošana valoda latgaliešu latviešu
krievu angļu pieredze zināšanas metodika materiāli rokasgrāmata prezentācijām sanāksmēm
konferencēm festivāliem koncertiem izstādēm nometnēm ekskursijām sporta inventārs galdi
krēsli teltis sēdvietas dators portatīvais printeris kamera mikrofoni skandas pults
apgaismojums skatuve tāfele kafijas pauzēm ēdināšana nakšņošana autostāvvieta vides
pieejamība cilvēkiem invaliditāti brīvdienās vakaros darba dienās vasarā ziemā iepriekš
piesakot maksas izmaksu segšana savstarpēji apmaiņā palīdzība atbalsts sociālā uzņēmējdarbība
digitālās prasmes finanšu pratība projektu rakstīšana pieteikumu sagatavošana budžeta
plānošana grāmatvedība juridiskās mentorings koordinators vadītājs lektors pasniedzējs
treneris psihologs sociālais darbinieks jaunatnes darbs skolotājiem vecākiem pedagogiem
mūzikas deju teātra folkloras tradīcijas amatniecība rokdarbi keramika kokapstrāde
vēsture novadpētniecība muzejs bibliotēka skola tautas nams centrs kopienas_centrs saieta
nams dārzs laukums estrāde ezers upe mežs daba tūrisms velosipēdi laivas inventāru
aizņemties nomāt iznomāt dalīties kopīgi regulāri vienreizēji ilgtermiņa īstermiņa
pieredzējuši profesionāli kvalitatīvi mūsdienīgs jauns lietots labā stāvoklī pārvietojams
mobilais bezvadu digitālais drukātie elektroniskie tiešsaistē klātienē attālināti hibrīdā
formātā grupām individuāli komandai līdz cilvēku vietas stundas dienas nedēļas mēneša gada
laikā rudenī pavasarī svētkos gadatirgū talkā akcijā labdarības ziedojumu vākšana
brīvprātīgo koordinēšana pasākumu organizēšana vadīšana moderēšana fotografēšana filmēšana
montāža dizains maketēšana mājaslapa sociālie tīkli komunikācija publicitāte preses
relīzes plakāti bukleti skrejlapas karogi stendi baneri dekorācijas kostīmi tērpi
mūzikas_instrumenti klavieres ģitāra bungas sintezators apskaņošana tehniskais
nodrošinājums operators šoferis vadītāja_apliecība degviela kilometru maršruts
pārvadājumi krava piekabe busiņš vieglā automašīna pasažieru sēdvietām bērnu_krēsliņi
ratiņkrēsls pandusa lifts tualete dušas guļvietas istabas viesu māja kempings ugunskura
vieta grils nojume pirts sporta_zāle futbola volejbola basketbola galda_teniss šahs
novusa galdi_spēles rotaļlietas radošās darbnīcas zīmēšanas gleznošanas audumi diegi
šujmašīna adīšana izšūšana aušana pīšana kulinārija receptes maizes cepšana zāļu_tējas
medus biškopība dārzkopība stādi sēklas kompostēšana atkritumu šķirošana ilgtspēja
klimats enerģija energoefektivitāte veselība pirmā_palīdzība drošība ugunsdrošība
kiberdrošība datu_aizsardzība privātums likumdošana statūti valde biedru_sapulce
protokols atskaite gada_pārskats revīzija nodokļi ziedotāji fondi granti programmas
pašvaldība ministrija aģentūra partneri pārrobežu starptautiskā Lietuva Baltkrievija
Polija Eiropas Savienība Erasmus LEADER iniciatīva kopiena identitāte mantojums
dziesmas svētki dzeja literatūra lasīšana lasītava grāmatu_klubs diskusijas debates
pilsoniskā līdzdalība brīvprātīgais_darbs vēlēšanas iesaiste integrācija mazākumtautības
bēgļi migranti valodas_kursi sarunvaloda gramatika izruna vārdnīca terminoloģija
rediģēšana korektūra tulkojums sinhronā tulks dokumentu apliecināta
""".split()

# Specific words that only a handful of resources mention: the "rare word" searches.
RARE = """
akordeons kokle cītara stājgrafiks laminators kvadrokopters planšetdatori podnieka_ripa
stelles klūdziņu vītņu_grieznes ziepju_vārīšana sveču_liešana vitrāžas mozaīka
batikošana filcēšana ādas_apstrāde kalēja lokšņu_liekšana zāģmašīna ēvelmašīna urbjmašīna
metināšanas ģenerators kompresors lietussargi saulessargi piepūšamā_atrakcija batuts
karuselis leļļu_teātris marionetes ēnu_teātris kinoprojektors diaprojektors gramofons
skaņuplates magnetofons mikšerpults prožektors dūmu_ģenerators lāzeršovs karaoke
tamburīns zvaniņi ksilofons čells vijole kontrabass trompete flauta klarnete saksofons
ērģeles harmonija koris ansamblis kapella orķestris diriģents horeogrāfs scenogrāfs
grimētājs frizieris manikīrs masāža fizioterapija logopēds ergoterapeits mākslas_terapija
smilšu_terapija kanisterapija hipoterapija zirgi poniji kazas aitas trusīši vistas
dravnieks medusmaize propoliss vasks ziedputekšņi sēņotājs ogotājs zāļu_sieva
etnogrāfija arheoloģija ģenealoģija dzimtas_koks heraldika numismātika filatēlija
kartogrāfija ģeodēzija orientēšanās kompass GPS_uztvērēji ūdenslīdēji glābēji laivu_nomā
kanoe kajaki plosts SUP_dēļi slēpes slidas ragavas sniega_motocikls kamaniņas
hokeja_vārti florbols regbijs handbols badmintons teniss skvošs boulings biljards
dambrete domino loto bingo erudīcijas_spēle kvests escape_room virtuālā_realitāte
robotika programmēšana mikrokontrolieri lodāmurs elektronika radioamatieri antenas
astronomija teleskops mikroskops laboratorija ķīmija bioloģija herbārijs entomoloģija
putnu_vērošana binoklis fotoslazds meža_kamera dabas_taka putnu_būrīši sikspārņi
zivju_resursi makšķerēšana zemledus murds tīkli ūdens_analīzes augsnes_analīzes
meteostacija saules_paneļi vēja_ģenerators siltumsūknis kurināmais malka šķelda granulas
zemnieku_tirdziņš amatnieku_tirgus mājražotāji pildījumi konservēšana žāvētājs
sulu_spiede vīna_darīšana alus_brūvēšana siera_siešana kafejnīca ēdnīca banketu_galds
trauku_mazgājamā katli pannas servīzes galdauti sveču_turētāji vāzes ziedu_kompozīcijas
floristika dārza_dizains ainavu_arhitekts apstādījumi pļāvējs trimmeris zāles_pļāvējs
sniega_pūtējs traktors kravas_rati autoceltnis pacēlājs sastatnes kāpnes instrumentu_komplekts
""".split()

PLACES = {
    "augsdaugavas": ["Ilūkste", "Subate", "Naujene", "Skrudaliena", "Vabole", "Bebrene", "Dviete"],
    "balvu": ["Balvi", "Viļaka", "Baltinava", "Rugāji", "Tilža", "Vectilža", "Kuprava", "Žīguri"],
    "daugavpils": ["Daugavpils", "Grīva", "Jaunbūve", "Ķīmiķu ciemats", "Cietoksnis"],
    "kraslavas": ["Krāslava", "Dagda", "Izvalta", "Auleja", "Ezernieki", "Andrupene", "Šķaune"],
    "livanu": ["Līvāni", "Jersika", "Rožupe", "Turki", "Sutri", "Rudzāti"],
    "ludzas": ["Ludza", "Zilupe", "Kārsava", "Cirma", "Pilda", "Istra", "Pasiene", "Nirza"],
    "preilu": ["Preiļi", "Aglona", "Riebiņi", "Vārkava", "Pelēči", "Galēni", "Rušona"],
    "rezekne": ["Rēzekne", "Atbrīvošanas aleja", "Kovšu ezers"],
    "rezeknes": ["Viļāni", "Malta", "Kaunata", "Lūznava", "Sakstagals", "Ozolaine", "Dricāni"],
    "varaklanu": ["Varakļāni", "Murmastiene", "Stirniene"],
    "other": ["Rīga", "Jelgava", "Valmiera", "Cēsis", "Madona", "Jēkabpils"],
}
LOCATIVE = {  # the place as it appears in titles: "… Ludzā"
    "augsdaugavas": "Augšdaugavā", "balvu": "Balvos", "daugavpils": "Daugavpilī", "kraslavas": "Krāslavā",
    "livanu": "Līvānos", "ludzas": "Ludzā", "preilu": "Preiļos", "rezekne": "Rēzeknē", "rezeknes": "Viļānos",
    "varaklanu": "Varakļānos", "other": "Rīgā",
}
HEADS = {  # category -> what a title is about
    "premises": ["Konferenču zāle", "Semināru telpa", "Tautas nama zāle", "Mazā zāle", "Darbnīcu telpa",
                 "Virtuve ar zāli", "Kopienas centra telpas", "Āra estrāde", "Viesu māja", "Sporta zāle",
                 "Bibliotēkas lasītava", "Saieta nams", "Nojume ar ugunskura vietu", "Muzeja izstāžu telpa"],
    "equipment": ["Projektors un ekrāns", "Skaņas aparatūra", "Portatīvais dators", "Teltis un galdi",
                  "Apgaismojuma komplekts", "Mikrofoni un pults", "Šujmašīna", "Sporta inventārs",
                  "Fotokamera", "Printeris", "Pārvietojama skatuve", "Laivas un glābšanas vestes",
                  "Velosipēdi", "Grils un nojume"],
    "vehicle": ["Mikroautobuss", "Busiņš ar šoferi", "Piekabe", "Vieglā automašīna", "Pasažieru mikroautobuss",
                "Kravas busiņš", "Autobuss ekskursijām"],
    "materials": ["Grāmatas bērniem", "Metodiskie materiāli", "Rokasgrāmata NVO", "Izstādes stendi",
                  "Latgaliešu valodas mācību materiāli", "Plakāti un bukleti", "Tautas tērpi", "Dekorācijas",
                  "Spēles un rotaļlietas", "Novadpētniecības krājums"],
    "material_other": ["Stādi un sēklas", "Rokdarbu materiāli", "Malka un kurināmais", "Trauki pasākumiem",
                       "Karogi un baneri", "Kostīmi teātrim", "Galda spēles"],
    "expertise": ["Tulkošana", "Juridiskās konsultācijas", "Grāmatvedības konsultācijas", "Projektu rakstīšana",
                  "Datu analīze", "Psihologa konsultācijas", "Mājaslapas izstrāde", "Komunikācijas plāns",
                  "Finanšu pratība", "Korektūra un rediģēšana"],
    "training": ["Darbnīca", "Seminārs", "Apmācības", "Latgaliešu valodas nodarbības", "Digitālo prasmju kurss",
                 "Pirmās palīdzības apmācības", "Kulinārijas darbnīca", "Deju nodarbības", "Radošā darbnīca",
                 "Mentoringa programma"],
    "methodology": ["Metodika", "Neformālās izglītības metodika", "Jaunatnes darba metodika",
                    "Brīvprātīgo koordinēšanas metodika", "Kopienas iesaistes metodika", "Nometņu programma"],
    "volunteers": ["Brīvprātīgo komanda", "Brīvprātīgie pasākumiem", "Jauniešu brīvprātīgie",
                   "Brīvprātīgie talkām", "Brīvprātīgie tulki", "Senioru brīvprātīgie"],
    "intellectual_other": ["Pieredzes apmaiņa", "Fotografēšana un filmēšana", "Pasākumu vadīšana",
                           "Moderēšana", "Dizains un maketēšana", "Ekskursiju gida pakalpojumi"],
}
ADJECTIVES = ["jauns", "pieejams", "pārvietojams", "mūsdienīgs", "lietots", "profesionāls", "bezmaksas",
              "praktisks", "radošs", "mobilais", "plašs", "mājīgs", "kvalitatīvs", "pieredzējis"]
PURPOSES = ["pasākumiem", "semināriem", "jauniešiem", "senioriem", "bērniem", "ģimenēm", "kopienai",
            "festivāliem", "nometnēm", "koncertiem", "talkām", "ekskursijām", "sanāksmēm", "NVO",
            "brīvprātīgajiem", "skolotājiem", "sporta spēlēm", "izstādēm"]
ORG_NAMES = """Dzerkaļi Saulespuķe Ozolkalns Rūķīši Zīļuks Gaismas_taka Ezerzeme Mēs_Latgalei Dzintars
Baltā_māja Sukrums Jumava Avots Varavīksne Cerība Atspērieni Pīlādzis Vīgrieze Āžukalns Kūzuls
Vasarnīca Dzīves_prieks Sudrabavots Ābeļdārzs Zilais_ezers Pūpoli Saulgrieži Rasa Magones Rudzupuķe
Latgales_krusts Rēzeknes_jaunieši Pasaules_māja Ūdensroze Dūmi Tiltiņš Laipa Sēta Dzirnavas Kalnavoti
""".split()
ORG_PATTERNS = ["Biedrība “{x}”", "Nodibinājums “{x}”", "{place} {thing} biedrība", "{x}",
                "Jauniešu centrs “{x}”", "{place} kultūras biedrība “{x}”", "Latgales {thing} biedrība"]
ORG_THINGS = ["jauniešu", "senioru", "sieviešu", "kultūras", "amatnieku", "sporta", "uzņēmēju",
              "vecāku", "lauku", "mazpulku", "folkloras", "vides", "tūrisma", "invalīdu"]
UNITS = ["vietas", "komplekts", "gab.", "cilvēki", "dalībnieki", "stundas", "dienas", ""]
AVAILABILITY = ["", "", "Visu gadu, iepriekš piesakot", "Darba dienās", "Nedēļas nogalēs", "Vasaras sezonā",
                "Pēc vienošanās", "Vakaros un brīvdienās"]
AUDIENCES = ["", "jaunieši", "seniori", "NVO valdes locekļi un projektu vadītāji", "skolotāji",
             "vecāki ar bērniem", "brīvprātīgie", "pašvaldību darbinieki", "ikviens interesents"]
LANGUAGE_SHARES = (("lv", 0.9), ("ltg", 0.3), ("ru", 0.4), ("en", 0.15), ("lt", 0.03), ("pl", 0.02),
                   ("de", 0.02), ("be", 0.02))
DIACRITIC_WORDS = ["zāle", "skaņas", "grāmatas", "apmācības", "brīvprātīgie", "mūzikas"]
FIRST_NAMES = ["Anna", "Jānis", "Inese", "Pēteris", "Līga", "Andris", "Ilze", "Aigars", "Olga", "Sergejs",
               "Dace", "Māris", "Ināra", "Juris", "Ēriks", "Aija", "Valentīna", "Kristīne", "Edgars", "Zane"]
LAST_NAMES = ["Kalniņš", "Bērziņa", "Ozoliņš", "Locāne", "Vilcāne", "Kuzmins", "Rancāne", "Mežule",
              "Stikāns", "Leikuma", "Šņepsts", "Ūdre", "Žukovska", "Ivanova", "Pujāts", "Zeile"]


def _clean(word: str) -> str:
    return word.replace("_", " ")


def zipf_cum_weights(n: int, s: float = 1.0) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank ** s
        out.append(total)
    return out


# ------------------------------------------------------------------ generation

class Generator:
    """Seeded: the same arguments give the same network."""

    def __init__(self, orgs: int, resources: int, needs: int, seed: int = SEED):
        self.rng = random.Random(seed)
        self.n_orgs, self.n_resources, self.n_needs = orgs, resources, needs
        self.common = list(dict.fromkeys(_clean(w) for w in COMMON))
        self.rare = list(dict.fromkeys(_clean(w) for w in RARE))
        self.cum = zipf_cum_weights(len(self.common))
        from portal.orgs.choices import MUNICIPALITIES
        from portal.resources import choices
        self.municipalities = [code for code, _ in MUNICIPALITIES]
        self.mun_weights = [6 if c in ("daugavpils", "rezekne") else 1 if c == "other" else 3
                            for c in self.municipalities]
        self.categories = {kind: [c for c, k in choices.CATEGORY_KIND.items() if k == kind]
                           for kind in (choices.MATERIAL, choices.INTELLECTUAL)}
        self.choices = choices

    def sentence(self, n: int) -> str:
        words_ = self.rng.choices(self.common, cum_weights=self.cum, k=n)
        return words_[0][:1].upper() + words_[0][1:] + " " + " ".join(words_[1:]) + "."

    def description(self) -> str:
        remaining = self.rng.randint(20, 80)
        parts = []
        while remaining > 0:
            n = min(remaining, self.rng.randint(6, 14))
            parts.append(self.sentence(max(n, 2)))
            remaining -= n
        if self.rng.random() < 0.12:  # a specific, rare thing
            parts.append(_clean(self.rng.choice(self.rare)).capitalize() + " pieejams pēc vienošanās.")
        return " ".join(parts)

    def title(self, category: str, municipality: str) -> str:
        rng = self.rng
        words_ = HEADS[category][rng.randrange(len(HEADS[category]))].split()
        extras = [rng.choice(PURPOSES)]
        if rng.random() < 0.4:
            extras.append(LOCATIVE[municipality])
        if rng.random() < 0.3:
            words_ = [rng.choice(ADJECTIVES).capitalize()] + [words_[0].lower()] + words_[1:]
        if rng.random() < 0.4:
            extras += ["un"] + rng.choices(self.common[15:], cum_weights=None, k=1)
        if rng.random() < 0.03:
            extras.append(_clean(rng.choice(self.rare)))
        words_ += extras
        while len(words_) < 3:
            words_.append(rng.choice(PURPOSES))
        return " ".join(words_[:8])

    def org_name(self, i: int) -> tuple[str, str]:
        rng = self.rng
        municipality = rng.choices(self.municipalities, weights=self.mun_weights)[0]
        place = rng.choice(PLACES[municipality])
        name = rng.choice(ORG_PATTERNS).format(x=_clean(rng.choice(ORG_NAMES)), place=place,
                                               thing=rng.choice(ORG_THINGS))
        return name, municipality

    def organizations(self, now):
        rows = []
        for i in range(1, self.n_orgs + 1):
            name, municipality = self.org_name(i)
            if i == 1:
                name = "Intelekta parks"
            rows.append({
                "id": i, "name": name, "legal_form": "association", "registration_number": f"4{i:010d}",
                "legal_address": f"{self.rng.choice(PLACES[municipality])}, LV-{5000 + i % 900}",
                "municipality": municipality, "email": f"org{i}@bench.example.org", "phone": "", "website": "",
                "description": self.sentence(15), "state": "active", "is_coordinating": i == 1,
                "decision_reason": "", "applied_at": now - timedelta(days=2000), "decided_at": now - timedelta(days=1990),
                "decided_by_id": None,
            })
        return rows

    def users(self, orgs, password_hash, now):
        from portal.accounts.models import new_session_token
        rows, uid = [], 0
        for org in orgs:
            for role in ("representative", "member"):
                uid += 1
                rows.append({
                    "id": uid, "org_id": org["id"], "email": f"{role}{org['id']}@bench.example.org",
                    "name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}", "position": "",
                    "password_hash": password_hash, "role": role, "is_coordinator": org["id"] == 1 and role == "representative",
                    "locale": "lv", "session_token": new_session_token(), "failed_logins": 0, "locked_until": None,
                    "created_at": now - timedelta(days=1900), "last_login_at": None, "removed_at": None,
                })
        return rows

    def entries(self, count: int, orgs, is_resource: bool, now, df: Counter | None):
        """Yields resource (or need) rows in id order, the newest last, with the derived columns."""
        from portal.resources import services
        from portal.resources.search import words
        rng, ch = self.rng, self.choices
        start = now - timedelta(days=5 * 365)
        step = (now - start) / max(count, 1)
        org_by_id = {o["id"]: SimpleNamespace(name=o["name"], municipality=o["municipality"]) for o in orgs}
        for i in range(1, count + 1):
            org_id = rng.randint(2, len(orgs)) if len(orgs) > 1 else 1
            org = org_by_id[org_id]
            kind = ch.MATERIAL if rng.random() < 0.55 else ch.INTELLECTUAL
            category = rng.choice(self.categories[kind])
            municipality = org.municipality if rng.random() < 0.8 else rng.choices(
                self.municipalities, weights=self.mun_weights)[0]
            languages = [code for code, share in LANGUAGE_SHARES if rng.random() < share] or ["lv"]
            material = kind == ch.MATERIAL
            entry = SimpleNamespace(
                kind=kind, category=category, title=self.title(category, municipality),
                description=self.description(), municipality=municipality,
                location=(rng.choice(PLACES[municipality]) + (" pagasts" if rng.random() < 0.3 else ""))
                if rng.random() < 0.7 else "",
                quantity=rng.choice([1, 1, 1, 2, 5, 10, 20, 25, 40, 120]), unit=rng.choice(UNITS),
                languages=",".join(languages), terms=rng.choice([ch.FREE, ch.COST_SHARING, ch.RECIPROCAL]),
                availability=rng.choice(AVAILABILITY),
                visibility=ch.PUBLIC if rng.random() < 0.3 else ch.NETWORK,
                format="" if material else rng.choice(["in_person", "online", "hybrid"]),
                audience="" if material else rng.choice(AUDIENCES),
                handover=rng.choice(["pickup", "delivery", "with_operator"]) if material else "",
                state=ch.ACTIVE if rng.random() < 0.9 else rng.choice([ch.PAUSED, ch.ARCHIVED]),
                org_id=org_id, org=org,
            )
            entry.language_codes = languages
            services.refresh_search_fields(entry)
            created = start + step * i
            row = {
                "id": i, "kind": entry.kind, "category": entry.category, "title": entry.title,
                "description": entry.description, "municipality": entry.municipality, "location": entry.location,
                "quantity": entry.quantity, "unit": entry.unit, "languages": entry.languages, "terms": entry.terms,
                "availability": entry.availability, "visibility": entry.visibility, "format": entry.format,
                "audience": entry.audience, "handover": entry.handover, "state": entry.state,
                "created_at": created, "updated_at": created, "search_title": entry.search_title,
                "search_body": entry.search_body, "search_facets": entry.search_facets, "sort_key": entry.sort_key,
                "org_id": org_id, "created_by_id": 2 * org_id - 1,
            }
            if is_resource:
                priced = rng.random() < 0.25
                row.update(value_eur=Decimal(rng.choice([5, 10, 15, 25, 40, 80, 120])) if priced else None,
                           value_unit=rng.choice(["hour", "day", "unit"]) if priced else "",
                           licence="" if material or rng.random() < 0.6 else rng.choice(
                               ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "all-rights-reserved"]))
            if df is not None:
                df.update(set(words(entry.search_title + " " + entry.search_body)))
            yield row

    def photos(self, n_resources: int, now):
        rows, pid = [], 0
        for rid in range(1, n_resources + 1):
            if self.rng.random() < 0.2:
                for position in range(self.rng.randint(1, 3)):
                    pid += 1
                    rows.append({"id": pid, "resource_id": rid, "sha256": f"{rid:032x}{position:032x}",
                                 "width": 1200, "height": 800, "position": position, "created_at": now})
        return rows


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(db, args) -> dict:
    """Bulk-inserts the network; returns statistics (document frequency of every folded word)."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.orgs.models import Organization
    from portal.resources.models import Need, Resource, ResourcePhoto

    gen = Generator(args.orgs, args.resources, args.needs)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    password_hash = hash_password(PASSWORD)
    df: Counter = Counter()
    engine = db.engine
    t0 = time.perf_counter()
    orgs = gen.organizations(now)
    with engine.begin() as conn:
        conn.execute(sa.insert(Organization.__table__), orgs)
        conn.execute(sa.insert(User.__table__), gen.users(orgs, password_hash, now))
    done = 0
    for batch in _batched(gen.entries(args.resources, orgs, True, now, df), BATCH):
        with engine.begin() as conn:
            conn.execute(sa.insert(Resource.__table__), batch)
        done += len(batch)
        print(f"\r  resources: {done:,}/{args.resources:,}", end="", flush=True)
    print()
    for batch in _batched(gen.entries(args.needs, orgs, False, now, None), BATCH):
        with engine.begin() as conn:
            conn.execute(sa.insert(Need.__table__), batch)
    with engine.begin() as conn:
        for batch in _batched(gen.photos(args.resources, now), BATCH):
            conn.execute(sa.insert(ResourcePhoto.__table__), batch)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("organizations", "users", "resources", "needs", "resource_photos"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does shortly after a bulk load
    seconds = time.perf_counter() - t0
    return {"generation_seconds": seconds, "df": dict(df), "orgs": args.orgs, "resources": args.resources,
            "needs": args.needs, "member_email": "member2@bench.example.org"}


def database_size(db) -> int:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()


# ------------------------------------------------------------------ the app

def make_config(database_url: str, data_dir: Path) -> dict:
    """As tests/conftest.py's make_config."""
    return {
        "SECRET_KEY": "bench-only", "PORTAL_ENV": "testing", "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url, "PORTAL_DATA_DIR": str(data_dir),
        "BASE_URL": "http://localhost", "NETWORK_NAME": "Latgales biedrību tīklojums",
        "SESSION_COOKIE_SECURE": False, "MAIL_DELIVER_AFTER_REQUEST": False, "MAIL_FROM": "portal@localhost",
        "SMTP_HOST": "", "SMTP_PORT": 25, "SMTP_USERNAME": "", "SMTP_PASSWORD": "", "SMTP_STARTTLS": False,
        "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
    }


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: {response.status_code}")


RESULT_COUNT = re.compile(r'data-testid="result-count">\s*([0-9][0-9\s\u00a0\u202f.,]*)')


def result_count(html: str) -> int | None:
    found = RESULT_COUNT.search(html)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def pick_words(stats: dict) -> dict:
    """Query words chosen from the generated text: broad (> 50% of resources), rare (< 0.1%)."""
    from portal.resources.search import STOPWORDS, words
    n = stats["resources"]
    df = stats["df"]
    content = sorted((w for w in df if len(w) >= 4 and w not in STOPWORDS and not w.isdigit()),
                     key=lambda w: -df[w])
    broad = [w for w in content if df[w] > 0.5 * n][:4] or content[:4]
    rare_vocab = {w for r in RARE for w in words(_clean(r))}
    rare = sorted((w for w in rare_vocab if w in df and len(w) >= 5 and 1 <= df[w] < 0.001 * n),
                  key=lambda w: (df[w], w))
    rare = rare[len(rare) // 3: len(rare) // 3 + 12] or sorted(rare_vocab & set(df), key=lambda w: df[w])[:6]
    diacritic = [words(w)[0] for w in DIACRITIC_WORDS if words(w)[0] in df]
    return {"broad": broad, "rare": rare, "diacritic": diacritic}


def scenarios(chosen: dict, stats: dict) -> list[dict]:
    broad, rare, diacritic = chosen["broad"], chosen["rare"], chosen["diacritic"]
    pairs = [f"{a} {b}" for i, a in enumerate(broad) for b in broad[i + 1:]] or broad

    def urls(path, variants):
        return [path + ("?" + urlencode(v) if v else "") for v in variants]

    filters = [
        {"kind": "material", "category": "equipment", "municipality": "ludzas", "terms": "free", "language": "lv"},
        {"kind": "intellectual", "category": "training", "municipality": "rezeknes", "terms": "reciprocal",
         "language": "ltg"},
        {"kind": "material", "category": "premises", "municipality": "daugavpils", "terms": "cost_sharing",
         "language": "ru"},
    ]
    n = stats["resources"]
    ids = random.Random(7).sample(range(max(1, n - 5000), n + 1), min(40, n))
    return [
        {"name": "listing, newest, page 1", "who": "member", "type": "listing", "urls": ["/resources"]},
        {"name": "listing, page 50", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"page": p} for p in (48, 49, 50, 51, 52)])},
        {"name": "listing, kind+municipality", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"kind": k, "municipality": m} for k, m in
                                     (("material", "ludzas"), ("intellectual", "ludzas"), ("material", "balvu"))])},
        {"name": "listing, sort=title", "who": "member", "type": "listing",
         "urls": urls("/resources", [{"sort": "title"}, {"sort": "title", "page": 2}])},
        {"name": "rare word", "who": "member", "type": "search", "urls": urls("/resources", [{"q": w} for w in rare])},
        {"name": "broad word", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in broad])},
        {"name": "broad word, page 5", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "page": 5} for w in broad])},
        {"name": "two broad words", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": p} for p in pairs])},
        {"name": "no diacritics (zale=zāle)", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in diacritic])},
        {"name": "broad + kind", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "kind": k} for w in broad for k in ("material", "intellectual")])},
        {"name": "broad + 5 filters", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, **f} for w in broad for f in filters])},
        {"name": "broad, sort=title", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "sort": "title"} for w in broad])},
        {"name": "broad, sort=newest", "who": "member", "type": "search",
         "urls": urls("/resources", [{"q": w, "sort": "newest"} for w in broad])},
        {"name": "visitor: listing", "who": "visitor", "type": "listing", "urls": ["/resources"]},
        {"name": "visitor: broad word", "who": "visitor", "type": "search",
         "urls": urls("/resources", [{"q": w} for w in broad])},
        {"name": "detail page (+ matching needs)", "who": "member", "type": "detail",
         "urls": [f"/resources/{i}" for i in ids]},
    ]


def percentile(sorted_values: list[float], p: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def measure(app, db, stats: dict, runs: int, warmup: int = 5) -> tuple[list[dict], list[str]]:
    from sqlalchemy import event

    from portal.resources import pages as kept_pages

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_):
        counter["n"] += 1

    sql = {"ms": 0.0, "t0": 0.0}

    def sql_start(*_):
        sql["t0"] = time.perf_counter()

    def sql_end(*_):
        sql["ms"] += (time.perf_counter() - sql["t0"]) * 1000

    pauses = {"ms": 0.0, "t0": 0.0}

    def gc_callback(phase, _info):
        if phase == "start":
            pauses["t0"] = time.perf_counter()
        else:
            pauses["ms"] += (time.perf_counter() - pauses["t0"]) * 1000

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "before_cursor_execute", sql_start)
    event.listen(engine, "after_cursor_execute", sql_end)
    gc.callbacks.append(gc_callback)
    clients = {"visitor": app.test_client(), "member": app.test_client()}
    login(clients["member"], stats["member_email"])
    chosen = pick_words(stats)
    print(f"  words: broad {chosen['broad']}  rare {chosen['rare']}  without diacritics {chosen['diacritic']}")
    results, warnings = [], []
    # Resources on a detail page's account are the active, network-visible ones; skip the others.
    for sc in scenarios(chosen, stats):
        client = clients[sc["who"]]
        matches, url_ok, refused = {}, [], Counter()
        app.logger.disabled = True  # a broken page is reported once below, not with a traceback per URL
        try:
            for url in sc["urls"]:
                response = client.get(url)
                if response.status_code != 200:
                    refused[response.status_code] += 1
                    continue
                url_ok.append(url)
                matches[url] = result_count(response.get_data(as_text=True))
        finally:
            app.logger.disabled = False
        if sc["name"] == "rare word":  # keep the words that are truly rare once prefixes are expanded
            url_ok = [u for u in url_ok if matches[u] and matches[u] < max(2, 0.001 * stats["resources"])] or url_ok
        if not url_ok:
            warnings.append(f"WARNING: {sc['name']}: not measured, every URL answered "
                            + ", ".join(f"{n}× {code}" for code, n in refused.items()) + f" (e.g. {sc['urls'][0]})")
            continue
        for i in range(warmup):
            client.get(url_ok[i % len(url_ok)])
        times, statements = [], []
        sql["ms"] = pauses["ms"] = 0.0
        for i in range(runs):
            url = url_ok[i % len(url_ok)]
            kept_pages.forget_all()  # the search and the page are made each time (bench/load.py: kept pages)
            counter["n"] = 0
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            times.append(elapsed)
            statements.append(counter["n"])
        times.sort()
        found = [matches[u] for u in url_ok if matches.get(u) is not None]
        row = {"scenario": sc["name"], "who": sc["who"], "type": sc["type"],
               "matches": (min(found), max(found)) if found else None,
               "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
               "stmts": (min(statements), max(statements)), "urls": url_ok,
               "sql_ms": sql["ms"] / runs, "gc_ms": pauses["ms"] / runs}
        results.append(row)
        if sc["type"] != "detail" and row["stmts"][0] != row["stmts"][1]:
            warnings.append(f"WARNING: {sc['name']}: statements per request vary {row['stmts'][0]}–{row['stmts'][1]}")
    warnings += n_plus_one_probe(clients["member"], counter, chosen, results)
    event.remove(engine, "before_cursor_execute", count)
    event.remove(engine, "before_cursor_execute", sql_start)
    event.remove(engine, "after_cursor_execute", sql_end)
    gc.callbacks.remove(gc_callback)
    return results, warnings


def n_plus_one_probe(client, counter, chosen, results) -> list[str]:
    """The same page with 1, a few and 20 entries (and many photos or none) must cost the same statements."""
    from portal.resources import cards as kept_cards, pages as kept_pages

    probes = {}
    urls = [f"/resources?q={w}" for w in chosen["rare"][:3]] + [f"/resources?q={chosen['broad'][0]}", "/resources",
                                                               "/resources?kind=material&municipality=ludzas"]
    for url in urls:
        total = result_count(client.get(url).get_data(as_text=True)) or 0
        last = max(1, -(-total // 20))
        for page_url in (url, f"{url}&page={last}"):  # a full page and the (partial) last one
            kept_pages.forget_all()
            kept_cards._cards.clear()  # every page made from nothing kept: the same statements for 1 or 20
            counter["n"] = 0
            html = client.get(page_url).get_data(as_text=True)
            items = html.count('data-testid="entry"')
            if items:
                probes.setdefault(items, (page_url, counter["n"]))
    listing = [r for r in results if r["who"] == "member" and r["type"] in ("listing", "search")]
    counts = sorted({r["stmts"][0] for r in listing} | {r["stmts"][1] for r in listing})
    line = "  N+1 probe (entries on page -> statements): " + ", ".join(
        f"{items} -> {n}" for items, (_, n) in sorted(probes.items()))
    print(line + f"; member listing/search pages use {counts} statements")
    if len({n for _, n in probes.values()}) > 1:
        return ["WARNING: statements per page depend on the number of entries (N+1): "
                + "; ".join(f"{u} ({items} entries): {n}" for items, (u, n) in sorted(probes.items()))]
    return []


def report(label: str, results: list[dict], warnings: list[str], stats: dict, size: int, check_target: bool):
    print(f"\n== {label}: {stats['orgs']:,} orgs, {stats['resources']:,} resources, {stats['needs']:,} needs; "
          f"generated in {stats['generation_seconds']:.1f} s; database {size / 2**20:.0f} MiB; "
          f"{stats['cpus']} CPUs, load {stats['load'][0]:.1f} → {stats['load'][1]:.1f}")
    head = (f"{'scenario':32} {'who':7} {'matches':>15} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stmts':>7}"
            f" {'sql ms':>7} {'gc ms':>6}")
    if check_target:
        head += f"  target p95 ≤ {TARGET_MS:.0f} ms"
    print(head)
    print("-" * len(head))
    for r in results:
        m = r["matches"]
        matches = "-" if m is None else f"{m[0]:,}" if m[0] == m[1] else f"{m[0]:,}–{m[1]:,}"
        stmts = f"{r['stmts'][0]}" if r["stmts"][0] == r["stmts"][1] else f"{r['stmts'][0]}–{r['stmts'][1]}"
        line = (f"{r['scenario']:32} {r['who']:7} {matches:>15} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
                f"{stmts:>7} {r['sql_ms']:7.1f} {r['gc_ms']:6.1f}")
        if check_target:
            line += "  " + ("OK" if r["p95"] <= TARGET_MS else "OVER")
        print(line)
    print("(stmts: SQL statements per request, min–max over the runs; sql ms: mean time in cursor.execute; "
          "gc ms: mean time in Python's garbage collector; per request)")
    for w in warnings:
        print(w)


# ------------------------------------------------------------------ runs

def run_database(kind: str, args, workdir: Path, pg_server: str | None):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    meta_path = workdir / f"bench-{kind}.json"
    wanted = {"orgs": args.orgs, "resources": args.resources, "needs": args.needs}
    reuse = meta_path.exists() and {k: json.loads(meta_path.read_text()).get(k) for k in wanted} == wanted
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'portal.sqlite3'}"
    else:  # kept as the SQLite file is, with --keep (the same database as bench/load.py's)
        server = pg_server.replace("postgresql://", "postgresql+psycopg://", 1)
        url = sa.engine.make_url(server).set(database=PG_DATABASE).render_as_string(hide_password=False)
        reuse = reuse and args.keep is not None and postgres_has(server, url, args.resources)
        if not reuse:
            url = fresh_postgres_database(pg_server, PG_DATABASE)
    if kind == "sqlite" and not reuse:
        for stale in workdir.glob("portal.sqlite3*"):
            stale.unlink()
    app = create_app(make_config(url, workdir / f"data-{kind}"))
    with app.app_context():
        if reuse:
            stats = json.loads(meta_path.read_text())
            print(f"[{kind}] reusing the database in {workdir}")
            upgrade()  # migrations added since it was generated
        else:
            upgrade()
            print(f"[{kind}] generating {args.orgs:,} orgs, {args.resources:,} resources, {args.needs:,} needs …")
            stats = generate(db, args)
            meta_path.write_text(json.dumps(stats))
            print(f"  generated in {stats['generation_seconds']:.1f} s")
        size = database_size(db)
    # As wsgi.py does in production: what start-up made is kept out of the collector's full passes.
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()[0]
    results, warnings = measure(app, db, stats, args.runs)
    load_after = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    stats = dict(stats, load=(load_before, load_after), cpus=cpus)
    if max(load_before, load_after) > 1.5:  # this benchmark keeps one core busy by itself
        warnings.append(f"WARNING: load average {load_before:.1f} before / {load_after:.1f} after on {cpus} CPUs: "
                        "other processes competed for the CPU, the percentiles are inflated")
    with app.app_context():
        db.engine.dispose()
    report("SQLite " + _sqlite_version() if kind == "sqlite" else "PostgreSQL " + _pg_version(url),
           results, warnings, stats, size, check_target=True)
    return results


def _sqlite_version() -> str:
    import sqlite3
    return sqlite3.sqlite_version


def _pg_version(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return version


PG_DATABASE = "portal_bench_load"  # kept between runs, shared with bench/load.py


def postgres_has(server: str, url: str, resources: int) -> bool:
    """The kept PostgreSQL bench database exists and holds `resources` resources."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s",
                                      (sa.engine.make_url(url).database,)).scalar()
    engine.dispose()
    if not exists:
        return False
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM resources").scalar()
    engine.dispose()
    return found == resources


def fresh_postgres_database(server_url: str, name: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=None, help="default: resources / 10")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL"),
                        help="a server to create the bench database on (default: TEST_POSTGRES_URL, "
                             "else a throwaway cluster as the tests start)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--keep", type=Path, help="keep the databases (the SQLite file here, PostgreSQL as portal_bench_load) and reuse them when the sizes match")
    args = parser.parse_args(argv)
    if args.needs is None:
        args.needs = args.resources // 10

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="portal-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = None
    try:
        if args.database in ("sqlite", "both"):
            run_database("sqlite", args, workdir, None)
        if args.database in ("postgresql", "both"):
            server = args.postgres_url
            if server:
                server = server.replace("postgresql://", "postgresql+psycopg://", 1)
            else:
                from tests.pg_cluster import ThrowawayCluster
                cluster = ThrowawayCluster()
                server = cluster.start()
            run_database("postgresql", args, workdir, server)
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
