"""The editor's preview: the draft as typed (nothing is saved), as the PDF prints it. It is the very HTML the PDF
is rendered from (pdf.render_html), shown in the browser with a screen stylesheet
(static/css/agreement-preview.css): the PDF's own is WeasyPrint's, with font files and page geometry.

Every preview a person asks for, as HTML beside the editor or as a PDF, counts against the same per-person
limit (PREVIEW_RATE_LIMIT): `allowed()` is the one place that counts."""
from dataclasses import replace
from datetime import date

from flask import current_app, url_for
from flask_limiter.errors import RateLimitExceeded

from ..extensions import limiter
from .document import AgreementDocument, Clause
from .drafting import MAX_CLAUSE_TEXT, MAX_CLAUSES, MAX_DRAFT_TEXT, MAX_POINT_TEXT, MAX_POINTS
from .models import Agreement
from .pdf import render_html
from .printing import DEFAULT_PLACE, build_document

MAX_TITLE, MAX_PLACE, MAX_HEADING = 300, 100, 200  # the edit form's own bounds


def allowed(user) -> bool:
    """Counts one preview of `user`; False when the person's previews of this minute are used up."""
    try:
        # A shared limit: one bucket for every route that previews, not one per route.
        with limiter.shared_limit(lambda: current_app.config["PREVIEW_RATE_LIMIT"], scope="agreement-preview",
                                  key_func=lambda: f"preview:{user.id}"):
            return True
    except RateLimitExceeded:
        return False


def _fits(title: str, place: str, sections: list[tuple[str, str]]) -> bool:
    """Within what a draft may hold, so that a preview is as quick to make as a saved draft's."""
    if len(title) > MAX_TITLE or len(place) > MAX_PLACE or len(sections) > MAX_CLAUSES:
        return False
    if sum(len(heading) + len(text) for heading, text in sections) > MAX_DRAFT_TEXT:
        return False
    for heading, text in sections:
        points = [line for line in text.splitlines() if line.strip()]
        if len(heading) > MAX_HEADING or len(text) > MAX_CLAUSE_TEXT or len(points) > MAX_POINTS or \
                any(len(point) > MAX_POINT_TEXT for point in points):
            return False
    return True


def typed_document(agreement: Agreement, *, title: str | None, place: str | None, valid_from: date | None,
                   valid_to: date | None, clauses: list[tuple[str | None, str | None]]) -> AgreementDocument | None:
    """The draft document with what is typed in place of what is stored (a date the form refused: the stored
    one); None when the typing is beyond a draft's bounds (the editor's messages say what to shorten)."""
    stored = build_document(agreement)
    title, place = (title or "").strip(), (place or "").strip()
    sections = [((heading or "").strip(), (text or "").strip()) for heading, text in clauses]
    sections = [(heading, text) for heading, text in sections if heading or text]
    if not _fits(title, place, sections):
        return None
    starts = valid_from or stored.valid_from
    ends = valid_to if valid_to is not None and valid_to >= starts else None
    return replace(stored, title=title, place=place or DEFAULT_PLACE[agreement.language], valid_from=starts,
                   valid_to=ends, clauses=[Clause(n, heading, text) for n, (heading, text) in enumerate(sections, 1)])


def preview_html(doc: AgreementDocument) -> str:
    """The document's HTML with the screen stylesheet linked (a srcdoc frame inherits the page's CSP)."""
    link = f'<link rel="stylesheet" href="{url_for("static", filename="css/agreement-preview.css")}">'
    return render_html(doc).replace("</head>", link + "</head>", 1)


def signing_copy_html(agreement: Agreement) -> str:
    """What a party signs, for the signing page: the approved text as the signing copy prints it (the same
    document the copy was rendered from at approval, with the parties' details frozen then)."""
    return preview_html(build_document(agreement))
