"""From an agreement in the database to the `AgreementDocument` the PDF is rendered from.

A draft is printed from the organizations' current details; from approval on, from the details copied
into its parties then (`freeze_parties`), so the signing copy never changes when an organization does.
"""
from datetime import datetime

from flask import current_app

from .document import AgreementDocument, Clause, Party
from .models import Agreement, AgreementParty

# The legal form as it is written before the name in the document's language (not the reader's).
LEGAL_FORM_WORDS = {
    "lv": {"association": "Biedrība", "foundation": "Nodibinājums", "religious": "Reliģiskā organizācija"},
    "en": {"association": "Association", "foundation": "Foundation", "religious": "Religious organisation"},
}
QUOTES = {"lv": ("„", "”"), "en": ("“", "”")}
# Printed when a representative has not recorded a position in their profile.
DEFAULT_POSITION = {"lv": "pārstāvis", "en": "representative"}
DEFAULT_PLACE = {"lv": "Daugavpilī", "en": "Daugavpils"}


def printed_org_name(org, language: str) -> str:
    """'Biedrība „Baltā māja”' / 'Association “Baltā māja”'; other legal forms print the name alone."""
    form = LEGAL_FORM_WORDS[language].get(org.legal_form)
    if not form:
        return org.name
    opening, closing = QUOTES[language]
    return f"{form} {opening}{org.name}{closing}"


def verify_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/verify?code={code}"


def _party_from_org(party: AgreementParty, language: str) -> Party:
    org, person = party.org, party.signatory
    return Party(
        name=printed_org_name(org, language),
        registration_number=org.registration_number,
        legal_address=org.legal_address,
        representative_name=person.name if person else "",
        representative_position=(person.position if person and person.position else DEFAULT_POSITION[language]),
    )


def _party_from_copy(party: AgreementParty) -> Party:
    return Party(
        name=party.printed_name, registration_number=party.printed_registration_number,
        legal_address=party.printed_address, representative_name=party.printed_signatory,
        representative_position=party.printed_position,
    )


def freeze_parties(agreement: Agreement) -> None:
    """Copies what the document prints about each party; called once, at approval."""
    for party in agreement.parties:
        printed = _party_from_org(party, agreement.language)
        party.printed_name = printed.name
        party.printed_registration_number = printed.registration_number
        party.printed_address = printed.legal_address
        party.printed_signatory = printed.representative_name
        party.printed_position = printed.representative_position


def build_document(agreement: Agreement, approved_at: datetime | None = None) -> AgreementDocument:
    """The document as it prints now: a draft preview (marked DRAFT) or, once approved, the signing copy.
    With `approved_at`, the signing copy an agreement not yet approved will have if approved then: the parties'
    details as approval will copy them (`freeze_parties`)."""
    frozen = agreement.is_frozen
    parties = [_party_from_copy(p) if frozen else _party_from_org(p, agreement.language)
               for p in agreement.parties]
    if frozen or approved_at is None:
        approved_at = agreement.approved_at
    signing_copy = frozen or approved_at is not None
    return AgreementDocument(
        number=agreement.number,
        title=agreement.title,
        language=agreement.language,
        network_name=current_app.config["NETWORK_NAME"],
        parties=parties,
        clauses=[Clause(i, c["heading"], c["text"]) for i, c in enumerate(agreement.clauses, start=1)],
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
        place=agreement.place or DEFAULT_PLACE[agreement.language],
        verification_code=agreement.verification_code,
        verify_url=verify_url(agreement.verification_code),
        draft=not signing_copy,
        created=approved_at if signing_copy else None,
    )
