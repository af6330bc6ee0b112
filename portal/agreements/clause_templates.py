"""The starting texts of agreements: a title and numbered sections that a representative edits while drafting.

    text = draft_text("exchange", "lv", resource_title="Multimediju projektors", owner_name=…, …)
    text.title                      # 'Līgums par resursa lietošanu'
    for heading, points in text.clauses:  # points: one paragraph a line, numbered 1.1., 1.2. … in the PDF
        …

Only the body: the PDF (portal/agreements/pdf.py) already prints the title, number, place and date, the term
("Līgums ir spēkā no … līdz …"), the parties paragraph (which defines "Puses"/"Puse" and "Līgums", "the Parties"
and "the Agreement") and the signatures page, so none of that is repeated here.

Pure Python: no Flask, no database. Latvian is the primary text, English a faithful equivalent. The names in the
context (organizations, the network, a resource) are used in the nominative or in „quotes”, never declined by
guesswork; the only exception is a network's name in the network agreement's title, put in the genitive when its
head noun is a known one (see `_lv_genitive`), otherwise quoted after the word "tīklojuma".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..text import decimal_text, long_date, lv_singular, money_in_words

KINDS = ("cooperation", "network", "accession", "exchange")
LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class DraftText:
    title: str
    clauses: list[tuple[str, str]]  # (heading, text with one point per line)


def draft_text(kind: str, language: str, **context) -> DraftText:
    """The starting title and clauses of an agreement of `kind` in `language` ('lv' or 'en').

    Context by kind (a missing key raises KeyError naming it):
      cooperation: none
      network:     network_name; optional coordinator_name (the coordinating organization, nominative)
      accession:   network_name, agreement_title, agreement_number, agreement_date (a date);
                   optional member_name (the acceding organization, nominative)
      exchange:    resource_title, owner_name, requester_name, starts_on, ends_on (dates), quantity (int),
                   hours (Decimal or None), purpose (str), value_eur (Decimal or None)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    title, sections = _BUILDERS[kind][language](context)
    clauses = [(heading, "\n".join(points)) for heading, points in sections]
    return DraftText(title=title, clauses=clauses)


# ------------------------------------------------------------------ dates, numbers, names

def _check_period(starts_on: date, ends_on: date) -> None:
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise TypeError("starts_on and ends_on must be dates")
    if ends_on < starts_on:
        raise ValueError("ends_on is before starts_on")


def _sentence(text: str) -> str:
    """Free text (e.g. an exchange's purpose) as the end of a sentence: trimmed, on one line, one final full stop."""
    text = " ".join(str(text).split()).rstrip(" .;,")
    if not text:
        raise ValueError("the text is empty")
    return text + "."


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# Head nouns a network's name may have, with their genitive singular.
_LV_HEADS = {
    "tīklojums": "tīklojuma", "tīkls": "tīkla", "apvienība": "apvienības", "savienība": "savienības",
    "platforma": "platformas", "forums": "foruma", "alianse": "alianses", "kopiena": "kopienas",
    "asociācija": "asociācijas", "partnerība": "partnerības", "koalīcija": "koalīcijas",
    "konsorcijs": "konsorcija",
}
# Words before the head that do not change with it: genitives ("Latgales", "biedrību", "Latvijas"), abbreviations.
_LV_GENITIVE_ENDINGS = ("es", "as", "ās", "us", "u", "ū")


def _lv_genitive(name: str) -> str | None:
    """'Latgales biedrību tīklojums' -> 'Latgales biedrību tīklojuma'; None when that cannot be done safely
    (no known head noun, or a word before it that might be an adjective agreeing with it)."""
    words = name.split()
    for i, word in enumerate(words):
        head = _LV_HEADS.get(word.lower())
        if head is None:
            continue
        for before in words[:i]:
            if not (before.isupper() or before.isdigit() or before.lower().endswith(_LV_GENITIVE_ENDINGS)):
                return None
        words[i] = _capitalized(head) if word[:1].isupper() else head
        return " ".join(words)
    return None


def _network_subject(name: str, language: str) -> str:
    """The network's name at the start of a sentence, in the nominative."""
    name = _one_line(name)
    if language == "lv":
        return _capitalized(name)
    return _capitalized(name) if "network" in name.lower() else f"The network “{name}”"


# ------------------------------------------------------------------ shared provisions

def _lv_electronic() -> list[str]:
    return [
        "Līgums sagatavots latviešu valodā elektroniska dokumenta veidā, un Puses to paraksta ar elektroniskajiem "
        "parakstiem Portālā vai ar drošu elektronisko parakstu.",
        "Puses vienojas, ka šādi parakstīts Līgums saskaņā ar Elektronisko dokumentu likumu ir uzskatāms par "
        "pašrocīgi parakstītu un tam ir tāds pats juridiskais spēks kā papīra formā parakstītam dokumentam.",
        "Parakstītais Līgums glabājas Portālā; katra Puse var to jebkurā laikā lejupielādēt, un tā autentiskumu var "
        "pārbaudīt pēc verifikācijas koda.",
    ]


def _en_electronic() -> list[str]:
    return [
        "This Agreement is drawn up in English as an electronic document, and the Parties sign it with electronic "
        "signatures in the Portal or with secure electronic signatures.",
        "The Parties agree that this Agreement, signed in this way, is deemed signed in their own hand in accordance "
        "with the Electronic Documents Law and has the same legal force as a document signed on paper.",
        "The signed Agreement is kept in the Portal; each Party may download it at any time, and its authenticity may "
        "be checked by its verification code.",
    ]


_LV_FORCE_MAJEURE = (
    "Puse neatbild par saistību neizpildi, ja to izraisījuši nepārvaramas varas apstākļi (piemēram, dabas katastrofa, "
    "ugunsgrēks, epidēmija vai valsts varas institūciju lēmumi), kurus Puse nevarēja ne paredzēt, ne novērst; par "
    "šādiem apstākļiem Puse nekavējoties paziņo otrai Pusei.")
_EN_FORCE_MAJEURE = (
    "A Party is not liable for a failure to perform its obligations caused by force majeure (such as a natural "
    "disaster, fire, epidemic or decisions of public authorities) which the Party could neither foresee nor prevent; "
    "the Party shall notify the other Party of such circumstances without delay.")

_LV_DATA_LAW = ("Eiropas Parlamenta un Padomes Regulu (ES) 2016/679 (Vispārīgā datu aizsardzības regula) un "
                "Fizisko personu datu apstrādes likumu")
_EN_DATA_LAW = ("Regulation (EU) 2016/679 of the European Parliament and of the Council (General Data Protection "
                "Regulation) and the Personal Data Processing Law")


# ------------------------------------------------------------------ cooperation (two organizations)

def _cooperation_lv(ctx: dict) -> tuple[str, list]:
    return "Sadarbības līgums", [
        ("Līguma priekšmets", [
            "Puses vienojas sadarboties, lai stiprinātu pilsonisko sabiedrību un savu organizāciju kapacitāti, un "
            "šajā nolūkā savstarpēji apmainās ar materiālajiem un intelektuālajiem resursiem atbilstoši katras "
            "Puses vajadzībām, īsteno kopīgus projektus un pasākumus un dalās pieredzē.",
            "Puses kopīgi plāno un rīko seminārus, darbnīcas, pieredzes apmaiņas braucienus un citus pasākumus, kā "
            "arī gatavo kopīgus projektu pieteikumus.",
            "Par katru kopīgu projektu, kas rada Pusēm finansiālas saistības, Puses noslēdz atsevišķu rakstisku "
            "vienošanos, kurā nosaka katras Puses uzdevumus, budžetu un atbildību.",
            "Sadarbība ir brīvprātīga un balstīta uz Pušu vienlīdzību un savstarpēju cieņu; Līgums neierobežo Pušu "
            "patstāvību un tiesības sadarboties ar citām organizācijām.",
        ]),
        ("Resursu apmaiņa", [
            "Resursu apmaiņu Puses organizē tīmekļa portālā, kurā Līgums noslēgts (turpmāk – Portāls).",
            "Puses publicē Portālā resursus, ko tās var piedāvāt otrai Pusei (piemēram, telpas, aprīkojumu, "
            "transportu, materiālus, ekspertīzi, apmācības, metodikas un brīvprātīgo darbu), un savas vajadzības.",
            "Katru resursu apmaiņu Puses saskaņo Portālā: Puse, kurai resurss nepieciešams, iesniedz pieprasījumu, "
            "norādot periodu, apjomu un mērķi, un otra Puse to pieņem vai noraida.",
            "Pieņemts pieprasījums ir Pušu vienošanās par konkrēto resursu apmaiņu; pēc jebkuras Puses "
            "ierosinājuma Puses par to noslēdz atsevišķu līgumu par resursa lietošanu.",
            "Resursu apmaiņa notiek bez maksas, ja vien Puses, saskaņojot apmaiņu, nav vienojušās par izdevumu "
            "dalīšanu vai savstarpēju pretizpildījumu.",
            "Materiālā resursa stāvokli tā nodošanas un atdošanas brīdī Puses fiksē Portālā.",
        ]),
        ("Pušu tiesības un pienākumi", [
            "Katra Puse uztur Portālā aktuālu informāciju par saviem resursiem un vajadzībām un atbild uz otras "
            "Puses pieprasījumiem ne vēlāk kā 10 (desmit) darba dienu laikā.",
            "Puse, kas nodod resursu, nodrošina, ka tas ir lietošanai derīgs, un informē otru Pusi par tā "
            "lietošanas noteikumiem un ierobežojumiem.",
            "Puse, kas saņem resursu, izmanto to tikai saskaņotajam mērķim, rūpējas par tā saglabāšanu un atdod "
            "materiālo resursu saskaņotajā termiņā tādā stāvoklī, kādā to saņēmusi, ievērojot parasto nolietojumu.",
            "Intelektuālā īpašuma tiesības uz metodikām, mācību materiāliem un citiem darbiem, ar kuriem Puses "
            "apmainās, paliek to autoriem un tiesību īpašniekiem; otra Puse tos izmanto tikai saskaņotajam mērķim, "
            "norādot autoru.",
            "Puses nekavējoties informē viena otru par apstākļiem, kas var kavēt Līguma izpildi, kā arī par savu "
            "pārstāvju un kontaktinformācijas maiņu.",
            "Neviena Puse nav tiesīga uzņemties saistības otras Puses vārdā bez tās rakstiskas piekrišanas.",
        ]),
        ("Publicitāte un personas dati", [
            "Puses var publiskot informāciju par savu sadarbību, kopīgiem projektiem un pasākumiem, norādot visus "
            "iesaistītos partnerus; otras Puses logotipu Puse izmanto tikai ar tās piekrišanu.",
            "Personas datus, ko Puses viena otrai nodod Līguma izpildes gaitā (piemēram, kontaktpersonu un pasākumu "
            f"dalībnieku datus), tās apstrādā tikai Līguma izpildei un saskaņā ar {_LV_DATA_LAW}.",
            "Katra Puse ir pārzinis personas datiem, ko tā apstrādā, un pirms datu nodošanas otrai Pusei informē "
            "datu subjektus par šādu nodošanu un tās mērķi.",
            "Kopīgos pasākumos, kuros tiek fotografēts vai filmēts, Puses iepriekš informē dalībniekus par to un par "
            "attēlu izmantošanas mērķi.",
        ]),
        ("Konfidencialitāte", [
            "Puses neizpauž trešajām personām informāciju, ko tās saņēmušas Līguma izpildes gaitā un ko otra Puse "
            "norādījusi kā konfidenciālu, izņemot normatīvajos aktos noteiktos gadījumus.",
            "Par konfidenciālu neuzskata informāciju, kas ir publiski pieejama vai ko Puse pati publicējusi Portālā.",
            "Konfidencialitātes pienākums ir spēkā arī pēc Līguma izbeigšanās.",
        ]),
        ("Atbildība un nepārvarama vara", [
            "Katra Puse atbild par savu Līgumā noteikto saistību izpildi un atlīdzina otrai Pusei zaudējumus, kas "
            "radušies tās vainas dēļ, tostarp saņemtā materiālā resursa bojājuma vai bojāejas dēļ, ja tie pārsniedz "
            "parasto nolietojumu.",
            _LV_FORCE_MAJEURE,
        ]),
        ("Strīdu risināšana", [
            "Strīdus un domstarpības, kas rodas saistībā ar Līgumu, Puses risina sarunu ceļā.",
            "Ja vienošanās netiek panākta 30 (trīsdesmit) dienu laikā no dienas, kad viena Puse rakstiski paziņojusi "
            "otrai Pusei par strīdu, strīdu izšķir Latvijas Republikas tiesā saskaņā ar Latvijas Republikas "
            "normatīvajiem aktiem.",
        ]),
        ("Līguma grozījumi", [
            "Līgumu var grozīt vai papildināt, tikai Pusēm rakstiski vienojoties.",
            "Grozījumus noformē Portālā kā jaunu Līguma versiju, kas stājas spēkā, kad to parakstījušas abas Puses, "
            "un no šīs dienas aizstāj iepriekšējo versiju; līdz tam ir spēkā iepriekšējā versija.",
        ]),
        ("Līguma izbeigšana", [
            "Katra Puse var vienpusēji izbeigt Līgumu, rakstiski paziņojot par to otrai Pusei vismaz 30 (trīsdesmit) "
            "dienas iepriekš.",
            "Paziņojumu par Līguma izbeigšanu iesniedz Portālā vai nosūta otrai Pusei uz tās juridisko adresi vai "
            "Portālā norādīto elektroniskā pasta adresi.",
            "Līguma izbeigšana neietekmē resursu apmaiņas un kopīgos projektus, par kuriem Puses vienojušās pirms "
            "paziņojuma par izbeigšanu; tos Puses pabeidz saskaņā ar panāktajām vienošanām.",
        ]),
        ("Nobeiguma noteikumi", [
            *_lv_electronic(),
            "Jautājumus, kas Līgumā nav noregulēti, Puses risina saskaņā ar Latvijas Republikas normatīvajiem aktiem.",
        ]),
    ]


def _cooperation_en(ctx: dict) -> tuple[str, list]:
    return "Cooperation Agreement", [
        ("Subject of the Agreement", [
            "The Parties agree to cooperate in order to strengthen civil society and the capacity of their "
            "organizations, and to this end they exchange material and intellectual resources according to each "
            "Party's needs, carry out joint projects and events and share their experience.",
            "The Parties jointly plan and organize seminars, workshops, study visits and other events, and prepare "
            "joint project applications.",
            "For each joint project that creates financial obligations for the Parties, the Parties conclude a "
            "separate written agreement setting out each Party's tasks, the budget and responsibilities.",
            "The cooperation is voluntary and based on the equality of the Parties and mutual respect; this Agreement "
            "does not restrict the independence of the Parties or their right to cooperate with other organizations.",
        ]),
        ("Exchange of resources", [
            "The Parties arrange the exchange of resources in the web portal in which this Agreement is concluded "
            "(hereinafter the Portal).",
            "The Parties publish in the Portal the resources they can offer to the other Party (such as premises, "
            "equipment, transport, materials, expertise, training, methodologies and volunteer work) and their needs.",
            "The Parties agree on each exchange of resources in the Portal: the Party that needs a resource submits a "
            "request stating the period, the quantity and the purpose, and the other Party accepts or declines it.",
            "An accepted request constitutes the Parties' agreement on that exchange of resources; at the proposal of "
            "either Party, the Parties conclude a separate agreement on the use of the resource.",
            "Resources are exchanged free of charge, unless the Parties, when agreeing on the exchange, have agreed "
            "to share costs or on reciprocal performance.",
            "The Parties record the condition of a material resource in the Portal when it is handed over and when it "
            "is returned.",
        ]),
        ("Rights and obligations of the Parties", [
            "Each Party keeps the information on its resources and needs in the Portal up to date and responds to the "
            "other Party's requests within 10 (ten) working days at the latest.",
            "The Party that provides a resource ensures that it is fit for use and informs the other Party of the "
            "terms and restrictions of its use.",
            "The Party that receives a resource uses it only for the agreed purpose, takes care of it and returns a "
            "material resource by the agreed date in the condition in which it was received, fair wear and tear "
            "excepted.",
            "Intellectual property rights in methodologies, training materials and other works exchanged by the "
            "Parties remain with their authors and right holders; the other Party uses them only for the agreed "
            "purpose and credits the author.",
            "The Parties inform each other without delay of any circumstances that may hinder the performance of this "
            "Agreement and of any change of their representatives or contact details.",
            "Neither Party may assume obligations on behalf of the other Party without its written consent.",
        ]),
        ("Publicity and personal data", [
            "The Parties may make public information on their cooperation, joint projects and events, naming all the "
            "partners involved; a Party uses the other Party's logo only with its consent.",
            "The Parties process personal data that they transfer to each other in the performance of this Agreement "
            "(such as data of contact persons and event participants) only for the performance of this Agreement and "
            f"in accordance with {_EN_DATA_LAW}.",
            "Each Party is the controller of the personal data it processes and, before transferring data to the "
            "other Party, informs the data subjects of the transfer and its purpose.",
            "At joint events where photographs or video are taken, the Parties inform the participants in advance "
            "of this and of the purpose for which the images will be used.",
        ]),
        ("Confidentiality", [
            "The Parties do not disclose to third parties information received in the performance of this Agreement "
            "that the other Party has marked as confidential, except in the cases provided for by law.",
            "Information that is publicly available or that a Party has itself published in the Portal is not "
            "confidential.",
            "The obligation of confidentiality survives the termination of this Agreement.",
        ]),
        ("Liability and force majeure", [
            "Each Party is liable for the performance of its obligations under this Agreement and compensates the "
            "other Party for losses caused by its fault, including damage to or loss of a material resource received, "
            "beyond fair wear and tear.",
            _EN_FORCE_MAJEURE,
        ]),
        ("Settlement of disputes", [
            "The Parties settle disputes and disagreements arising in connection with this Agreement by negotiation.",
            "If no agreement is reached within 30 (thirty) days from the day on which one Party has notified the other "
            "Party of the dispute in writing, the dispute is settled by a court of the Republic of Latvia in "
            "accordance with the laws of the Republic of Latvia.",
        ]),
        ("Amendments", [
            "This Agreement may be amended or supplemented only by a written agreement of the Parties.",
            "Amendments are made in the Portal as a new version of this Agreement, which enters into force when both "
            "Parties have signed it and replaces the previous version from that day; until then the previous version "
            "remains in force.",
        ]),
        ("Termination", [
            "Either Party may terminate this Agreement unilaterally by giving the other Party at least 30 (thirty) "
            "days' written notice.",
            "The notice of termination is submitted in the Portal or sent to the other Party's registered address or "
            "to the e-mail address stated in the Portal.",
            "Termination does not affect exchanges of resources and joint projects agreed before the notice of "
            "termination; the Parties complete them in accordance with the arrangements made.",
        ]),
        ("Final provisions", [
            *_en_electronic(),
            "Matters not governed by this Agreement are settled in accordance with the laws of the Republic of Latvia.",
        ]),
    ]


# ------------------------------------------------------------------ network (all member organizations)

def _network_lv(ctx: dict) -> tuple[str, list]:
    name = _one_line(ctx["network_name"])
    genitive = _lv_genitive(name)
    title = f"Līgums par {genitive or f'tīklojuma „{name}”'} uzturēšanu un veicināšanu"
    coordinator = ctx.get("coordinator_name")
    coordinated_by = (f"Tīklojuma darbību koordinē {_one_line(coordinator)} (turpmāk – Koordinators)." if coordinator
                      else "Tīklojuma darbību koordinē Pušu vidū noteikta koordinējošā organizācija (turpmāk – "
                           "Koordinators), kas norādīta Portālā.")
    return title, [
        ("Tīklojuma mērķis", [
            f"{_network_subject(name, 'lv')} (turpmāk – Tīklojums) ir Pušu izveidota brīvprātīga nevalstisko "
            "organizāciju sadarbības apvienība bez juridiskās personas statusa.",
            "Tīklojuma mērķis ir stiprināt pilsonisko sabiedrību un nevalstisko organizāciju kapacitāti, veicinot "
            "Pušu sadarbību pilsoniskas sabiedrības aktivitāšu īstenošanā, pieredzes apmaiņu un pieejamo materiālo "
            "un intelektuālo resursu apmaiņu atbilstoši Pušu vajadzībām.",
            "Ar šo Līgumu Puses vienojas par Tīklojuma uzturēšanu un veicināšanu, tā darbības principiem, Pušu "
            "pienākumiem, koordināciju un dalības kārtību.",
            "Tīklojuma darbībai Puses izmanto tīmekļa portālu, kurā Līgums noslēgts (turpmāk – Portāls).",
        ]),
        ("Darbības principi", [
            "Dalība Tīklojumā ir brīvprātīga; katra Puse pati izlemj, kādus resursus un kādā apjomā tā piedāvā "
            "pārējām Pusēm.",
            "Visām Pusēm ir vienlīdzīgas tiesības un pienākumi neatkarīgi no to lieluma, darbības ilguma un "
            "ieguldījuma Tīklojumā.",
            "Puses darbojas atklāti: informācija par Tīklojuma dalībniekiem, to piedāvātajiem resursiem, noslēgtajiem "
            "līgumiem un resursu apmaiņām ir pieejama visām Pusēm Portālā.",
            "Puses sadarbojas godprātīgi un saglabā savu patstāvību; dalība Tīklojumā nerada Pusēm kopīgas "
            "finansiālas saistības.",
            "Tīklojumā saņemtos resursus Puses izmanto savos statūtos noteikto mērķu sasniegšanai, nevis peļņas "
            "gūšanai.",
        ]),
        ("Pušu pienākumi", [
            "Katra Puse norīko vismaz vienu pārstāvi, kas uztur tās informāciju Portālā un ir kontaktpersona "
            "Tīklojuma jautājumos.",
            "Puses publicē Portālā savus pieejamos materiālos un intelektuālos resursus un savas vajadzības un uztur "
            "šo informāciju aktuālu.",
            "Puses atbild uz citu Pušu pieprasījumiem Portālā ne vēlāk kā 10 (desmit) darba dienu laikā, tos "
            "pieņemot vai pamatoti noraidot.",
            "Puses reģistrē Portālā katru resursu apmaiņu, tostarp resursa nodošanu un atdošanu, tā stāvokli un "
            "apmaiņas vērtību natūrā, un pēc apmaiņas atzīmē to kā pabeigtu.",
            "Puses izmanto saņemtos resursus tikai saskaņotajam mērķim un atdod materiālos resursus saskaņotajā "
            "termiņā tādā stāvoklī, kādā tos saņēmušas, ievērojot parasto nolietojumu.",
            "Puses popularizē Tīklojumu, savos publicitātes materiālos par kopīgiem pasākumiem norādot dalību "
            "Tīklojumā, un vismaz reizi gadā piedalās Tīklojuma dalībnieku sanāksmē.",
        ]),
        ("Koordinators", [
            coordinated_by,
            "Koordinators izskata dalības pieteikumus un apstiprina jaunu dalībnieku uzņemšanu Tīklojumā, kā arī "
            "izskata un apstiprina Portālā sagatavotos līgumus pirms to parakstīšanas.",
            "Koordinators uztur Portālu, nodrošina tā darbību, datu drošību un rezerves kopijas un ved audita "
            "žurnālu, kurā reģistrē katru līguma un dalības statusa maiņu un katru parakstu, norādot, kas to veicis "
            "un kad.",
            "Koordinators vismaz reizi gadā sasauc Tīklojuma dalībnieku sanāksmi un sagatavo pārskatu par Tīklojuma "
            "darbību un resursu apmaiņām.",
            "Koordinators var apturēt tās Puses dalību Tīklojumā, kas būtiski vai atkārtoti pārkāpj Līgumu, par to "
            "rakstiski paziņojot attiecīgajai Pusei un pārējām Pusēm.",
            "Koordinators nepieņem lēmumus Pušu vārdā un neuzņemas saistības, ko Puses nav apstiprinājušas.",
        ]),
        ("Personas dati un konfidencialitāte", [
            "Personas datus, ko Puses saņem Tīklojuma darbībā, tās apstrādā tikai Līguma izpildei un saskaņā ar "
            f"{_LV_DATA_LAW}.",
            "Portālā publiski pieejama ir tikai organizāciju kontaktinformācija; Pušu darbinieku un brīvprātīgo "
            "kontaktinformācija ir pieejama tikai Pusēm.",
            "Puses neizpauž trešajām personām informāciju, ko cita Puse norādījusi kā konfidenciālu; šis pienākums "
            "ir spēkā arī pēc izstāšanās no Tīklojuma.",
        ]),
        ("Jaunu dalībnieku pievienošanās", [
            "Tīklojumam var pievienoties nevalstiskā organizācija, kas atbalsta Tīklojuma mērķi un kuras dalības "
            "pieteikumu Koordinators ir apstiprinājis.",
            "Jauns dalībnieks pievienojas Līgumam, parakstot pievienošanās līgumu, kurā ir atsauce uz šo Līgumu; "
            "Līguma grozījumi pievienošanās dēļ nav nepieciešami.",
            "Jaunais dalībnieks kļūst par Līguma Pusi ar dienu, kad pievienošanās līgumu parakstījušas visas tā "
            "puses, un no šīs dienas tam ir visas Līgumā noteiktās Pušu tiesības un pienākumi.",
            "Pievienošanās līgums ir Līguma neatņemama sastāvdaļa.",
        ]),
        ("Izstāšanās no Tīklojuma", [
            "Katra Puse var izstāties no Tīklojuma, rakstiski paziņojot par to Koordinatoram un pārējām Pusēm Portālā "
            "vismaz 30 (trīsdesmit) dienas iepriekš.",
            "Puse, kas izstājas, pabeidz resursu apmaiņas, par kurām vienošanās panākta pirms paziņojuma par "
            "izstāšanos, un atdod saņemtos materiālos resursus.",
            "Pēc Puses izstāšanās Līgums paliek spēkā starp pārējām Pusēm.",
        ]),
        ("Līguma grozījumi", [
            "Līgumu var grozīt vai papildināt, tikai visām Pusēm rakstiski vienojoties; grozījumus var ierosināt "
            "jebkura Puse vai Koordinators.",
            "Grozījumus noformē Portālā kā jaunu Līguma versiju, kas stājas spēkā, kad to parakstījušas visas Puses, "
            "kuras tās parakstīšanas laikā ir Tīklojuma dalībnieces, un no šīs dienas aizstāj iepriekšējo versiju.",
            "Līdz jaunās versijas spēkā stāšanās dienai ir spēkā iepriekšējā Līguma versija.",
        ]),
        ("Strīdu risināšana", [
            "Strīdus un domstarpības, kas rodas saistībā ar Līgumu, Puses risina sarunu ceļā, vajadzības gadījumā "
            "iesaistot Koordinatoru kā starpnieku.",
            "Ja vienošanās netiek panākta 30 (trīsdesmit) dienu laikā, strīdu izšķir Latvijas Republikas tiesā "
            "saskaņā ar Latvijas Republikas normatīvajiem aktiem.",
        ]),
        ("Nobeiguma noteikumi", [
            *_lv_electronic(),
            "Jautājumus, kas Līgumā nav noregulēti, Puses risina saskaņā ar Latvijas Republikas normatīvajiem aktiem.",
        ]),
    ]


def _network_en(ctx: dict) -> tuple[str, list]:
    name = _one_line(ctx["network_name"])
    bare = name[4:] if name.lower().startswith("the ") else name
    of_network = f"the {bare}" if "network" in name.lower() else f"the Network “{name}”"
    coordinator = ctx.get("coordinator_name")
    coordinated_by = (f"The Network is coordinated by {_one_line(coordinator)} (hereinafter the Coordinator)."
                      if coordinator else
                      "The Network is coordinated by a coordinating organization designated by the Parties from "
                      "among themselves and named in the Portal (hereinafter the Coordinator).")
    return f"Agreement on the Maintenance and Promotion of {of_network}", [
        ("Purpose of the Network", [
            f"{_network_subject(name, 'en')} (hereinafter the Network) is a voluntary cooperation association of "
            "non-governmental organizations, established by the Parties, without the status of a legal person.",
            "The purpose of the Network is to strengthen civil society and the capacity of non-governmental "
            "organizations by promoting the Parties' cooperation in civil-society activities, the exchange of "
            "experience and the exchange of available material and intellectual resources according to the "
            "Parties' needs.",
            "By this Agreement the Parties agree on the maintenance and promotion of the Network, its principles, the "
            "obligations of the Parties, its coordination and the procedure of membership.",
            "For the activities of the Network the Parties use the web portal in which this Agreement is concluded "
            "(hereinafter the Portal).",
        ]),
        ("Principles", [
            "Membership of the Network is voluntary; each Party decides itself which resources it offers to the other "
            "Parties and to what extent.",
            "All Parties have equal rights and obligations regardless of their size, length of activity and "
            "contribution to the Network.",
            "The Parties act transparently: information on the members of the Network, the resources they offer, "
            "the agreements concluded and the exchanges of resources is available to all Parties in the Portal.",
            "The Parties cooperate in good faith and retain their independence; membership of the Network creates "
            "no joint financial obligations for the Parties.",
            "The Parties use resources received through the Network to pursue the objectives laid down in their "
            "articles of association, not for profit.",
        ]),
        ("Obligations of the Parties", [
            "Each Party appoints at least one representative who keeps its information in the Portal up to date and "
            "is its contact person in matters of the Network.",
            "The Parties publish in the Portal their available material and intellectual resources and their needs "
            "and keep this information up to date.",
            "The Parties respond to other Parties' requests in the Portal within 10 (ten) working days at the latest, "
            "accepting them or declining them with reasons.",
            "The Parties record each exchange of resources in the Portal, including the hand-over and return of the "
            "resource, its condition and the in-kind value of the exchange, and mark the exchange as completed "
            "afterwards.",
            "The Parties use resources received only for the agreed purpose and return material resources by the "
            "agreed date in the condition in which they were received, fair wear and tear excepted.",
            "The Parties promote the Network by mentioning their membership of it in their publicity materials on "
            "joint events, and take part in a meeting of the members of the Network at least once a year.",
        ]),
        ("The Coordinator", [
            coordinated_by,
            "The Coordinator examines membership applications and approves the admission of new members to the "
            "Network, and examines and approves agreements drafted in the Portal before they are signed.",
            "The Coordinator maintains the Portal, ensures its operation, data security and backups, and keeps an "
            "audit log recording each change in the status of agreements and memberships and each signature, with "
            "who made it and when.",
            "The Coordinator convenes a meeting of the members of the Network at least once a year and prepares a "
            "report on the activities of the Network and the exchanges of resources.",
            "The Coordinator may suspend the membership of a Party that materially or repeatedly breaches this "
            "Agreement, notifying that Party and the other Parties in writing.",
            "The Coordinator takes no decisions on behalf of the Parties and assumes no obligations that the Parties "
            "have not approved.",
        ]),
        ("Personal data and confidentiality", [
            "The Parties process personal data received in the activities of the Network only for the performance of "
            f"this Agreement and in accordance with {_EN_DATA_LAW}.",
            "Only the contact details of organizations are public in the Portal; the contact details of the Parties' "
            "staff and volunteers are available to the Parties only.",
            "The Parties do not disclose to third parties information that another Party has marked as confidential; "
            "this obligation survives a Party's withdrawal from the Network.",
        ]),
        ("Accession of new members", [
            "A non-governmental organization that supports the purpose of the Network and whose membership "
            "application the Coordinator has approved may join the Network.",
            "A new member accedes to this Agreement by signing an accession agreement referring to this Agreement; "
            "no amendment of this Agreement is required for an accession.",
            "The new member becomes a Party to this Agreement on the day on which the accession agreement has been "
            "signed by all its parties, and from that day has all the rights and obligations of a Party under this "
            "Agreement.",
            "The accession agreement is an integral part of this Agreement.",
        ]),
        ("Withdrawal from the Network", [
            "Any Party may withdraw from the Network by giving the Coordinator and the other Parties at least 30 "
            "(thirty) days' written notice in the Portal.",
            "A withdrawing Party completes the exchanges of resources agreed before its notice of withdrawal and "
            "returns the material resources it has received.",
            "After a Party's withdrawal this Agreement remains in force between the other Parties.",
        ]),
        ("Amendments", [
            "This Agreement may be amended or supplemented only by a written agreement of all Parties; any Party or "
            "the Coordinator may propose amendments.",
            "Amendments are made in the Portal as a new version of this Agreement, which enters into force when it "
            "has been signed by all Parties that are members of the Network at the time of signing and replaces the "
            "previous version from that day.",
            "Until the new version enters into force, the previous version of this Agreement remains in force.",
        ]),
        ("Settlement of disputes", [
            "The Parties settle disputes and disagreements arising in connection with this Agreement by negotiation, "
            "involving the Coordinator as a mediator where necessary.",
            "If no agreement is reached within 30 (thirty) days, the dispute is settled by a court of the Republic of "
            "Latvia in accordance with the laws of the Republic of Latvia.",
        ]),
        ("Final provisions", [
            *_en_electronic(),
            "Matters not governed by this Agreement are settled in accordance with the laws of the Republic of Latvia.",
        ]),
    ]


# ------------------------------------------------------------------ accession (a new member joins the network)

def _accession_lv(ctx: dict) -> tuple[str, list]:
    name = _network_subject(ctx["network_name"], "lv")
    title, number = _one_line(ctx["agreement_title"]), _one_line(ctx["agreement_number"])
    concluded = long_date(ctx["agreement_date"], "lv", "loc")
    member = ctx.get("member_name")
    acceding = (f"{_one_line(member)} (turpmāk – Jaunais dalībnieks)" if member else
                "Puse, kas līdz šim nav bijusi Tīklojuma līguma puse (turpmāk – Jaunais dalībnieks),")
    return "Pievienošanās līgums", [
        ("Pievienošanās Tīklojuma līgumam", [
            f"{name} (turpmāk – Tīklojums) darbojas saskaņā ar {concluded} noslēgto līgumu „{title}” Nr. {number} "
            "(turpmāk – Tīklojuma līgums).",
            f"Ar šo Līgumu {acceding} pievienojas Tīklojuma līgumam tā spēkā esošajā "
            "redakcijā.",
            "Jaunais dalībnieks apliecina, ka ir iepazinies ar Tīklojuma līgumu un piekrīt visiem tā noteikumiem.",
        ]),
        ("Tiesības un pienākumi", [
            "Jaunais dalībnieks pieņem visas Tīklojuma līgumā noteiktās tā pušu tiesības un pienākumus un apņemas "
            "tos pildīt tāpat kā pārējās Tīklojuma līguma puses.",
            "Jaunais dalībnieks kļūst par Tīklojuma līguma pusi ar dienu, kad šo Līgumu parakstījušas visas tā "
            "Puses; no šīs dienas tam ir visas Tīklojuma līgumā noteiktās tiesības un pienākumi.",
            "Jaunais dalībnieks neatbild par saistībām, kas Tīklojuma līguma pusēm radušās pirms tā pievienošanās.",
        ]),
        ("Saikne ar Tīklojuma līgumu", [
            "Šis Līgums ir Tīklojuma līguma neatņemama sastāvdaļa.",
            "Jautājumos, kas šajā Līgumā nav noregulēti, tostarp par izstāšanos no Tīklojuma, grozījumiem un strīdu "
            "risināšanu, Puses ievēro Tīklojuma līgumu.",
        ]),
        ("Nobeiguma noteikumi", _lv_electronic()),
    ]


def _accession_en(ctx: dict) -> tuple[str, list]:
    name = _network_subject(ctx["network_name"], "en")
    title, number = _one_line(ctx["agreement_title"]), _one_line(ctx["agreement_number"])
    concluded = long_date(ctx["agreement_date"], "en")
    member = ctx.get("member_name")
    member = (_one_line(member) if member else "the Party that has not so far been a party to the Network Agreement")
    return "Accession Agreement", [
        ("Accession to the Network Agreement", [
            f"{name} (hereinafter the Network) operates under the agreement “{title}” No. {number} concluded on "
            f"{concluded} (hereinafter the Network Agreement).",
            f"By this Agreement {member} (hereinafter the New Member) accedes to the Network Agreement as in force.",
            "The New Member confirms that it has read the Network Agreement and accepts all its terms.",
        ]),
        ("Rights and obligations", [
            "The New Member accepts all the rights and obligations of the parties under the Network Agreement and "
            "undertakes to perform them in the same way as the other parties to the Network Agreement.",
            "The New Member becomes a party to the Network Agreement on the day on which this Agreement has been "
            "signed by all its Parties; from that day it has all the rights and obligations under the Network "
            "Agreement.",
            "The New Member is not liable for obligations of the parties to the Network Agreement that arose before "
            "its accession.",
        ]),
        ("Relation to the Network Agreement", [
            "This Agreement is an integral part of the Network Agreement.",
            "In matters not governed by this Agreement, including withdrawal from the Network, amendments and the "
            "settlement of disputes, the Parties follow the Network Agreement.",
        ]),
        ("Final provisions", _en_electronic()),
    ]


# ------------------------------------------------------------------ exchange (drafted from an accepted exchange)

def _exchange_context(ctx: dict) -> dict:
    starts_on, ends_on = ctx["starts_on"], ctx["ends_on"]
    _check_period(starts_on, ends_on)
    quantity = ctx["quantity"]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"quantity must be a positive whole number, not {quantity!r}")
    hours, value = ctx["hours"], ctx["value_eur"]
    if hours is not None and Decimal(hours) <= 0:
        raise ValueError("hours must be positive")
    return {
        "resource": _one_line(ctx["resource_title"]), "owner": _one_line(ctx["owner_name"]),
        "requester": _one_line(ctx["requester_name"]), "starts_on": starts_on, "ends_on": ends_on,
        "quantity": quantity, "hours": None if hours is None else Decimal(hours),
        "purpose": _sentence(ctx["purpose"]), "value": None if value is None else Decimal(value),
    }


def _exchange_lv(ctx: dict) -> tuple[str, list]:
    c = _exchange_context(ctx)
    units = "vienības" if lv_singular(c["quantity"]) else "vienību"
    if c["starts_on"] == c["ends_on"]:
        period = f"Lietotājs ir tiesīgs lietot Resursu {long_date(c['starts_on'], 'lv', 'loc')}."
    else:
        period = (f"Lietotājs ir tiesīgs lietot Resursu no {long_date(c['starts_on'], 'lv', 'gen')} līdz "
                  f"{long_date(c['ends_on'], 'lv', 'dat')} (ieskaitot).")
    period_points = [period]
    if c["hours"] is not None:
        hours = c["hours"]
        word = "stunda" if lv_singular(hours) else "stundas"
        period_points.append(f"Resursa sniegšanas apjoms ir {decimal_text(hours, 'lv')} {word}; konkrētu laiku Puses "
                             "saskaņo Portālā.")
    period_points.append("Lietošanas periodu Puses var pagarināt vai saīsināt, rakstiski vienojoties Portālā.")
    if c["value"] is not None:
        costs = [
            f"Resursa lietošanas vērtība natūrā ir {money_in_words(c['value'], 'lv')}.",
            "Puses šo vērtību uzskaita kā Devēja ieguldījumu natūrā un norāda to Portālā un savos pārskatos; "
            "Lietotājs to Devējam naudā nemaksā, ja vien Puses, saskaņojot apmaiņu, nav vienojušās par izdevumu "
            "dalīšanu.",
        ]
    else:
        costs = ["Devējs nodod Resursu Lietotājam lietošanā bez maksas."]
    costs.append("Izdevumus, kas saistīti ar Resursa nogādāšanu uz lietošanas vietu un atpakaļ, sedz Lietotājs, ja "
                 "Puses nav vienojušās citādi.")
    return "Līgums par resursa lietošanu", [
        ("Līguma priekšmets", [
            f"Šajā Līgumā {c['owner']} ir resursa devējs (turpmāk – Devējs), bet {c['requester']} – resursa lietotājs "
            "(turpmāk – Lietotājs).",
            f"Devējs nodod Lietotājam lietošanā resursu „{c['resource']}” (turpmāk – Resurss) {c['quantity']} {units} "
            f"apjomā, un Lietotājs to izmanto tikai šādam mērķim: {c['purpose']}",
            "Līgums noslēgts, pamatojoties uz Lietotāja pieprasījumu, ko Devējs pieņēmis tīmekļa portālā, kurā "
            "Līgums noslēgts (turpmāk – Portāls).",
            "Devējs apliecina, ka ir tiesīgs nodot Resursu lietošanā.",
        ]),
        ("Lietošanas periods", period_points),
        ("Resursa nodošana un atdošana", [
            "Devējs nodod Resursu Lietotājam lietošanas perioda pirmajā dienā Pušu saskaņotā laikā un vietā, bet "
            "Lietotājs atdod Resursu Devējam ne vēlāk kā lietošanas perioda pēdējā dienā.",
            "Nododot un atdodot Resursu, Puses kopīgi pārbauda tā stāvokli un komplektāciju un fiksē to Portālā, "
            "vajadzības gadījumā pievienojot fotoattēlus; Portālā fiksētais stāvoklis apliecina Resursa stāvokli "
            "nodošanas un atdošanas brīdī.",
            "Lietotājs atdod Resursu tādā stāvoklī, kādā to saņēmis, ievērojot parasto nolietojumu.",
            "Ja Resurss ir intelektuāls (piemēram, konsultācija, apmācība vai brīvprātīgo darbs), tā nodošanu un "
            "atdošanu aizstāj Pušu apliecinājums Portālā par Resursa sniegšanu.",
            "Lietotājs nenodod Resursu trešajām personām bez Devēja rakstiskas piekrišanas.",
        ]),
        ("Izmaksas", costs),
        ("Atbildība", [
            "Lietotājs atbild par Resursa saglabāšanu no tā saņemšanas līdz atdošanai un atlīdzina Devējam "
            "zaudējumus, kas radušies Resursa bojājuma, bojāejas vai nozaudēšanas dēļ, ja tie pārsniedz parasto "
            "nolietojumu.",
            "Zaudējumu apmēru nosaka, salīdzinot Portālā fiksēto Resursa stāvokli nodošanas un atdošanas brīdī; "
            "Lietotājs atlīdzina Resursa remonta izmaksas vai, ja remonts nav iespējams, Resursa tirgus vērtību.",
            "Devējs atbild par to, lai Resurss nodošanas brīdī būtu lietošanai derīgs un drošs, un informē Lietotāju "
            "par tā lietošanas noteikumiem.",
            _LV_FORCE_MAJEURE,
        ]),
        ("Nobeiguma noteikumi", [
            "Līgumu var grozīt, Pusēm rakstiski vienojoties Portālā; grozījumus noformē kā jaunu Līguma versiju.",
            "Strīdus Puses risina sarunu ceļā, bet, ja vienošanās netiek panākta, – Latvijas Republikas tiesā "
            "saskaņā ar Latvijas Republikas normatīvajiem aktiem.",
            *_lv_electronic(),
        ]),
    ]


def _exchange_en(ctx: dict) -> tuple[str, list]:
    c = _exchange_context(ctx)
    units = "unit" if c["quantity"] == 1 else "units"
    if c["starts_on"] == c["ends_on"]:
        period = f"The User may use the Resource on {long_date(c['starts_on'], 'en')}."
    else:
        period = (f"The User may use the Resource from {long_date(c['starts_on'], 'en')} "
                  f"to {long_date(c['ends_on'], 'en')} inclusive.")
    period_points = [period]
    if c["hours"] is not None:
        word = "hour" if c["hours"] == 1 else "hours"
        period_points.append(f"The Resource is provided for {decimal_text(c['hours'], 'en')} {word}; the Parties agree on "
                             "the exact times in the Portal.")
    period_points.append("The Parties may extend or shorten the period of use by written agreement in the Portal.")
    if c["value"] is not None:
        costs = [
            f"The in-kind value of the use of the Resource is {money_in_words(c['value'], 'en')}.",
            "The Parties record this value as the Provider's in-kind contribution and state it in the Portal and in "
            "their reports; the User does not pay it to the Provider in money, unless the Parties have agreed to "
            "share costs when agreeing on the exchange.",
        ]
    else:
        costs = ["The Provider makes the Resource available to the User free of charge."]
    costs.append("The costs of transporting the Resource to the place of use and back are borne by the User, unless "
                 "the Parties have agreed otherwise.")
    return "Agreement on the Use of a Resource", [
        ("Subject of the Agreement", [
            f"Under this Agreement {c['owner']} is the provider of the resource (hereinafter the Provider) and "
            f"{c['requester']} is the user of the resource (hereinafter the User).",
            f"The Provider grants the User the use of {c['quantity']} {units} of the resource “{c['resource']}” "
            f"(hereinafter the Resource), and the User uses it only for the following purpose: {c['purpose']}",
            "This Agreement is concluded on the basis of the User's request accepted by the Provider in the web portal "
            "in which this Agreement is concluded (hereinafter the Portal).",
            "The Provider confirms that it is entitled to make the Resource available for use.",
        ]),
        ("Period of use", period_points),
        ("Hand-over and return of the Resource", [
            "The Provider hands the Resource over to the User on the first day of the period of use at a time and "
            "place agreed by the Parties, and the User returns the Resource to the Provider no later than on the last "
            "day of the period of use.",
            "On hand-over and on return the Parties jointly check the condition and completeness of the Resource and "
            "record them in the Portal, with photographs where necessary; the condition recorded in the Portal "
            "evidences the condition of the Resource at hand-over and at return.",
            "The User returns the Resource in the condition in which it was received, fair wear and tear excepted.",
            "If the Resource is intellectual (such as a consultation, training or volunteer work), its hand-over and "
            "return are replaced by the Parties' confirmation in the Portal that the Resource has been provided.",
            "The User does not pass the Resource on to third parties without the Provider's written consent.",
        ]),
        ("Costs", costs),
        ("Liability", [
            "The User is responsible for the safekeeping of the Resource from its receipt until its return and "
            "compensates the Provider for losses caused by damage to, destruction or loss of the Resource beyond fair "
            "wear and tear.",
            "The amount of the loss is determined by comparing the condition of the Resource recorded in the Portal "
            "at hand-over and at return; the User compensates the cost of repair or, if repair is not possible, the "
            "market value of the Resource.",
            "The Provider ensures that the Resource is fit and safe for use at hand-over and informs the User of the "
            "terms of its use.",
            _EN_FORCE_MAJEURE,
        ]),
        ("Final provisions", [
            "This Agreement may be amended by a written agreement of the Parties in the Portal; amendments are made "
            "as a new version of this Agreement.",
            "The Parties settle disputes by negotiation and, failing agreement, by a court of the Republic of Latvia "
            "in accordance with the laws of the Republic of Latvia.",
            *_en_electronic(),
        ]),
    ]


_BUILDERS = {
    "cooperation": {"lv": _cooperation_lv, "en": _cooperation_en},
    "network": {"lv": _network_lv, "en": _network_en},
    "accession": {"lv": _accession_lv, "en": _accession_en},
    "exchange": {"lv": _exchange_lv, "en": _exchange_en},
}
