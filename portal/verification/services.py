"""Checking a PDF for anyone: the signatures against the network CA (and the accepted qualified roots), and
what the portal holds of it. Nothing here reveals e-mails, IP addresses or comments."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..agreements import completion
from ..agreements.files import current_file, file_with_digest
from ..agreements.models import Agreement, AgreementFile, CompletionCertificate, Signature
from ..certificates import revocation, services as certificates
from ..dates import format_moment
from ..extensions import db
from ..reports import documents as report_documents
from ..reports.models import PROJECT, STATISTICS, VOLUNTEERS, ReportDocument
from ..signing.verify import verify_pdf

PROBLEMS = {
    "too_large": _l("The file is too large: the largest PDF checked here is %(size)s."),
    "not_pdf": _l("This is not a PDF file."),
    "encrypted": _l("The PDF is encrypted (password-protected): it cannot be checked."),
    "unreadable": _l("The PDF is damaged or incomplete and cannot be read."),
    "no_signatures": _l("The PDF has no electronic signatures."),
}


def normalised_code(code: str) -> str:
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def agreement_by_code(code: str) -> Agreement | None:
    if not code:
        return None
    return db.session.scalar(select(Agreement).where(Agreement.verification_code == normalised_code(code)))


def held_file(sha256: str) -> tuple[AgreementFile, Agreement, bool] | None:
    """The stored file with these bytes, its agreement, and whether it is the newest file of it."""
    stored = file_with_digest(sha256)
    if stored is None:
        return None
    agreement = db.session.get(Agreement, stored.agreement_id)
    return stored, agreement, stored.revision == current_file(agreement.id).revision


@dataclass
class HeldCertificate:
    """An uploaded file that is an agreement's completion certificate, and whether the agreement's document of
    record is still the file it names (completion.MATCHES, EXTENDED or DIFFERENT), and that newest file."""

    certificate: CompletionCertificate
    agreement: Agreement
    match: str
    newest: AgreementFile


def held_certificate(sha256: str) -> HeldCertificate | None:
    certificate = completion.certificate_with_digest(sha256)
    if certificate is None:
        return None
    match, newest = completion.document_match(certificate)
    return HeldCertificate(certificate, db.session.get(Agreement, certificate.agreement_id), match, newest)


def held_report(sha256: str) -> ReportDocument | None:
    """The signed report PDF the portal made with these bytes."""
    return report_documents.document_with_digest(sha256)


def report_description(document: ReportDocument) -> str:
    """What a signed report is, in the reader's language: whose, for which period, made when."""
    made = format_moment(document.made_at, "long")
    if document.kind == STATISTICS:
        return str(_l("The network statistics for %(period)s, made on %(date)s, intact and signed by the network.",
                      period=document.period.label, date=made))
    if document.kind == VOLUNTEERS:
        return str(_l("The volunteer report of %(org)s for %(year)s, made on %(date)s, intact and signed by the "
                      "network.", org=document.org.name, year=document.period.start.year, date=made))
    if document.kind == PROJECT:
        return str(_l("The co-financing report of the project “%(project)s” of %(org)s, made on %(date)s, intact "
                      "and signed by the network.", project=document.project.name, org=document.org.name, date=made))
    return str(_l("A report of %(org)s for %(period)s, made on %(date)s, intact and signed by the network.",
                  org=document.org.name, period=document.period.label, date=made))


def public_record(agreement: Agreement | None) -> dict | None:
    """What the verify page says of an agreement to anyone."""
    if agreement is None or not agreement.is_frozen:
        return None
    return {"agreement": agreement, "newest": current_file(agreement.id),
            "completion": completion.certificate_of(agreement.id)}


COMPLETE, EARLIER, ALTERED = "complete", "earlier", "altered"  # green, amber, red


@dataclass
class Verdict:
    """The one answer the page gives first: `kind` (complete, earlier or altered) and its reason in a sentence."""

    kind: str
    text: str


def _signer(signature) -> str:
    if signature.is_certification:
        return str(_l("the network (%(name)s)", name=signature.signer_org))
    return signature.signer_name or signature.signer_org


def _altered(report) -> str:
    """Why a file that does not verify is not to be relied on, naming the first signature concerned."""
    for s in report.signatures:
        if not (s.intact and s.valid):
            return str(_l("Changed after signing: what %(signer)s signed was changed afterwards. Do not rely on this "
                          "file.", signer=_signer(s)))
        if s.docmdp_ok is False:
            return str(_l("Changed after signing: after the signature of %(signer)s the file was changed in a way the "
                          "network’s certification does not allow (e.g. pages added).", signer=_signer(s)))
    for s in report.signatures:
        if not s.trusted:
            return str(_l("Not trusted: the signature of %(signer)s was not made with a certificate the network "
                          "trusts.", signer=_signer(s)))
        if s.revocation.state == "revoked":
            return str(_l("Not trusted: the certificate of %(signer)s was revoked before it signed.",
                          signer=_signer(s)))
        if s.timestamp is not None and not s.timestamp.ok:
            return str(_l("Not trusted: the time-stamp on the signature of %(signer)s does not hold.",
                          signer=_signer(s)))
    if not all(t.ok for t in report.timestamps):
        return str(_l("Not trusted: a time-stamp of the document does not hold."))
    return str(_l("Changed after signing: something was added to the file after its last signature."))


def _orgs_signed_in(stored: AgreementFile) -> set[int]:
    """The parties whose signatures the stored file holds: each signing stored one revision, in order."""
    signings = db.session.scalar(select(func.count()).select_from(AgreementFile).where(
        AgreementFile.agreement_id == stored.agreement_id, AgreementFile.revision <= stored.revision,
        AgreementFile.event.in_(("signed", "external"))))
    return set(db.session.scalars(select(Signature.org_id).where(Signature.agreement_id == stored.agreement_id)
                                  .order_by(Signature.id).limit(signings)))


def verdict(report, held, certificate: HeldCertificate | None = None,
            report_document: ReportDocument | None = None) -> Verdict:
    """Complete (the document of record, every party's signature in it, an agreement's completion
    certificate, or a signed report), an earlier copy (what is missing), or changed after signing / not
    trusted."""
    if not report.ok:
        return Verdict(ALTERED, _altered(report))
    if report_document is not None:
        return Verdict(COMPLETE, report_description(report_document))
    if certificate is not None:
        return Verdict(COMPLETE, str(_l(
            "A completion certificate of agreement No. %(number)s, intact and signed by the network, for the "
            "document of record with SHA-256 %(sha)s.", number=certificate.agreement.number,
            sha=certificate.certificate.document_sha256)))
    if held is None:
        return Verdict(EARLIER, str(_l("The signatures hold, but the portal holds no copy with exactly these bytes: "
                                       "this is not the document of record.")))
    stored, agreement, newest = held
    signed = _orgs_signed_in(stored)
    missing = [p.printed_name for p in agreement.parties if p.org_id not in signed]
    if missing:
        return Verdict(EARLIER, str(_l("An earlier copy: missing the signatures of %(names)s.",
                                       names=", ".join(missing))))
    if not newest:
        return Verdict(EARLIER, str(_l("An earlier copy (revision %(revision)d): the portal holds a newer one.",
                                       revision=stored.revision)))
    return Verdict(COMPLETE, str(_l("Complete: the document of record, signed by all %(n)d parties.",
                                    n=len(agreement.parties))))


def changes_after(report) -> list[tuple[str, bool]]:
    """For each signature, what changed after it and whether that is wrong: a broken signature is the one after
    which something changed, never "none"."""
    rows = []
    items = [*report.signatures, *report.timestamps]
    last = max(items, key=lambda item: item.signed_up_to) if items else None
    for s in report.signatures:
        if not (s.intact and s.valid):
            rows.append((str(_l("changed after this signature: what it signed is not what was signed")), True))
        elif s.docmdp_ok is False:
            rows.append((str(_l("not allowed changes (e.g. pages added)")), True))
        elif s.covers_whole_file:
            rows.append((str(_l("none")), False))
        elif s is last and (not report.ends_with_revision or s.modification_level != "lta_updates"):
            rows.append((str(_l("something was added after it")), True))
        else:
            rows.append((str(_l("only signatures")), False))
    return rows


def problem_text(problem: str) -> str:
    limit = current_app.config["VERIFY_MAX_BYTES"]
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{max(1, limit // 1024)} KB"
    return str(PROBLEMS[problem]) % {"size": size}


# What each PAdES baseline level means, for the verify page (the README says the same).
LEVELS = {
    "B-B": _l("B-B: the signature alone, without a time-stamp. It holds only while its certificate is valid."),
    "B-T": _l("B-T: the signature carries a time-stamp that proves when it was made, so it stays valid after "
              "its certificate expires."),
    "B-LT": _l("B-LT: time-stamped, and the file holds the certificates and revocation lists needed to check "
               "it later without asking anyone."),
    "B-LTA": _l("B-LTA: all of that, sealed with a document time-stamp that is renewed before it expires: it "
                "can be checked decades from now."),
}
QUALIFICATIONS = {
    "qes": _l("a qualified electronic signature (EU trusted list)"),
    "adesig_qc": _l("an advanced signature with a qualified certificate (EU trusted list)"),
    "not_qualified": _l("not a qualified signature"),
}


def level_text(level: str | None) -> str:
    return str(LEVELS.get(level or "", ""))


def check_upload(data: bytes):
    """The report on an uploaded PDF, and the indexes of the signatures trusted only through the qualified roots
    accepted for signatures made outside the portal. Validated at the proven time, with the CRLs the network
    CA has published besides those in the file."""
    limit = current_app.config["VERIFY_MAX_BYTES"]
    network_roots = certificates.network_trust_roots()
    known = {"crls": revocation.known_crls(), "trusted_list": certificates.trusted_list(),
             "network_ca": network_roots[-1] if network_roots else None, "max_bytes": limit}
    report = verify_pdf(data, network_roots, **known)
    external_roots = certificates.external_trust_roots()
    qualified = set()
    if external_roots and not report.problem and not all(s.trusted for s in report.signatures):
        wider = verify_pdf(data, network_roots + external_roots, **known)
        qualified = {i for i, (narrow, wide) in enumerate(zip(report.signatures, wider.signatures))
                     if wide.trusted and not narrow.trusted}
        report = wider
    if not report.problem:  # signatures whose CA is on the EU trusted list are qualified ones too
        qualified |= {i for i, s in enumerate(report.signatures) if s.trusted and s.trust == "trusted_list"}
    return report, qualified
