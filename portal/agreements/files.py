"""The stored PDFs of an agreement: revision 1 is the certified signing copy, each signature adds one."""
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import undefer

from ..errors import found
from ..extensions import db
from .models import Agreement, AgreementFile


def party_field(position: int) -> str:
    """The name of the signature field of the party at `position` (0-based) in the signing copy."""
    return f"party-{position + 1}"


def store_file(agreement: Agreement, data: bytes, event: str) -> AgreementFile:
    revision = (db.session.scalar(select(AgreementFile.revision).where(AgreementFile.agreement_id == agreement.id)
                                  .order_by(AgreementFile.revision.desc()).limit(1)) or 0) + 1
    stored = AgreementFile(agreement_id=agreement.id, revision=revision, event=event,
                           sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data)
    db.session.add(stored)
    db.session.flush()
    return stored


def current_file(agreement_id: int) -> AgreementFile | None:
    """The newest stored PDF (its bytes are loaded only when read)."""
    return db.session.scalar(select(AgreementFile).where(AgreementFile.agreement_id == agreement_id)
                             .order_by(AgreementFile.revision.desc()).limit(1))


def signing_copy(agreement_id: int) -> AgreementFile | None:
    return db.session.scalar(select(AgreementFile).where(AgreementFile.agreement_id == agreement_id,
                                                         AgreementFile.revision == 1))


def file_to_download(agreement: Agreement, signing: bool = False) -> AgreementFile:
    """The newest stored file with its bytes, or the signing copy as approved (before any signature)."""
    query = select(AgreementFile).options(undefer(AgreementFile.data)).where(
        AgreementFile.agreement_id == agreement.id)
    if signing:
        query = query.where(AgreementFile.revision == 1)
    else:
        query = query.order_by(AgreementFile.revision.desc()).limit(1)
    return found(db.session.scalar(query))


def file_with_digest(sha256: str) -> AgreementFile | None:
    return db.session.scalar(select(AgreementFile).where(AgreementFile.sha256 == sha256).limit(1))
