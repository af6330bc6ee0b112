"""The agreement PDF: text, diacritics, page numbers, PDF/A-3b, embedded fonts, determinism, the draft watermark
and the signature boxes where signature_boxes() says they are. No app, no database: plain functions, run once.

The sample PDFs are written to test-artifacts/pdf/ (`pdftoppm -png -r 60` them to look at the pages).
"""
import io
import re
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from portal.agreements import pdf as agreement_pdf
from portal.agreements.document import AgreementDocument, Clause, Party
from portal.agreements.pdf import party_boxes, render_pdf, signature_boxes

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
RIGA = timezone(timedelta(hours=3))


# ------------------------------------------------------------------ sample documents

INTELEKTA_PARKS = Party(
    name="Daugavpils Universitātes Mūžizglītības, kultūras un zinātnes komunikācijas biedrība „Intelekta parks”",
    registration_number="40008198765", legal_address="Vienības iela 13, Daugavpils, LV-5401",
    representative_name="Maija Burima", representative_position="valdes priekšsēdētāja",
)
BALTA_MAJA = Party(
    name="Biedrība „Baltā māja”", registration_number="40008031234",
    legal_address="Rīgas iela 77, Līvāni, Līvānu novads, LV-5316",
    representative_name="Inguna Badune", representative_position="valdes direktore",
)
NETWORK_PARTIES = [
    INTELEKTA_PARKS, BALTA_MAJA,
    Party("Biedrība „ATTĪSTĪBAI”", "40008045678", "Skolas iela 5, Izvalta, Krāslavas novads, LV-5668",
          "Līga Žukovska", "valdes locekle"),
    Party("Biedrība „Sukrums”", "40008112233", "Brīvības iela 12, Baltinava, Balvu novads, LV-4594",
          "Ilze Kiršone", "valdes priekšsēdētāja"),
    Party("Biedrība „In lingua”", "40008154321", "Saules iela 1, Daugavpils, LV-5401",
          "Olga Gailuma", "valdes priekšsēdētāja"),
    Party("Biedrība „DU Jauno zinātnieku biedrība”", "40008176543", "Parādes iela 1, Daugavpils, LV-5401",
          "Artūrs Šnepsts", "valdes loceklis"),
]

COOPERATION_CLAUSES = [
    Clause(1, "Līguma priekšmets", """
        Puses vienojas sadarboties pilsoniskas sabiedrības aktivitāšu īstenošanā Latgalē, mūžizglītības, kultūras un zinātnes komunikācijas jomā, kā arī Latgales biedrību tīklojuma uzturēšanā un popularizēšanā.
        Sadarbība ir brīvprātīga un bezatlīdzības, ja vien Puses atsevišķā rakstiskā vienošanās nav noteikušas citādi.
        Līgums neierobežo Pušu tiesības slēgt līdzīgus līgumus ar citām organizācijām."""),
    Clause(2, "Materiālo un intelektuālo resursu apmaiņa", """
        Puses savstarpēji dara pieejamus savus materiālos resursus (telpas, aprīkojumu, transportu, drukātus un digitālus materiālus) un intelektuālos resursus (ekspertīzi, apmācības, metodikas, brīvprātīgo darbu) atbilstoši partneru vajadzībām.
        Katru resursu apmaiņu Puses saskaņo Latgales biedrību tīklojuma portālā, norādot periodu, apjomu, mērķi un nodošanas kārtību; saskaņotais pieprasījums ir šī Līguma neatņemama sastāvdaļa.
        Puse, kas saņem materiālu resursu, atbild par tā saglabāšanu un atdod to tādā pašā stāvoklī, kādā saņēmusi, ievērojot parasto nolietojumu; resursa stāvokli nododot un saņemot fiksē portālā.
        Intelektuālā īpašuma tiesības uz metodikām, mācību materiāliem un citiem darbiem paliek to autoriem un Pusēm, kurām tās piederēja pirms Līguma noslēgšanas; otra Puse tos izmanto tikai saskaņotajam mērķim, norādot autoru."""),
    Clause(3, "Kopīgi projekti un pasākumi", """
        Puses kopīgi plāno un īsteno seminārus, pieredzes apmaiņas braucienus, darbnīcas un citus pasākumus, kā arī gatavo kopīgus projektu pieteikumus.
        Par katru kopīgu projektu Puses noslēdz atsevišķu vienošanos, kurā nosaka vadošo partneri, katras Puses uzdevumus, budžetu un atbildību.
        Puses vismaz četras reizes gadā tiekas, lai izvērtētu kopīgo pasākumu norisi un plānotu nākamos.
        Publicitātes materiālos par kopīgiem pasākumiem Puses norāda visus iesaistītos partnerus un Latgales biedrību tīklojumu."""),
    Clause(4, "Konfidencialitāte un personas dati", """
        Puses neizpauž trešajām personām informāciju, ko tās saņēmušas Līguma izpildes gaitā un kas apzīmēta kā konfidenciāla, izņemot normatīvajos aktos noteiktos gadījumus.
        Personas datus (piemēram, pasākumu dalībnieku sarakstus) Puses apstrādā tikai Līguma izpildei un saskaņā ar Eiropas Parlamenta un Padomes Regulu (ES) 2016/679 un Fizisko personu datu apstrādes likumu.
        Konfidencialitātes pienākums ir spēkā arī pēc Līguma izbeigšanās."""),
    Clause(5, "Līguma termiņš un izbeigšana", """
        Līgumu var grozīt vai papildināt, Pusēm rakstiski vienojoties; grozījumi kļūst par Līguma neatņemamu sastāvdaļu.
        Katra Puse var vienpusēji izbeigt dalību Līgumā, rakstiski paziņojot pārējām Pusēm vismaz 30 (trīsdesmit) dienas iepriekš.
        Līguma izbeigšana neietekmē jau saskaņotās resursu apmaiņas un kopīgos projektus, kurus Puses pabeidz saskaņā ar noslēgtajām vienošanām."""),
    Clause(6, "Nobeiguma noteikumi", """
        Strīdus, kas rodas Līguma izpildes gaitā, Puses risina sarunu ceļā; ja vienošanās netiek panākta, strīdu izšķir Latvijas Republikas tiesā saskaņā ar normatīvajiem aktiem.
        Pušu kontaktpersonas Līguma izpildē ir to pārstāvji Latgales biedrību tīklojuma portālā; par kontaktinformācijas izmaiņām Puse paziņo pārējām Pusēm portālā.
        Līgums sagatavots latviešu valodā elektroniska dokumenta veidā un parakstīts ar elektroniskajiem parakstiem; katra Puse var to lejupielādēt portālā."""),
]

NETWORK_CLAUSES = [
    Clause(1, "Tīklojuma mērķis", """
        Puses izveido „Latgales biedrību tīklojumu sadarbībai pilsoniskas sabiedrības aktivitāšu īstenošanā” (turpmāk – Tīklojums), lai stiprinātu Latgales nevalstisko organizāciju kapacitāti, dalītos pieredzē un koplietotu resursus."""),
    Clause(2, "Dalībnieku pienākumi", """
        Katra Puse norīko pārstāvi, kas uztur tās informāciju Tīklojuma portālā un atbild uz citu Pušu pieprasījumiem piecu darba dienu laikā.
        Puses publicē portālā resursus, ko tās gatavas koplietot, un vajadzības, kurām tās meklē partnerus.
        Puses vismaz reizi gadā piedalās Tīklojuma sanāksmē, kurā izvērtē sadarbības rezultātus."""),
    Clause(3, "Koordinācija", """
        Tīklojumu koordinē biedrība „Intelekta parks”, kas uzņem jaunus dalībniekus, sasauc sanāksmes un uztur portālu.
        Koordinators nepieņem lēmumus Pušu vārdā un neuzņemas saistības, ko Puses nav apstiprinājušas."""),
    Clause(4, "Personas dati", """
        Puses apstrādā personas datus tikai Tīklojuma darbībai un saskaņā ar Regulu (ES) 2016/679; portālā publicē tikai organizāciju, nevis fizisko personu kontaktinformāciju."""),
    Clause(5, "Nobeiguma noteikumi", """
        Jauna organizācija pievienojas Tīklojumam, parakstot pievienošanās vienošanos; Puse izstājas, rakstiski paziņojot koordinatoram 30 dienas iepriekš.
        Strīdus Puses risina sarunu ceļā, bet, ja vienošanās netiek panākta, – Latvijas Republikas tiesā."""),
]


def cooperation_agreement(**changes) -> AgreementDocument:
    """The cooperation agreement of "Intelekta parks" and "Baltā māja" (signed at the 2017 seminar)."""
    doc = AgreementDocument(
        number="LBT-2017/01", title="Sadarbības līgums", language="lv",
        network_name="Latgales biedrību tīklojums", parties=[INTELEKTA_PARKS, BALTA_MAJA],
        clauses=COOPERATION_CLAUSES, valid_from=date(2017, 7, 1), valid_to=date(2020, 6, 30),
        place="Cirmas pagastā, Ludzas novadā", verification_code="7K3F-9Q2M-XW4P",
        verify_url="https://tiklojums.example.lv/verify/7K3F-9Q2M-XW4P", draft=False,
        created=datetime(2017, 7, 1, 11, 30, tzinfo=RIGA),
    )
    return replace(doc, **changes)


def network_agreement(**changes) -> AgreementDocument:
    doc = AgreementDocument(
        number="LBT-2017/02", title="Vienošanās par sadarbību Latgales biedrību tīklojumā", language="lv",
        network_name="Latgales biedrību tīklojums", parties=NETWORK_PARTIES, clauses=NETWORK_CLAUSES,
        valid_from=date(2017, 7, 1), valid_to=None, place="Cirmas pagastā, Ludzas novadā",
        verification_code="Q4TR-8ZNB-2HDC", verify_url="https://tiklojums.example.lv/verify/Q4TR-8ZNB-2HDC",
        draft=False, created=datetime(2017, 7, 1, 16, 0, tzinfo=RIGA),
    )
    return replace(doc, **changes)


def english_agreement(**changes) -> AgreementDocument:
    clauses = [
        Clause(1, "Subject of the Agreement", """
            The Parties agree to cooperate in civil-society activities in Latgale and to share material and intellectual resources.
            Cooperation is voluntary and free of charge unless agreed otherwise in writing."""),
        Clause(2, "Final provisions", "Disputes are settled by negotiation, failing which by a court of the Republic of Latvia."),
    ]
    doc = cooperation_agreement(language="en", title="Cooperation Agreement", clauses=clauses, place="Daugavpils")
    return replace(doc, **changes)


def long_agreement(sections: int = 40) -> AgreementDocument:
    clauses = [Clause(i, f"{c.heading} ({i})", c.text)
               for i, c in enumerate((COOPERATION_CLAUSES * sections)[:sections], start=1)]
    return cooperation_agreement(clauses=clauses, number="LBT-2017/99")


# ------------------------------------------------------------------ tools

def save(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def text_of(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-enc", "UTF-8", *pages, str(path), "-")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("-\n", "-"))


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M).group(1))


@pytest.fixture(scope="module")
def cooperation_pdf() -> Path:
    return save("cooperation-2017-lv.pdf", render_pdf(cooperation_agreement()))


@pytest.fixture(scope="module")
def network_pdf() -> Path:
    return save("network-6-parties-lv.pdf", render_pdf(network_agreement()))


# ------------------------------------------------------------------ tests

def test_text_parties_clauses_and_diacritics(cooperation_pdf):
    text = flat(text_of(cooperation_pdf))
    for party in (INTELEKTA_PARKS, BALTA_MAJA):
        assert party.registration_number in text
        assert party.representative_name in text
        assert party.legal_address in text
    assert "Biedrība „Baltā māja”" in text
    assert "biedrība „Intelekta parks”" in text
    assert "kuru pārstāv valdes priekšsēdētāja Maija Burima" in text
    for clause in COOPERATION_CLAUSES:
        assert clause.heading.upper() in text
    assert "SADARBĪBAS LĪGUMS" in text and "Nr. LBT-2017/01" in text
    assert "2017. gada 1. jūlijā" in text
    assert "Līgums ir spēkā no 2017. gada 1. jūlija līdz 2020. gada 30. jūnijam" in text
    # Latvian diacritics come out as the same characters, lower and upper case, from the embedded fonts.
    for letter in "āčēģīķļņšūž":
        assert letter in text, letter
    letters = cooperation_agreement(clauses=[Clause(1, "Burti", "ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž")])
    assert "ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž" in flat(text_of(save("diacritics.pdf", render_pdf(letters))))


def test_header_footer_and_verification(cooperation_pdf):
    pages = page_count(cooperation_pdf)
    assert pages >= 3
    for n in (1, pages):
        text = flat(text_of(cooperation_pdf, n))
        assert "Latgales biedrību tīklojums" in text
        assert "Līgums Nr. LBT-2017/01" in text
        assert f"Lapa {n} no {pages}" in text
        assert "Verifikācijas kods: 7K3F-9Q2M-XW4P" in text
    last = flat(text_of(cooperation_pdf, pages))
    assert "PUŠU PARAKSTI" in last
    assert "https://tiklojums.example.lv/verify/7K3F-9Q2M-XW4P" in last
    assert "Paraksts:" in last and "Datums:" in last


def test_english_labels():
    path = save("cooperation-en.pdf", render_pdf(english_agreement()))
    pages = page_count(path)
    text = flat(text_of(path))
    assert f"Page 1 of {pages}" in text
    assert "Agreement No. LBT-2017/01" in text
    assert "represented by Maija Burima, valdes priekšsēdētāja" in text
    assert "valid from 1 July 2017 to 30 June 2020" in text
    assert "SIGNATURES OF THE PARTIES" in text and "Signature:" in text and "Date:" in text
    assert "Lapa" not in text and "Paraksts" not in text


def test_deterministic():
    first, second = render_pdf(cooperation_agreement()), render_pdf(cooperation_agreement())
    assert first == second
    assert render_pdf(cooperation_agreement(number="LBT-2017/03")) != first


def test_pdfa_3b_metadata_and_dates(cooperation_pdf):
    xmp = run("pdfinfo", "-meta", str(cooperation_pdf))
    assert re.search(r"pdfaid:part(=\"|>)3", xmp), xmp
    assert re.search(r"pdfaid:conformance(=\"|>)B", xmp), xmp
    info = run("pdfinfo", "-isodates", str(cooperation_pdf))
    assert "2017-07-01T11:30:00+03" in info  # the approval time from the document, not "now"
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)


def test_dates_come_from_the_document_only():
    late_utc = cooperation_agreement(created=datetime(2017, 6, 30, 22, 15, tzinfo=timezone.utc))
    path = save("dated.pdf", render_pdf(late_utc))
    assert "2017. gada 1. jūlijā" in flat(text_of(path, 1))  # 01:15 in Riga
    assert "2017-06-30T22:15:00" in run("pdfinfo", "-isodates", str(path))
    undated = save("undated.pdf", render_pdf(cooperation_agreement(created=None, valid_from=date(2017, 7, 3))))
    assert "2017. gada 3. jūlijā" in flat(text_of(undated, 1))
    assert "CreationDate" not in run("pdfinfo", str(undated))
    with pytest.raises(ValueError):
        cooperation_agreement(created=datetime(2017, 7, 1, 11, 30))  # naive: which clock?


def test_output_intent_and_fonts_embedded(cooperation_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with cooperation_pdf.open("rb") as f:
        root = PdfFileReader(f).root
        intent = root["/OutputIntents"][0]
        assert intent["/S"] == "/GTS_PDFA1"
    lines = run("pdffonts", str(cooperation_pdf)).splitlines()[2:]
    assert len(lines) == 2, lines  # DejaVu Serif, regular and bold, as @font-face "Agreement Serif"
    for line in lines:
        # name type encoding emb sub uni object ID: embedded, subset, with a ToUnicode map
        assert re.search(r"\byes\s+yes\s+yes\s+\d+\s+\d+\s*$", line), f"font not embedded+subset: {line}"
        assert "Agreement-Serif" in line


def test_draft_watermark_only_on_drafts(cooperation_pdf):
    draft = save("cooperation-2017-lv-draft.pdf", render_pdf(cooperation_agreement(draft=True)))
    pages = page_count(draft)
    assert pages == page_count(cooperation_pdf)
    # The header says so on every page…
    assert text_of(draft).count("MELNRAKSTS") == pages
    assert "MELNRAKSTS" not in text_of(cooperation_pdf)
    assert text_of(save("cooperation-en-draft.pdf", render_pdf(english_agreement(draft=True)))).count("DRAFT") >= 2
    # …and the diagonal watermark (pdftotext skips diagonal text) greys the middle of every page.
    for page in range(1, pages + 1):
        plain, marked = _page_image(cooperation_pdf, page, 30), _page_image(draft, page, 30)
        changed = [(p, q) for p, q in zip(plain.tobytes(), marked.tobytes()) if p != q]
        assert len(changed) > 300, page
        assert sum(1 for p, q in changed if 180 <= q <= 230) > 200, page


def test_six_party_network_agreement(network_pdf):
    pages = page_count(network_pdf)
    text = flat(text_of(network_pdf))
    for party in NETWORK_PARTIES:
        assert party.registration_number in text
        assert party.representative_name in text
    assert "uz nenoteiktu laiku" in text
    last = flat(text_of(network_pdf, pages))
    for party in NETWORK_PARTIES:
        assert party.representative_name in last  # all six boxes on the last page
    assert len({page for page, _ in signature_boxes(network_agreement())}) == 1


def test_thirty_pages_render():
    path = save("long-lv.pdf", render_pdf(long_agreement(125)))
    pages = page_count(path)
    assert pages >= 30, pages
    assert f"Lapa {pages} no {pages}" in flat(text_of(path, pages))


def test_more_parties_than_one_signatures_page_holds():
    parties = NETWORK_PARTIES + [
        replace(BALTA_MAJA, name=f"Biedrība „Partneris {i}”", registration_number=f"4000800000{i}") for i in (1, 2, 3)]
    doc = network_agreement(parties=parties)
    boxes = signature_boxes(doc)
    assert [page for page, _ in boxes] == [-2] * 6 + [-1] * 3
    path = save("network-9-parties-lv.pdf", render_pdf(doc))
    pages = page_count(path)
    assert "Partneris 3" in text_of(path, pages) and "Partneris 3" not in text_of(path, pages - 1)
    assert "PUŠU PARAKSTI (TURPINĀJUMS)" in flat(text_of(path, pages))


# ------------------------------------------------------------------ the signature boxes are where they say

def _page_image(path: Path, page: int, dpi: int) -> Image.Image:
    out = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", str(path)],
                         check=True, capture_output=True).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def _words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points, origin top-left, as pdftotext -bbox gives them."""
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


@pytest.mark.parametrize("make", [cooperation_agreement, network_agreement], ids=["2-parties", "6-parties"])
def test_signature_boxes_match_the_rendered_layout(make):
    """Render the last page at 144 dpi (2 px a point): each party's box and signature field have their border
    exactly where signature_boxes()/party_boxes() say, the field is blank inside, and the party's details and
    the "Paraksts:" label are inside the box, above the field."""
    doc = make()
    path = save(f"boxes-{len(doc.parties)}.pdf", render_pdf(doc))
    last = page_count(path)
    scale = 144 / 72
    image = _page_image(path, last, 144)
    page_height = 297 / 25.4 * 72

    def darkest(points):
        return min(image.getpixel(p) for p in points)

    def to_pixels(box):
        x1, y1, x2, y2 = box  # points, origin bottom-left
        return (round(x1 * scale), round((page_height - y2) * scale),
                round(x2 * scale), round((page_height - y1) * scale))

    def assert_frame_at(box):
        left, top, right, bottom = to_pixels(box)
        near = (-1, 0, 1)  # within a pixel (half a point)
        for frac in (0.25, 0.5, 0.75):  # a short stretch of each edge, so a dash gap cannot hide it
            x, y = round(left + (right - left) * frac), round(top + (bottom - top) * frac)
            along = range(-6, 7)
            assert darkest([(x + d, top + e) for d in along for e in near]) < 140, ("top edge", box)
            assert darkest([(x + d, bottom + e) for d in along for e in near]) < 140, ("bottom edge", box)
            assert darkest([(left + e, y + d) for d in along for e in near]) < 140, ("left edge", box)
            assert darkest([(right + e, y + d) for d in along for e in near]) < 140, ("right edge", box)

    words = _words(path, last)

    def words_inside(box, above_y=None):
        x1, y1, x2, y2 = box
        bottom = page_height - (above_y if above_y is not None else y1)
        return {w for w, a, b, c, d in words if x1 <= a and c <= x2 and page_height - y2 <= b and d <= bottom}

    for (page, field), (box_page, whole), party in zip(signature_boxes(doc), party_boxes(doc), doc.parties):
        assert page == box_page == -1
        assert_frame_at(whole)
        assert_frame_at(field)
        left, top, right, bottom = to_pixels(field)
        inside = [(x, y) for x in range(left + 4, right - 4, 3) for y in range(top + 4, bottom - 4, 3)]
        assert darkest(inside) > 240, "the signature field is not blank"
        above_field = words_inside(whole, above_y=field[3])
        assert {party.registration_number, *party.representative_name.split(), "Paraksts:"} <= above_field
        assert "Datums:" in words_inside(whole) - above_field


def test_qr_code_encodes_the_verify_url(cooperation_pdf):
    """Sample the centre of every module of the printed QR code: it is segno's matrix for doc.verify_url."""
    import segno

    doc = cooperation_agreement()
    expected = segno.make(doc.verify_url, error="m").matrix
    dpi = 300
    image = _page_image(cooperation_pdf, page_count(cooperation_pdf), dpi)
    px_per_mm = dpi / 25.4
    left = agreement_pdf.MARGIN_LEFT * px_per_mm
    top = (agreement_pdf.MARGIN_TOP + agreement_pdf.VERIFICATION_TOP + 3) * px_per_mm  # .qr is 3mm below the rule
    module = agreement_pdf.QR_SIZE * px_per_mm / len(expected)
    printed = [tuple(int(image.getpixel((round(left + (c + 0.5) * module), round(top + (r + 0.5) * module))) < 128)
                     for c in range(len(expected))) for r in range(len(expected))]
    assert printed == [tuple(row) for row in expected]


def test_pyhanko_accepts_the_fields():
    """The next step: empty signature fields at signature_boxes(), all in one incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    doc = network_agreement()
    data = render_pdf(doc)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for i, (page, box) in enumerate(signature_boxes(doc)):
        append_signature_field(writer, SigFieldSpec(f"party-{i + 1}", on_page=page, box=box))
    out = io.BytesIO()
    writer.write(out)
    reader = PdfFileReader(io.BytesIO(out.getvalue()))
    kids = reader.root["/Pages"]["/Kids"]
    last_page = kids.raw_get(len(kids) - 1)  # the indirect reference, as /P holds it
    fields = {f["/T"]: f for f in (ref.get_object() for ref in reader.root["/AcroForm"]["/Fields"])}
    assert len(fields) == len(doc.parties)
    for i, (_, box) in enumerate(signature_boxes(doc)):
        field = fields[f"party-{i + 1}"]
        assert [round(float(v), 2) for v in field["/Rect"]] == list(box)
        assert field.raw_get("/P").idnum == last_page.idnum


def test_refuses_network_and_foreign_files():
    fetcher = agreement_pdf.LocalOnlyFetcher()
    for url in ("http://example.org/x.css", "https://example.org/font.ttf", "ftp://example.org/a",
                "file:///etc/passwd", "file:///usr/share/fonts/truetype/dejavu/../../../../etc/passwd",
                "file://evil.example.org/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain,abc").read() == b"abc"


def test_a_refused_resource_stops_the_render(monkeypatch):
    monkeypatch.setattr(agreement_pdf, "render_html", lambda doc: '<p>x</p><img src="http://127.0.0.1:9/x.png">')
    with pytest.raises(agreement_pdf.AgreementRenderError):
        render_pdf(cooperation_agreement())


def test_markup_in_the_data_is_text():
    doc = cooperation_agreement(clauses=[Clause(1, "<b>Priekšmets</b>", '<img src="http://example.org/x.png"> & co')],
                                network_name='Tīkls "A" \\ } url(http://example.org/)', number="7/\\\"x")
    text = flat(text_of(save("escaped.pdf", render_pdf(doc))))
    assert "<B>PRIEKŠMETS</B>" in text and '<img src="http://example.org/x.png"> & co' in text
    # The header and footer are CSS strings: quotes, backslashes and braces come out as they are.
    assert 'Tīkls "A" \\ } url(http://example.org/)' in text and 'Līgums Nr. 7/\\"x' in text
