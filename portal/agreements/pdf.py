"""The agreement PDF: WeasyPrint in this process, A4, PDF/A-3b, deterministic, nothing fetched from the network.

    pdf_bytes = render_pdf(doc)  # same doc -> byte-identical PDF
    for i, (page, box) in enumerate(signature_boxes(doc)):  # where each party signs, for pyHanko
        SigFieldSpec(f"party-{i + 1}", on_page=page, box=box)

The fixed labels come from `LABELS[doc.language]`, not from the translation catalogs: the words belong to the
document (a Latvian agreement stays Latvian whoever renders it, and its legal wording is not UI text), and it
keeps rendering independent of Flask, the request and the reader's locale.

The page box and the signatures pages have a fixed geometry: the constants below (in mm) become a small
stylesheet (`geometry_css`, parsed once, the look is in static/css/agreement-pdf.css), and `signature_boxes`
converts the same constants to PDF points; tests/test_agreement_pdf.py checks that the boxes are drawn exactly
where `signature_boxes` says.
"""
from __future__ import annotations

import threading

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from .. import paths
from ..pdfs import (ALLOWED_DIRS, FONT_DIR, LOCAL_TIME, PDF_VARIANT, LocalOnlyFetcher, PdfRenderError,  # noqa: F401
                    css_string as _css_string, qr_data_uri)
from ..text import long_date
from .document import AgreementDocument

TEMPLATES = paths.TEMPLATES
STATIC = paths.STATIC
STYLESHEET = STATIC / "css" / "agreement-pdf.css"
# Fonts: Debian's fonts-dejavu-core (DejaVu Serif regular and bold), through portal.pdfs' fetcher.

# ------------------------------------------------------------------ geometry (mm), see geometry_css()
MM = 72 / 25.4  # PDF points per millimetre
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 25.0, 15.0, 22.0, 30.0
CONTENT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 250

BOXES_PER_PAGE = 6  # two columns, three rows
BOX_WIDTH, BOX_HEIGHT = 79.0, 59.0
COLUMN_GAP, ROW_GAP = 7.0, 4.0
GRID_TOP = 26.0  # below the heading and the sentence that introduces the signatures
# The signature field inside a party's box (relative to the box): the blank, framed area under "Paraksts:".
FIELD_LEFT, FIELD_TOP, FIELD_WIDTH, FIELD_HEIGHT = 4.0, 33.0, 71.0, 15.0
VERIFICATION_TOP = GRID_TOP + 3 * BOX_HEIGHT + 2 * ROW_GAP + 6.0  # 217: QR code and verification code
QR_SIZE = 24.0
BORDER = 0.75 / MM  # the party box's border (0.75pt): its children are placed from inside it

LABELS = {
    "lv": {
        "agreement_no": "Līgums Nr.",
        "number": "Nr.",
        "page": "Lapa",
        "of": "no",
        "verification_code": "Verifikācijas kods",
        "registration_number": "reģistrācijas Nr.",
        "reg_no_short": "Reģ. Nr.",
        "legal_address": "juridiskā adrese",
        "represented_by": "kuru pārstāv",
        "parties_intro": "Līdzēji:",
        "parties_outro": ("turpmāk kopā sauktas – Puses, bet katra atsevišķi – Puse, "
                          "noslēdz šādu līgumu (turpmāk – Līgums):"),
        "signatures": "Pušu paraksti",
        "signatures_continued": "Pušu paraksti (turpinājums)",
        "signatures_intro": ("Līgums sagatavots elektroniski vienā eksemplārā. Katra Puse to paraksta ar "
                             "elektronisko parakstu savā laukumā; Līgums stājas spēkā, kad to parakstījušas "
                             "visas Puses, bet ne agrāk kā norādītajā datumā."),
        "signature": "Paraksts:",
        "date": "Datums:",
        "verify_title": "Līguma autentiskuma pārbaude",
        "verify_text": ("Nolasiet QR kodu vai atveriet adresi un ievadiet verifikācijas kodu. Pārbaude parāda "
                        "katru parakstu un to, vai šī datne ir Līguma oriģināls."),
        "draft": "MELNRAKSTS",
    },
    "en": {
        "agreement_no": "Agreement No.",
        "number": "No.",
        "page": "Page",
        "of": "of",
        "verification_code": "Verification code",
        "registration_number": "registration No.",
        "reg_no_short": "Reg. No.",
        "legal_address": "registered address",
        "represented_by": "represented by",
        "parties_intro": "The parties:",
        "parties_outro": ("hereinafter jointly the Parties and each separately a Party, "
                          "conclude the following agreement (hereinafter the Agreement):"),
        "signatures": "Signatures of the Parties",
        "signatures_continued": "Signatures of the Parties (continued)",
        "signatures_intro": ("This Agreement is made electronically in a single copy. Each Party signs it with an "
                             "electronic signature in its own field; the Agreement enters into force when all "
                             "Parties have signed it, but not before the date stated."),
        "signature": "Signature:",
        "date": "Date:",
        "verify_title": "Verifying this Agreement",
        "verify_text": ("Scan the QR code or open the address and enter the verification code. The check shows "
                        "every signature and whether this file is the original of the Agreement."),
        "draft": "DRAFT",
    },
}



def term_sentence(doc: AgreementDocument) -> str:
    start = doc.valid_from
    if doc.language == "lv":
        if doc.valid_to is None:
            return f"Līgums ir spēkā no {long_date(start, 'lv', 'gen')} uz nenoteiktu laiku."
        return (f"Līgums ir spēkā no {long_date(start, 'lv', 'gen')} "
                f"līdz {long_date(doc.valid_to, 'lv', 'dat')} (ieskaitot).")
    if doc.valid_to is None:
        return f"The Agreement is valid from {long_date(start, 'en')} for an indefinite period."
    return f"The Agreement is valid from {long_date(start, 'en')} to {long_date(doc.valid_to, 'en')} inclusive."


# ------------------------------------------------------------------ the signatures page

def _signature_pages(doc: AgreementDocument) -> int:
    return -(-len(doc.parties) // BOXES_PER_PAGE)


def _box_origin(slot: int) -> tuple[float, float]:
    """Top-left corner of the box in slot 0…5, in mm from the top-left corner of the page's content area."""
    row, column = divmod(slot, 2)
    return column * (BOX_WIDTH + COLUMN_GAP), GRID_TOP + row * (BOX_HEIGHT + ROW_GAP)


def _to_pdf_box(left: float, top: float, width: float, height: float) -> tuple[float, float, float, float]:
    """A rectangle in mm from the content area's top-left corner -> (x1, y1, x2, y2) in points, origin bottom-left."""
    x1 = (MARGIN_LEFT + left) * MM
    y2 = (PAGE_HEIGHT - MARGIN_TOP - top) * MM
    return round(x1, 2), round(y2 - height * MM, 2), round(x1 + width * MM, 2), round(y2, 2)


def _page_of(doc: AgreementDocument, index: int) -> int:
    """Index of the page with party `index`'s box, counted from the end (-1 = last page), as pyHanko accepts."""
    return index // BOXES_PER_PAGE - _signature_pages(doc)


def party_boxes(doc: AgreementDocument) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Each party's whole box (name, registration number, representative, signature field, date line)."""
    result = []
    for i in range(len(doc.parties)):
        left, top = _box_origin(i % BOXES_PER_PAGE)
        result.append((_page_of(doc, i), _to_pdf_box(left, top, BOX_WIDTH, BOX_HEIGHT)))
    return result


def signature_boxes(doc: AgreementDocument) -> list[tuple[int, tuple[float, float, float, float]]]:
    """For each party, in order: (page index, (x1, y1, x2, y2)) of its signature field, in PDF points with the
    origin at the bottom left (pyHanko's `SigFieldSpec(on_page=…, box=…)`). The page index counts from the end
    (-1 = last page): the signatures pages are always the last ones, whatever the length of the text."""
    result = []
    for i in range(len(doc.parties)):
        left, top = _box_origin(i % BOXES_PER_PAGE)
        result.append((_page_of(doc, i),
                       _to_pdf_box(left + FIELD_LEFT, top + FIELD_TOP, FIELD_WIDTH, FIELD_HEIGHT)))
    return result


def _signature_page_groups(doc: AgreementDocument) -> list[dict]:
    """The signatures pages for the template: the parties on each (slot = position in the list)."""
    return [{"parties": doc.parties[start:start + BOXES_PER_PAGE], "first": start == 0}
            for start in range(0, len(doc.parties), BOXES_PER_PAGE)]


def geometry_css() -> str:
    """The page box and the fixed layout of the signatures pages, from the constants above (parsed once)."""
    slots = "\n".join(
        f".slot-{slot} {{ left: {left:g}mm; top: {top:g}mm; }}"
        for slot, (left, top) in ((slot, _box_origin(slot)) for slot in range(BOXES_PER_PAGE)))
    return f"""
@page {{ size: {PAGE_WIDTH:g}mm {PAGE_HEIGHT:g}mm;
        margin: {MARGIN_TOP:g}mm {MARGIN_RIGHT:g}mm {MARGIN_BOTTOM:g}mm {MARGIN_LEFT:g}mm; }}
.signatures {{ height: {CONTENT_HEIGHT - 1:g}mm; }}
.party-box {{ width: {BOX_WIDTH:g}mm; height: {BOX_HEIGHT:g}mm; }}
{slots}
.box-label, .box-date, .signature-field {{ left: {FIELD_LEFT - BORDER:.4f}mm; width: {FIELD_WIDTH:g}mm; }}
.box-label {{ top: {FIELD_TOP - BORDER - 4.5:.4f}mm; }}
.signature-field {{ top: {FIELD_TOP - BORDER:.4f}mm; height: {FIELD_HEIGHT:g}mm; }}
.box-date {{ top: {FIELD_TOP - BORDER + FIELD_HEIGHT + 3:.4f}mm; }}
.verification {{ top: {VERIFICATION_TOP:g}mm; }}
.verification .qr {{ width: {QR_SIZE:g}mm; height: {QR_SIZE:g}mm; }}
.verification-text, .verification-hint {{ left: {QR_SIZE + 7:g}mm; }}
"""


# ------------------------------------------------------------------ WeasyPrint

class AgreementRenderError(PdfRenderError):
    """The agreement PDF could not be made (a resource was refused or is missing, e.g. the DejaVu fonts)."""


_FETCHER = LocalOnlyFetcher()
_JINJA = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)
class _Renderer(threading.local):
    """What rendering reuses, once per thread: a FontConfiguration and the parsed look (static/css/
    agreement-pdf.css) and geometry (geometry_css()). Per thread, not per process, so that documents render
    side by side: a long draft being rendered never makes another person's wait for a lock."""

    def __init__(self):
        self.font_config = FontConfiguration()
        self.stylesheets = [
            CSS(filename=str(STYLESHEET), url_fetcher=_FETCHER, font_config=self.font_config),
            CSS(string=geometry_css(), url_fetcher=_FETCHER, font_config=self.font_config),
        ]


_renderer = _Renderer()


def margin_css(doc: AgreementDocument) -> str:
    """The header and footer of this document: network, number (and "draft"), verification code, page N of M.
    A few declarations parsed per render; cheaper than string-set from the body, and nothing to lay out."""
    t = LABELS[doc.language]
    network = _css_string(doc.network_name)
    number = _css_string(f"{t['agreement_no']} {doc.number}" + (f" – {t['draft']}" if doc.draft else ""))
    code = _css_string(f"{t['verification_code']}: {doc.verification_code}")
    page, of = _css_string(t["page"] + " "), _css_string(" " + t["of"] + " ")
    return (f"@page {{ @top-left {{ content: {network} }} @top-right {{ content: {number} }}"
            f" @bottom-left {{ content: {code} }}"
            f" @bottom-right {{ content: {page} counter(page) {of} counter(pages) }} }}")


def render_html(doc: AgreementDocument) -> str:
    dated = doc.created.astimezone(LOCAL_TIME).date() if doc.created else doc.valid_from
    return _JINJA.get_template("agreements/pdf.html").render(
        doc=doc, t=LABELS[doc.language], dated=long_date(dated, doc.language),
        term=term_sentence(doc),
        created=doc.created.isoformat(timespec="seconds") if doc.created else None,
        signature_pages=_signature_page_groups(doc),
        qr=qr_data_uri(doc.verify_url),
    )


def _html(doc: AgreementDocument) -> HTML:
    return HTML(string=render_html(doc), base_url=str(TEMPLATES) + "/", url_fetcher=_FETCHER)


def _stylesheets_for(doc: AgreementDocument) -> list[CSS]:
    return [*_renderer.stylesheets,
            CSS(string=margin_css(doc), url_fetcher=_FETCHER, font_config=_renderer.font_config)]


def render_document(doc: AgreementDocument):
    """The laid-out WeasyPrint document (its pages, for counting); `render_pdf` is what the portal stores."""
    try:
        return _html(doc).render(stylesheets=_stylesheets_for(doc), font_config=_renderer.font_config)
    except FatalURLFetchingError as error:  # a BaseException: would slip past the app's error handling
        raise AgreementRenderError(str(error)) from error


def render_pdf(doc: AgreementDocument) -> bytes:
    """The agreement as PDF/A-3b bytes. Deterministic: the same document gives the same bytes."""
    try:
        return _html(doc).write_pdf(
            stylesheets=_stylesheets_for(doc), font_config=_renderer.font_config, pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as error:
        raise AgreementRenderError(str(error)) from error
