"""The starting texts of agreements (portal/agreements/clause_templates.py and the files in
templates/agreements/clauses/): plain functions, no app, no database."""
import re
import shutil
from datetime import date
from decimal import Decimal

import jinja2
import jinja2.meta
import pytest

from portal.agreements import clause_templates
from portal.agreements.clause_templates import KINDS, LANGUAGES, TEMPLATES, DraftText, draft_text, environment
from portal.agreements.document import Clause
from portal.text import en_number, lv_number

NETWORK = "Latgales biedrību tīklojums"
NETWORK_CONTEXT = {"network_name": NETWORK}
ACCESSION_CONTEXT = {
    "network_name": NETWORK,
    "agreement_title": "Līgums par Latgales biedrību tīklojuma uzturēšanu un veicināšanu",
    "agreement_number": "LBT-2017/02",
    "agreement_date": date(2017, 7, 1),
}
EXCHANGE_CONTEXT = {
    "resource_title": "Konferenču zāle „Dzerkaļi”",
    "owner_name": "Biedrība „Baltā māja”",
    "requester_name": "Biedrība „Sukrums”",
    "starts_on": date(2017, 6, 30),
    "ends_on": date(2017, 7, 1),
    "quantity": 2,
    "hours": Decimal("6.0"),
    "purpose": "Semināra „Par NVO darbu un stratēģiju izveidi” norisei",
    "value_eur": Decimal("120"),
}
CONTEXTS = {"cooperation": {}, "network": NETWORK_CONTEXT, "accession": ACCESSION_CONTEXT,
            "exchange": EXCHANGE_CONTEXT}
SECTIONS = {"cooperation": range(7, 11), "network": range(8, 12), "accession": range(3, 6), "exchange": range(5, 8)}
ALL = [(kind, language) for kind in KINDS for language in ("lv", "en")]

# Words that must not be left in a Latvian text, and Latvian words that must not be in an English one.
ENGLISH_WORDS = re.compile(r"\b(Party|Parties|Agreement|Portal|Network|Provider|User|Coordinator|the|and|of|shall|"
                           r"hereinafter|EUR\s?\d+\.\d\d)\b")
LATVIAN_WORDS = re.compile(r"(Līgum|Puse|Pušu|Pusēm|turpmāk|Tīklojum|Portāl|saskaņā|ieskaitot|gada \d)")


def text_of(draft: DraftText) -> str:
    return "\n".join([draft.title] + [f"{heading}\n{text}" for heading, text in draft.clauses])


def points(draft: DraftText) -> list[str]:
    return [line for _, text in draft.clauses for line in text.split("\n")]


def without_context(text: str, context: dict) -> str:
    for value in context.values():
        if isinstance(value, str):
            text = text.replace(value, "")
    return text


@pytest.fixture(scope="module", params=ALL, ids=[f"{k}-{lang}" for k, lang in ALL])
def draft(request):
    kind, language = request.param
    return kind, language, draft_text(kind, language, **CONTEXTS[kind])


def test_shape(draft):
    kind, language, text = draft
    assert isinstance(text, DraftText)
    assert text.title.strip() and "\n" not in text.title
    assert len(text.clauses) in SECTIONS[kind], len(text.clauses)
    for heading, body in text.clauses:
        assert heading.strip() == heading and heading, heading
        assert "\n" not in heading
        lines = body.split("\n")
        assert lines, heading
        for line in lines:  # one point a line: no blank lines, no padding, each a sentence
            assert line.strip() == line and line, (heading, line)
            assert line[0].isupper() or line[0].isdigit(), line
            assert line.endswith("."), line
    headings = [heading for heading, _ in text.clauses]
    assert len(set(headings)) == len(headings)


def test_plain_text_only(draft):
    _, _, text = draft
    body = text_of(text)
    assert not re.search(r"<[a-z/]|&[a-z]+;|\*\*|__|^#|^\s*[-*•] |^\d+\.\d*\.? ", body, re.M), body
    assert '"' not in body  # typographic quotes only: „…” in Latvian, “…” in English
    assert "  " not in body


def test_the_pdf_takes_each_line_as_a_point(draft):
    _, _, text = draft
    for number, (heading, body) in enumerate(text.clauses, start=1):
        assert Clause(number, heading, body).paragraphs == body.split("\n")


def test_no_parties_term_or_signatures(draft):
    """The PDF prints those; the clauses are the body only."""
    kind, language, text = draft
    body = text_of(text).lower()
    for printed_by_the_pdf in ("līdzēji", "turpmāk kopā sauktas", "līgums ir spēkā no", "reģistrācijas nr",
                               "the parties:", "hereinafter jointly", "is valid from", "registration no"):
        assert printed_by_the_pdf not in body
    if kind in ("cooperation", "network"):
        assert "biedrība „" not in body  # no organization is named in these


@pytest.mark.parametrize("kind", KINDS)
def test_latvian_is_latvian(kind):
    text = draft_text(kind, "lv", **CONTEXTS[kind])
    body = without_context(text_of(text), CONTEXTS[kind])
    assert set(body.lower()) >= set("āēīūš"), "Latvian diacritics"
    assert "Puses" in body and "Līgum" in body
    leftovers = ENGLISH_WORDS.findall(body)
    assert not leftovers, leftovers
    assert "“" not in body and "’" not in body  # Latvian quotes are „…”


@pytest.mark.parametrize("kind", KINDS)
def test_english_is_english(kind):
    text = draft_text(kind, "en", **CONTEXTS[kind])
    body = without_context(text_of(text), CONTEXTS[kind])
    body = body.replace(ACCESSION_CONTEXT["agreement_title"], "").replace(NETWORK, "")
    assert "the Parties" in body and "Agreement" in body
    leftovers = LATVIAN_WORDS.findall(body)
    assert not leftovers, leftovers
    assert not set("āēīūčšžņļķģ") & set(body.lower())


def test_titles():
    assert draft_text("cooperation", "lv").title == "Sadarbības līgums"
    assert draft_text("cooperation", "en").title == "Cooperation Agreement"
    assert draft_text("network", "lv", **NETWORK_CONTEXT).title == (
        "Līgums par Latgales biedrību tīklojuma uzturēšanu un veicināšanu")
    assert draft_text("network", "en", **NETWORK_CONTEXT).title == (
        "Agreement on the Maintenance and Promotion of the Network “Latgales biedrību tīklojums”")
    assert draft_text("accession", "lv", **ACCESSION_CONTEXT).title == "Pievienošanās līgums"
    assert draft_text("accession", "en", **ACCESSION_CONTEXT).title == "Accession Agreement"
    assert draft_text("exchange", "lv", **EXCHANGE_CONTEXT).title == "Līgums par resursa lietošanu"
    assert draft_text("exchange", "en", **EXCHANGE_CONTEXT).title == "Agreement on the Use of a Resource"


@pytest.mark.parametrize("name, title", [
    ("Dienvidlatgales NVO tīkls", "Līgums par Dienvidlatgales NVO tīkla uzturēšanu un veicināšanu"),
    ("Latgales biedrību tīklojums sadarbībai pilsoniskas sabiedrības aktivitāšu īstenošanā",
     "Līgums par Latgales biedrību tīklojuma sadarbībai pilsoniskas sabiedrības aktivitāšu īstenošanā uzturēšanu "
     "un veicināšanu"),
    ("Latgales Kopienu apvienība", "Līgums par Latgales Kopienu apvienības uzturēšanu un veicināšanu"),
    # An adjective before the head would have to agree with it: the name is quoted instead of declined.
    ("Latgales lielais tīkls", "Līgums par tīklojuma „Latgales lielais tīkls” uzturēšanu un veicināšanu"),
    ("Sadarbība Latgalē", "Līgums par tīklojuma „Sadarbība Latgalē” uzturēšanu un veicināšanu"),
])
def test_network_name_in_the_latvian_title(name, title):
    text = draft_text("network", "lv", network_name=name)
    assert text.title == title
    assert f"{name} (turpmāk – Tīklojums)" in text.clauses[0][1]


def test_network_names_and_coordinator():
    lv = draft_text("network", "lv", network_name=NETWORK, coordinator_name="Biedrība „Intelekta parks”")
    assert "Latgales biedrību tīklojums (turpmāk – Tīklojums) ir" in lv.clauses[0][1]
    assert "koordinē Biedrība „Intelekta parks” (turpmāk – Koordinators)." in text_of(lv)
    en = draft_text("network", "en", network_name="Latgale NGO Network")
    assert en.title == "Agreement on the Maintenance and Promotion of the Latgale NGO Network"
    assert en.clauses[0][1].startswith("Latgale NGO Network (hereinafter the Network) is")
    # The network's obligations: publish resources and needs, respond to requests, report exchanges; accession.
    body = text_of(lv)
    for words in ("publicē Portālā", "atbild uz citu Pušu pieprasījumiem", "reģistrē Portālā katru resursu apmaiņu",
                  "audita žurnālu", "pievienošanās līgumu", "parakstījušas visas Puses", "30 (trīsdesmit) dienas"):
        assert words in body, words


def test_accession_names_the_agreement_and_its_date_in_words():
    lv = text_of(draft_text("accession", "lv", **ACCESSION_CONTEXT))
    assert ("saskaņā ar 2017. gada 1. jūlijā noslēgto līgumu „Līgums par Latgales biedrību tīklojuma uzturēšanu un "
            "veicināšanu” Nr. LBT-2017/02 (turpmāk – Tīklojuma līgums)") in lv
    assert "Latgales biedrību tīklojums (turpmāk – Tīklojums)" in lv
    assert "neatņemama sastāvdaļa" in lv and "parakstījušas visas tā Puses" in lv
    en = text_of(draft_text("accession", "en", **ACCESSION_CONTEXT))
    assert "No. LBT-2017/02 concluded on 1 July 2017 (hereinafter the Network Agreement)" in en
    assert "integral part of the Network Agreement" in en
    assert "2017-07-01" not in lv + en and "01.07.2017" not in lv + en

    december = dict(ACCESSION_CONTEXT, agreement_date=date(2019, 12, 31))
    assert "2019. gada 31. decembrī noslēgto" in text_of(draft_text("accession", "lv", **december))
    assert "concluded on 31 December 2019" in text_of(draft_text("accession", "en", **december))

    named = text_of(draft_text("accession", "lv", member_name="Biedrība „In lingua”", **ACCESSION_CONTEXT))
    assert "Ar šo Līgumu Biedrība „In lingua” (turpmāk – Jaunais dalībnieks) pievienojas Tīklojuma līgumam" in named
    unnamed = text_of(draft_text("accession", "lv", **ACCESSION_CONTEXT))
    assert "Tīklojuma līguma puse (turpmāk – Jaunais dalībnieks), pievienojas" in unnamed


def test_exchange_carries_the_exchange():
    lv = text_of(draft_text("exchange", "lv", **EXCHANGE_CONTEXT))
    assert "Šajā Līgumā Biedrība „Baltā māja” ir resursa devējs (turpmāk – Devējs), bet Biedrība „Sukrums” –" in lv
    assert "resursu „Konferenču zāle „Dzerkaļi”” (turpmāk – Resurss) 2 vienību apjomā" in lv
    assert "šādam mērķim: Semināra „Par NVO darbu un stratēģiju izveidi” norisei." in lv
    assert "no 2017. gada 30. jūnija līdz 2017. gada 1. jūlijam (ieskaitot)" in lv
    assert "apjoms ir 6 stundas" in lv
    assert "EUR 120,00 (viens simts divdesmit euro un 00 centi)" in lv and "ieguldījumu natūrā" in lv
    assert "fiksē to Portālā" in lv

    en = text_of(draft_text("exchange", "en", **EXCHANGE_CONTEXT))
    assert "2 units of the resource “Konferenču zāle „Dzerkaļi”” (hereinafter the Resource)" in en
    assert "Biedrība „Baltā māja” is the provider" in en and "Biedrība „Sukrums” is the user" in en
    assert "from 30 June 2017 to 1 July 2017 inclusive" in en
    assert "for 6 hours" in en
    assert "EUR 120.00 (one hundred and twenty euro and 00 cents)" in en and "in-kind" in en


def test_exchange_variants():
    same_day = dict(EXCHANGE_CONTEXT, starts_on=date(2017, 7, 1), ends_on=date(2017, 7, 1), quantity=1,
                    hours=None, value_eur=None, purpose="  pieredzes apmaiņai.  ")
    lv = text_of(draft_text("exchange", "lv", **same_day))
    assert "lietot Resursu 2017. gada 1. jūlijā." in lv
    assert "1 vienības apjomā" in lv
    assert "stund" not in lv and "EUR" not in lv
    assert "bez maksas" in lv
    assert "šādam mērķim: pieredzes apmaiņai." in lv
    en = text_of(draft_text("exchange", "en", **same_day))
    assert "use the Resource on 1 July 2017." in en and "1 unit of the resource" in en
    assert "hour" not in en and "EUR" not in en and "free of charge" in en

    odd = dict(EXCHANGE_CONTEXT, hours=Decimal("2.5"), value_eur=Decimal("1250.5"), quantity=21)
    lv = text_of(draft_text("exchange", "lv", **odd))
    assert "2,5 stundas" in lv and "21 vienības apjomā" in lv
    assert "EUR 1\u00a0250,50 (viens tūkstotis divi simti piecdesmit euro un 50 centi)" in lv
    en = text_of(draft_text("exchange", "en", **odd))
    assert "2.5 hours" in en and "EUR 1,250.50 (one thousand two hundred and fifty euro and 50 cents)" in en
    assert "21 stunda;" in text_of(draft_text("exchange", "lv", **dict(odd, hours=Decimal(21))))
    assert "for 1 hour;" in text_of(draft_text("exchange", "en", **dict(odd, hours=Decimal(1))))


def test_exchange_refuses_nonsense():
    with pytest.raises(ValueError):
        draft_text("exchange", "lv", **dict(EXCHANGE_CONTEXT, ends_on=date(2017, 6, 29)))
    with pytest.raises(ValueError):
        draft_text("exchange", "lv", **dict(EXCHANGE_CONTEXT, quantity=0))
    with pytest.raises(ValueError):
        draft_text("exchange", "en", **dict(EXCHANGE_CONTEXT, purpose="  "))


@pytest.mark.parametrize("n, lv, en", [
    (1, "viens", "one"), (11, "vienpadsmit", "eleven"), (21, "divdesmit viens", "twenty-one"),
    (100, "viens simts", "one hundred"), (120, "viens simts divdesmit", "one hundred and twenty"),
    (305, "trīs simti pieci", "three hundred and five"), (1000, "viens tūkstotis", "one thousand"),
    (2021, "divi tūkstoši divdesmit viens", "two thousand and twenty-one"),
    (11000, "vienpadsmit tūkstoši", "eleven thousand"), (21000, "divdesmit viens tūkstotis", "twenty-one thousand"),
])
def test_numbers_in_words(n, lv, en):
    assert lv_number(n) == lv and en_number(n) == en


def test_unknown_kind_or_language_and_missing_context():
    with pytest.raises(ValueError):
        draft_text("lease", "lv")
    with pytest.raises(ValueError):
        draft_text("cooperation", "ru")
    with pytest.raises(ValueError):
        draft_text("Cooperation", "lv")
    with pytest.raises(KeyError, match="network_name"):
        draft_text("network", "lv")
    with pytest.raises(KeyError, match="agreement_number"):
        draft_text("accession", "en", **{k: v for k, v in ACCESSION_CONTEXT.items() if k != "agreement_number"})
    with pytest.raises(KeyError, match="resource_title"):
        draft_text("exchange", "lv", **{k: v for k, v in EXCHANGE_CONTEXT.items() if k != "resource_title"})
    with pytest.raises(TypeError):
        draft_text("accession", "lv", **dict(ACCESSION_CONTEXT, agreement_date="2017-07-01"))


def test_same_input_same_text():
    assert draft_text("exchange", "lv", **EXCHANGE_CONTEXT) == draft_text("exchange", "lv", **EXCHANGE_CONTEXT)


# ------------------------------------------------------------------ the clause files

def template_names() -> list[str]:
    return sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.txt"))


def test_every_file_parses_and_is_a_kind_or_a_piece():
    env = environment(TEMPLATES)
    names = template_names()
    assert {f"{language}/{kind}.txt" for kind in KINDS for language in LANGUAGES} <= set(names)
    for name in names:
        env.get_template(name)  # a syntax error raises TemplateSyntaxError naming the file and line
        language, file_name = name.split("/")
        assert language in LANGUAGES, name
        assert file_name.startswith("_") or file_name[:-4] in KINDS, f"{name}: neither a kind nor an included piece"
    lv = {name[3:] for name in names if name.startswith("lv/")}
    en = {name[3:] for name in names if name.startswith("en/")}
    assert lv == en, "every Latvian file has its English counterpart"


def _source(name: str) -> str:
    env = environment(TEMPLATES)
    return env.loader.get_source(env, name)[0]


@pytest.mark.parametrize("kind, language", ALL, ids=[f"{k}-{lang}" for k, lang in ALL])
def test_every_name_a_file_uses_is_given(kind, language):
    """A misspelt or removed value in a branch the other tests do not take would still be found here."""
    env = environment(TEMPLATES)
    names = [f"{language}/{kind}.txt"]
    used = set()
    while names:
        ast = env.parse(_source(names.pop()))
        used |= jinja2.meta.find_undeclared_variables(ast)
        names += [included for included in jinja2.meta.find_referenced_templates(ast)]
    given = set(clause_templates.TEMPLATE_VALUES[kind](CONTEXTS[kind])) | {"language"}
    assert used <= given, used - given


def test_every_piece_is_included_somewhere():
    env = environment(TEMPLATES)
    included = {name for kind_file in template_names()
                for name in jinja2.meta.find_referenced_templates(env.parse(_source(kind_file)))}
    pieces = {name for name in template_names() if name.split("/")[1].startswith("_")}
    assert pieces == included


def test_a_value_never_passes_for_a_heading():
    """A network named "## …" prints at the start of a line; it must stay a point, not start a section."""
    for language in LANGUAGES:
        odd = draft_text("network", language, network_name="## Latgale network")
        plain = draft_text("network", language, network_name="Latgale network")
        assert [heading for heading, _ in odd.clauses] == [heading for heading, _ in plain.clauses]
        assert odd.clauses[0][1].startswith("## Latgale network (")
        assert "\x1f" not in text_of(odd)


@pytest.fixture
def editable_templates(tmp_path, monkeypatch):
    folder = tmp_path / "clauses"
    shutil.copytree(TEMPLATES, folder)
    monkeypatch.setattr(clause_templates, "TEMPLATES", folder)
    return folder


def test_an_edited_file_is_the_next_draft(editable_templates):
    path = editable_templates / "lv" / "cooperation.txt"
    text = path.read_text()
    path.write_text(text.replace("## Konfidencialitāte\n", "## Konfidencialitāte\nPuses glabā noslēpumus.\n"))
    draft = dict(draft_text("cooperation", "lv").clauses)
    assert draft["Konfidencialitāte"].split("\n")[0] == "Puses glabā noslēpumus."
    (editable_templates / "lv" / "_electronic.txt").write_text("Līgums ir elektronisks.\n")
    assert dict(draft_text("network", "lv", **NETWORK_CONTEXT).clauses)["Nobeiguma noteikumi"].startswith(
        "Līgums ir elektronisks.\nJautājumus, kas Līgumā nav noregulēti")


def test_a_broken_file_says_what_is_wrong(editable_templates):
    path = editable_templates / "en" / "cooperation.txt"
    path.write_text("Cooperation Agreement\nA point with no heading.\n## Subject\nA point.\n")
    with pytest.raises(ValueError, match="en/cooperation.txt: a point before the first"):
        draft_text("cooperation", "en")
    path.write_text("Cooperation Agreement\n## Subject\nSigned by {{ coordinatr }}.\n")
    with pytest.raises(jinja2.UndefinedError, match="coordinatr"):
        draft_text("cooperation", "en")
    path.write_text("Cooperation Agreement\n## Subject\n{% if x %}A point.\n")
    with pytest.raises(jinja2.TemplateSyntaxError):
        draft_text("cooperation", "en")
