from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db
from .choices import LEGAL_FORMS, MUNICIPALITIES, label

APPLIED, ACTIVE, SUSPENDED, REJECTED, LEFT = "applied", "active", "suspended", "rejected", "left"
ORG_STATES = (APPLIED, ACTIVE, SUSPENDED, REJECTED, LEFT)


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    registration_number: Mapped[str] = mapped_column(String(11), unique=True)
    legal_address: Mapped[str] = mapped_column(String(300))
    municipality: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=APPLIED, index=True)
    is_coordinating: Mapped[bool] = mapped_column(default=False)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))

    people: Mapped[list["User"]] = relationship(  # noqa: F821
        back_populates="org", foreign_keys="User.org_id", order_by="User.name"
    )

    @property
    def municipality_label(self) -> str:
        return label(MUNICIPALITIES, self.municipality)

    @property
    def legal_form_label(self) -> str:
        return label(LEGAL_FORMS, self.legal_form)

    @property
    def is_active(self) -> bool:
        return self.state == ACTIVE

    @property
    def is_public(self) -> bool:
        return self.state in (ACTIVE, SUSPENDED)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.state}>"
