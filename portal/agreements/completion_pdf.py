"""The completion certificate's PDF: plain data in (`CompletionDocument`), WeasyPrint out, A4, PDF/A-3b, like the
agreement itself (same fetcher, fonts and margins; the look is in static/css/completion-pdf.css).

Its fixed words come from `LABELS[doc.language]`, the agreement's language, not the reader's: the certificate
is made once and stored, a document that belongs with the agreement, like the agreement's own words.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import paths
from ..pdfs import LOCAL_TIME, Renderer, css_string as _css_string, environment, qr_data_uri
from ..text import long_date

STYLESHEET = paths.STATIC / "css" / "completion-pdf.css"

LABELS = {
    "lv": {
        "title": "Līguma noslēgšanas apliecinājums",
        "agreement_no": "Līgums Nr.",
        "intro": ("{network} apliecina, ka šo līgumu ir parakstījušas visas Puses un tas ir stājies spēkā. "
                  "Zemāk ir tā soļi no portāla audita žurnāla."),
        "agreement": "Līgums",
        "parties": "Puses",
        "reg_no": "reģ. Nr.",
        "verification_code": "Verifikācijas kods",
        "in_force": "Stājās spēkā",
        "document": "Līguma oriģināls",
        "document_text": "saglabātā datne Nr. {revision}, {size} baiti",
        "events": "Notikumi",
        "time": "Laiks (Rīgas laiks)",
        "event": "Notikums",
        "entry": "Ieraksts",
        "ip": "IP adrese",
        "browser": "pārlūks",
        "methods": {"portal": "paraksts portālā ar organizācijas sertifikātu",
                    "external": "paša Puses kvalificēts e-paraksts (augšupielādēta datne)"},
        "steps": {
            "agreement.drafted": "Melnraksts sagatavots",
            "agreement.submitted": "Iesniegts apstiprināšanai",
            "agreement.returned": "Atgriezts labošanai",
            "agreement.approved": "Apstiprināts, teksts iesaldēts",
            "agreement.certified": "Parakstāmais eksemplārs apliecināts ar tīklojuma parakstu",
            "agreement.signed": "Parakstīts",
            "agreement.in_force": "Stājies spēkā pēc pēdējā paraksta",
            "agreement.archived": "Oriģināls papildināts ar pārbaudes datiem un arhīva laika zīmogu (B-LTA)",
            "agreement.archived:renewed": "Oriģinālam pievienots jauns arhīva laika zīmogs",
        },
        "closing": ("Šo apliecinājumu {date} sagatavoja {network} un parakstīja ar tīklojuma elektronisko parakstu "
                    "un laika zīmogu. Katrs audita žurnāla ieraksts satur iepriekšējā ieraksta SHA-256; pēdējā "
                    "šeit minētā ieraksta (Nr. {entry}) SHA-256 ir"),
        "verify": ("Pārbaude: nolasiet QR kodu vai atveriet adresi un augšupielādējiet šo datni vai līguma "
                   "oriģinālu. Oriģināla SHA-256 jāsakrīt ar šeit norādīto."),
        "page": "Lapa",
        "of": "no",
    },
    "en": {
        "title": "Completion certificate",
        "agreement_no": "Agreement No.",
        "intro": ("{network} certifies that every Party has signed this agreement and that it has entered into "
                  "force. Its steps, from the portal's audit chain, follow."),
        "agreement": "Agreement",
        "parties": "Parties",
        "reg_no": "reg. No.",
        "verification_code": "Verification code",
        "in_force": "In force since",
        "document": "Document of record",
        "document_text": "stored file No. {revision}, {size} bytes",
        "events": "Events",
        "time": "Time (Riga time)",
        "event": "Event",
        "entry": "Entry",
        "ip": "IP address",
        "browser": "browser",
        "methods": {"portal": "signed in the portal with the organization's certificate",
                    "external": "the Party's own qualified e-signature (uploaded file)"},
        "steps": {
            "agreement.drafted": "Drafted",
            "agreement.submitted": "Submitted for approval",
            "agreement.returned": "Returned for changes",
            "agreement.approved": "Approved, text frozen",
            "agreement.certified": "Signing copy certified by the network",
            "agreement.signed": "Signed",
            "agreement.in_force": "Entered into force with the last signature",
            "agreement.archived": ("Document of record extended with validation data and an archival "
                                   "time-stamp (B-LTA)"),
            "agreement.archived:renewed": "A new archival time-stamp added to the document of record",
        },
        "closing": ("{network} made this certificate on {date} and signed it with the network's electronic "
                    "signature and a time-stamp. Each entry of the audit chain holds the SHA-256 of the entry "
                    "before it; the SHA-256 of the last entry listed here (No. {entry}) is"),
        "verify": ("To verify: scan the QR code or open the address and upload this file or the document of "
                   "record. The document of record's SHA-256 must be the one given here."),
        "page": "Page",
        "of": "of",
    },
}


@dataclass(frozen=True)
class SignatureFacts:
    """What a party's signature recorded of itself and where it was made."""
    name: str
    position: str
    method: str  # portal | external
    ip_address: str
    user_agent: str


@dataclass(frozen=True)
class Step:
    """One event of the audit chain: its entry number, time, action, who acted, and a signature's facts."""
    entry: int
    at: datetime
    action: str
    who: str
    detail: str = ""
    signature: SignatureFacts | None = None


@dataclass(frozen=True)
class CompletionDocument:
    language: str
    network_name: str
    number: str
    title: str
    verification_code: str
    verify_url: str
    parties: list[tuple[str, str]]  # (printed name, registration number)
    in_force_at: datetime
    document_sha256: str
    document_revision: int
    document_size: int
    steps: list[Step]
    last_hash: str  # the audit chain's hash of the last step listed
    made_at: datetime

    def __post_init__(self):
        if self.language not in LABELS:
            raise ValueError(f"language must be one of {tuple(LABELS)}, not {self.language!r}")
        if not self.steps:
            raise ValueError("a completion certificate lists the agreement's steps")


def local_time(moment: datetime, language: str) -> str:
    """'1.12.2026. 10:18:05' / '1 Dec 2026, 10:18:05', in Riga time: seconds, as evidence wants them."""
    local = moment.astimezone(LOCAL_TIME)
    if language == "lv":
        return f"{local.day}.{local.month:02d}.{local.year}. {local:%H:%M:%S}"
    return f"{local.day} {local:%b} {local.year}, {local:%H:%M:%S}"


def _grouped(n: int, language: str) -> str:
    return f"{n:,}".replace(",", "\u00a0" if language == "lv" else ",")


_JINJA = environment()
_renderer = Renderer(STYLESHEET)


def margin_css(doc: CompletionDocument) -> str:
    t = LABELS[doc.language]
    network, number = _css_string(doc.network_name), _css_string(f"{t['agreement_no']} {doc.number}")
    code = _css_string(f"{t['verification_code']}: {doc.verification_code}")
    page, of = _css_string(t["page"] + " "), _css_string(" " + t["of"] + " ")
    return (f"@page {{ @top-left {{ content: {network} }} @top-right {{ content: {number} }}"
            f" @bottom-left {{ content: {code} }}"
            f" @bottom-right {{ content: {page} counter(page) {of} counter(pages) }} }}")


def render_html(doc: CompletionDocument) -> str:
    t = LABELS[doc.language]
    return _JINJA.get_template("agreements/completion_pdf.html").render(
        doc=doc, t=t, time=lambda moment: local_time(moment, doc.language),
        intro=t["intro"].format(network=doc.network_name),
        document_text=t["document_text"].format(revision=doc.document_revision,
                                                size=_grouped(doc.document_size, doc.language)),
        closing=t["closing"].format(network=doc.network_name, date=long_date(doc.made_at.astimezone(LOCAL_TIME),
                                                                             doc.language),
                                    entry=doc.steps[-1].entry),
        created=doc.made_at.isoformat(timespec="seconds"), qr=qr_data_uri(doc.verify_url))


def render_pdf(doc: CompletionDocument) -> bytes:
    """The certificate as PDF/A-3b bytes, not yet signed. Deterministic: the same document gives the same bytes."""
    return _renderer.write_pdf(render_html(doc), margin_css(doc))
