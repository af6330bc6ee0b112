"""What an agreement PDF shows: plain data, independent of the database models.

The workflow turns an agreement and its organizations into an `AgreementDocument` once, at approval;
`portal.agreements.pdf.render_pdf` turns that into the PDF of record. Everything printed comes from
here, so the same document always gives the same bytes.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class Party:
    """One signatory organization, printed as given (the name with its legal form, e.g.
    'Biedrība „Baltā māja”'; the position as the representative signs, e.g. 'valdes priekšsēdētāja')."""
    name: str
    registration_number: str
    legal_address: str
    representative_name: str
    representative_position: str


@dataclass(frozen=True)
class Clause:
    """A numbered section. `text` holds its points, one paragraph per line (blank lines are ignored);
    a section with several points gets them numbered 1.1., 1.2. …, a single paragraph stays unnumbered."""
    number: int | str
    heading: str
    text: str

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@dataclass(frozen=True)
class AgreementDocument:
    number: str
    title: str
    language: str  # 'lv' | 'en': the document's language, not the reader's
    network_name: str
    parties: list[Party]
    clauses: list[Clause]
    valid_from: date
    valid_to: date | None  # None: for an indefinite period
    place: str  # printed as given: 'Daugavpilī' (Latvian uses the locative), 'Daugavpils'
    verification_code: str
    verify_url: str
    draft: bool = False
    # When the document was made (the coordinator's approval), timezone-aware. Printed as the agreement's
    # date (the date in Latvia) and written into the PDF metadata; never "now", so a document renders to
    # the same bytes every time. None: valid_from is printed and the PDF carries no dates.
    created: datetime | None = field(default=None)

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")
        if len(self.parties) < 2:
            raise ValueError("an agreement needs at least two parties")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        if self.created is not None and self.created.utcoffset() is None:
            raise ValueError("created must be timezone-aware")
