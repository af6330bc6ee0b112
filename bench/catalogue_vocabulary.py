"""The words of the catalogue benchmark's network (bench/catalogue_data.py): a Latvian vocabulary of common
words (in decreasing frequency, drawn with a Zipf-like weight) and rare ones, places, what titles are about,
organizations' names, people's names and the languages offered."""


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
