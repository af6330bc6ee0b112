"""Signing an approved agreement: in the portal with the organization's certificate, or by uploading the
party's own qualified e-signature; the last signature puts the agreement in force.

Who may sign is `policy.can_sign_agreement` / `policy.can_upload_signature`, asked again here under the
agreement's lock, so two representatives signing at once leave one signature and a clear message.
"""
import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..accounts.services import check_password, count_wrong_password
from ..audit.services import record
from ..certificates import revocation, services as certificates, signing
from ..database import utcnow
from ..errors import RuleViolation, require
from ..extensions import db
from ..metrics import SIGNATURES, count_after_commit
from ..origin import current_origin
from ..signing.external import ExternalSignatureRejected, check_external_signature
from ..signing.pdfsign import SigningError
from . import archive, completion, notices
from .files import current_file, party_field, store_file
from .models import APPROVED, IN_FORCE, TERMINATED, Agreement, AgreementFile, AgreementParty, Signature
from .workflow import lock, state_label, transition

log = logging.getLogger(__name__)


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _party_to_sign(actor, agreement: Agreement) -> AgreementParty:
    """The actor's party, if the agreement is being signed and the party has not signed yet."""
    require(policy.is_agreement_party(actor, agreement) and actor.is_representative)
    if not actor.org.is_active:
        raise certificates.SigningUnavailable(
            _l("%(org)s is not an active member and cannot sign now.", org=actor.org.name))
    lock(agreement)
    party = policy.unsigned_party(actor, agreement)
    if party is not None:
        return party
    if agreement.state != APPROVED:
        raise RuleViolation(_l("Only an approved agreement can be signed; this one is “%(state)s”.",
                               state=state_label(agreement.state)))
    if agreement.is_being_certified:
        raise RuleViolation(_l("The signing copy is still being made. Try again in a minute."))
    raise RuleViolation(_l("%(org)s has already signed this agreement.", org=actor.org.name))


def _client() -> dict:
    """What a signature records of where it was made."""
    origin = current_origin()
    return {"ip_address": origin.ip[:45], "user_agent": origin.user_agent[:300]}


def check_signing(actor, agreement: Agreement, *, password: str | None, typed_name: str | None,
                  consent: bool | None) -> None:
    """Every problem of a signing at once (None: a value the form already refused, not checked again). A
    wrong password is counted with the login failures, whatever else is wrong."""
    party = _party_to_sign(actor, agreement)
    if not policy.can_sign_agreement(actor, agreement):
        raise RuleViolation(_l("%(name)s signs for your organization, as the agreement says.",
                               name=party.printed_signatory))
    problems = {}
    wrong_password = password is not None and not check_password(actor, password, "signing")
    if wrong_password:
        problems["password"] = _l("The password is not right.")
    if typed_name is not None and not _same_name(typed_name, actor.name):
        problems["typed_name"] = _l("Type your full name as it is in your profile: %(name)s.", name=actor.name)
    if not consent:
        problems["consent"] = _l("Tick the box to confirm that you sign for your organization.")
    if problems:
        refused = RuleViolation.of_fields(problems)
        if wrong_password:
            refused.keeping(lambda: count_wrong_password(actor, "signing"))
        raise refused


def sign(actor, agreement: Agreement, *, password: str, typed_name: str, consent: bool,
         now: datetime | None = None) -> Signature:
    """The representative named for their party signs for it with the organization's certificate."""
    check_signing(actor, agreement, password=password, typed_name=typed_name, consent=consent)
    party = _party_to_sign(actor, agreement)
    signature = Signature(agreement_id=agreement.id, org_id=actor.org_id, user_id=actor.id,
                          typed_name=" ".join(typed_name.split()), position=party.printed_position,
                          signed_at=now or utcnow(), **_client())
    _add_signature(party, signature)
    try:
        signed = signing.sign_for_org(
            current_file(agreement.id).data, actor.org, field_name=party_field(party.position),
            signer_name=actor.name, position=party.printed_position, org_name=party.printed_name,
            signed_at=signature.signed_at, language=agreement.language)
    except SigningError as error:
        log.error("agreement %s: signing for org %s failed: %s", agreement.id, actor.org_id, error)
        raise RuleViolation(_l("The signature could not be added to the document, so nothing was signed. "
                               "Try again; if it fails again, tell a coordinator.")) from None
    _signed(actor, agreement, signature, store_file(agreement, signed, "signed"))
    return signature


EXTERNAL_REJECTIONS = {
    "too_large": _l("The file is too large."),
    "not_pdf": _l("This is not a PDF file."),
    "encrypted": _l("The PDF is encrypted (password-protected); upload it without a password."),
    "unreadable": _l("The PDF is damaged or incomplete."),
    "different_document": _l("This is not the current signing copy: download the signing copy again, sign "
                             "that file, and upload it unchanged."),
    "not_one_signature": _l("The file must carry exactly one new signature, your organization's."),
    "invalid": _l("The new signature is broken: the file was changed after it was signed."),
    "untrusted": _l("The signature's certificate is not from a qualified trust service the portal accepts."),
    "other_changes": _l("Besides the signature, something else in the document was changed (e.g. a page "
                        "added). Sign the signing copy without editing it."),
    "not_whole_file": _l("Something was added to the file after the signature."),
}
# What exactly changed besides the signature (signing.external.DETAILS), named in the message.
EXTERNAL_DETAILS = {
    "page_added": _l("a page was added or removed"),
    "annotation": _l("an annotation (comment, drawing, stamp) was added or changed"),
    "form_field": _l("a form field was added or changed"),
    "signature_replaced": _l("an earlier signature was replaced or removed"),
    "metadata": _l("the document's properties (title, author, …) were changed"),
    "revoked": _l("the signing certificate had been revoked when the signature was made"),
    "timestamp_invalid": _l("a time-stamp in the file does not verify"),
}


def rejection_text(rejected: ExternalSignatureRejected) -> str:
    message = str(EXTERNAL_REJECTIONS[rejected.code])
    named = [str(EXTERNAL_DETAILS[d]) for d in rejected.details if d in EXTERNAL_DETAILS]
    if not named:
        return message
    found = _l("Found: %(what)s.", what="; ".join(named))
    return f"{message} {found}"


def sign_externally(actor, agreement: Agreement, uploaded: bytes) -> Signature:
    """A representative uploads the current signing copy signed outside the portal with the organization's
    own qualified e-signature. Accepted only if it is that copy plus exactly one valid, trusted signature."""
    party = _party_to_sign(actor, agreement)
    roots = certificates.external_trust_roots()
    trusted_list = certificates.trusted_list()
    if not roots and trusted_list is None:
        raise RuleViolation(_l("The portal is not set up to accept signatures made outside it."), field="document")
    try:
        # Its own time-stamp, validation data and document time-stamps (as eParaksts adds them) are accepted.
        report = check_external_signature(current_file(agreement.id).data, uploaded, roots,
                                          crls=revocation.known_crls(), trusted_list=trusted_list)
    except ExternalSignatureRejected as rejected:
        raise RuleViolation(rejection_text(rejected), field="document") from None
    other_parties = {party_field(p.position) for p in agreement.parties if p.id != party.id}
    if report.field_name in other_parties:
        raise RuleViolation(_l("The signature is in another party's field (%(field)s): sign in your own "
                               "field, %(own)s, or as a new signature.", field=report.field_name,
                               own=party_field(party.position)), field="document")
    signature = Signature(agreement_id=agreement.id, org_id=actor.org_id, user_id=actor.id,
                          typed_name=(report.signer_name or report.signer_org)[:120], position=party.printed_position,
                          method="external", signed_at=utcnow(), **_client())
    _add_signature(party, signature)
    _signed(actor, agreement, signature, store_file(agreement, uploaded, "external"))
    return signature


def _add_signature(party: AgreementParty, signature: Signature) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(signature)
            db.session.flush()
    except IntegrityError:
        raise RuleViolation(_l("%(org)s has already signed this agreement.", org=party.org.name)) from None


def _signed(actor, agreement: Agreement, signature: Signature, stored: AgreementFile) -> None:
    db.session.refresh(agreement)
    count_after_commit(db.session, SIGNATURES, method=signature.method)
    record("agreement.signed", actor=actor, obj=agreement, org=actor.org, position=signature.position,
           method=signature.method, sha256=stored.sha256)
    if len(agreement.signatures) == len(agreement.parties):
        _enter_into_force(actor, agreement, signature.signed_at)  # its notice says it all: one, not two
    else:
        notices.tell_parties(actor, agreement, "signed")


def _enter_into_force(actor, agreement: Agreement, when: datetime) -> None:
    transition(agreement, APPROVED, IN_FORCE, in_force_at=when)
    record("agreement.in_force", actor=actor, obj=agreement)
    archive.extend_at_entry_into_force(agreement)  # the document of record becomes B-LTA
    completion.certify_at_entry_into_force(agreement)  # then its completion certificate names it
    notices.tell_parties(actor, agreement, "in_force")
    previous = agreement.previous
    if previous is not None and previous.state == IN_FORCE:
        # An amendment in force replaces the version before it.
        transition(previous, IN_FORCE, TERMINATED, ended_at=when, ended_by_id=actor.id,
                   end_reason=f"v{agreement.version}: {agreement.number}")
        record("agreement.replaced", actor=actor, obj=previous, by=agreement.id)
