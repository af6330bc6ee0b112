"""Agreements, their parties, comments, signatures and the stored PDF revisions.

    draft → submitted → approved → in_force → expired
    submitted → returned → draft               (the coordinator's comment is kept)
    approved | in_force → terminated

The text (title, term, clauses) is edited while draft or returned; approval freezes it: the party
details are copied into `AgreementParty` and the signing copy is rendered once into `AgreementFile`.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db

COOPERATION, NETWORK, EXCHANGE = "cooperation", "network", "exchange"
KINDS = (COOPERATION, NETWORK, EXCHANGE)
DRAFT, SUBMITTED, RETURNED, APPROVED, IN_FORCE, TERMINATED, EXPIRED = (
    "draft", "submitted", "returned", "approved", "in_force", "terminated", "expired")
STATES = (DRAFT, SUBMITTED, RETURNED, APPROVED, IN_FORCE, TERMINATED, EXPIRED)
EDITABLE_STATES = (DRAFT, RETURNED)
FROZEN_STATES = (APPROVED, IN_FORCE, TERMINATED, EXPIRED)


class Agreement(db.Model):
    __tablename__ = "agreements"
    __table_args__ = (Index("ix_agreements_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), default="", index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(100), default="")
    clauses: Mapped[list] = mapped_column(JSON, default=list)  # [{"heading": …, "text": …}, …]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default=DRAFT)
    verification_code: Mapped[str] = mapped_column(String(14), unique=True)
    # A network agreement's earlier version (an amendment is a new version), or the agreement an
    # accession joins; the exchange an exchange agreement was drafted from.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    accedes_to_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    exchange_id: Mapped[int | None] = mapped_column(ForeignKey("exchanges.id"))
    version: Mapped[int] = mapped_column(default=1)

    drafting_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the certified signing copy was stored (at approval, or by a worker soon after): signing waits for it.
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    in_force_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    review_reminded_on: Mapped[date | None] = mapped_column(Date)
    # When the document of record's last document time-stamp must be renewed (portal.agreements.archive);
    # None while it is not yet B-LTA (then the daily job extends it).
    archive_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", order_by="AgreementParty.position", cascade="all, delete-orphan")
    comments: Mapped[list["AgreementComment"]] = relationship(
        back_populates="agreement", order_by="AgreementComment.id")
    signatures: Mapped[list["Signature"]] = relationship(back_populates="agreement", order_by="Signature.id")
    drafting_org: Mapped["Organization"] = relationship(foreign_keys=[drafting_org_id])  # noqa: F821
    drafted_by: Mapped["User"] = relationship(foreign_keys=[drafted_by_id])  # noqa: F821
    previous: Mapped["Agreement | None"] = relationship(remote_side=[id], foreign_keys=[previous_id])
    accedes_to: Mapped["Agreement | None"] = relationship(remote_side=[id], foreign_keys=[accedes_to_id])
    exchange: Mapped["Exchange | None"] = relationship()  # noqa: F821

    @property
    def is_accession(self) -> bool:
        return self.accedes_to_id is not None

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def is_being_certified(self) -> bool:
        """Approved, and the signing copy is still being made (by a worker)."""
        return self.state == APPROVED and self.certified_at is None

    def party_org_ids(self) -> set[int]:
        return {party.org_id for party in self.parties}

    def party_for(self, org_id: int) -> "AgreementParty | None":
        return next((party for party in self.parties if party.org_id == org_id), None)

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.number} {self.kind} {self.state}>"


class AgreementParty(db.Model):
    """An organization that signs, and who signs for it. The printed details are copied at approval."""

    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # order in the document and on the signatures page
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    printed_name: Mapped[str] = mapped_column(String(300), default="")
    printed_registration_number: Mapped[str] = mapped_column(String(20), default="")
    printed_address: Mapped[str] = mapped_column(String(300), default="")
    printed_signatory: Mapped[str] = mapped_column(String(120), default="")
    printed_position: Mapped[str] = mapped_column(String(120), default="")
    sign_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    org: Mapped["Organization"] = relationship()  # noqa: F821
    signatory: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def signature(self) -> "Signature | None":
        return next((s for s in self.agreement.signatures if s.org_id == self.org_id), None)


class AgreementComment(db.Model):
    __tablename__ = "agreement_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="comments")
    author: Mapped["User"] = relationship()  # noqa: F821
    org: Mapped["Organization"] = relationship()  # noqa: F821


class Signature(db.Model):
    """One per party (the unique constraint makes a second signature of the same party fail)."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (UniqueConstraint("agreement_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    typed_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    method: Mapped[str] = mapped_column(String(10), default="portal")  # portal | external
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    org: Mapped["Organization"] = relationship()  # noqa: F821
    user: Mapped["User | None"] = relationship()  # noqa: F821


class AgreementFile(db.Model):
    """A stored PDF of a frozen agreement. Revision 1 is the signing copy made at approval; each
    signature adds a revision; the newest is the current copy. Bytes are never rendered again."""

    __tablename__ = "agreement_files"
    __table_args__ = (UniqueConstraint("agreement_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    revision: Mapped[int] = mapped_column()
    event: Mapped[str] = mapped_column(String(20))  # approved | signed | external | lta (B-LTA) | archive (renewal)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompletionCertificate(db.Model):
    """The completion certificate of an agreement that entered into force: a PDF made once, signed and
    time-stamped by the network, listing the agreement's steps from the audit chain and naming the document
    of record by its SHA-256. Its bytes are in the file store (`storage_key`); the row finds it by digest."""

    __tablename__ = "agreement_completion_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    # The document of record it names: the agreement's newest file when the certificate was made.
    document_revision: Mapped[int] = mapped_column()
    document_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
