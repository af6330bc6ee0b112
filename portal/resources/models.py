from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..dates import local_today
from ..extensions import db
from ..orgs.choices import MUNICIPALITIES
from ..orgs.choices import label as choice_label
from . import choices
from .choices import ACTIVE

# Byte order of the Latvian sort key; PostgreSQL must not apply a locale to it.
SortKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class CatalogueEntry:
    """What an offer (Resource) and a wanted post (Need) have in common."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    municipality: Mapped[str] = mapped_column(String(30))
    location: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    unit: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[str] = mapped_column(String(60), default="lv")  # comma-separated codes
    terms: Mapped[str] = mapped_column(String(20))
    availability: Mapped[str] = mapped_column(String(300), default="")
    visibility: Mapped[str] = mapped_column(String(10), default=choices.NETWORK)
    format: Mapped[str] = mapped_column(String(20), default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    handover: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Diacritic-folded text and the Latvian sort key, kept by services.refresh_search_fields().
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    search_facets: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[str] = mapped_column(SortKey, default="")

    @declared_attr
    def org_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organizations.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def org(cls) -> Mapped["Organization"]:  # noqa: F821
        return relationship()

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def label(self, field: str) -> str:
        vocabulary = {
            "kind": choices.KINDS, "category": choices.CATEGORIES, "terms": choices.TERMS,
            "visibility": choices.VISIBILITIES, "format": choices.FORMATS, "handover": choices.HANDOVERS,
            "state": choices.STATES, "municipality": MUNICIPALITIES, "licence": choices.LICENCES,
            "value_unit": choices.VALUE_UNITS,
        }[field]
        return choice_label(vocabulary, getattr(self, field))

    @property
    def language_labels(self) -> list[str]:
        return [choice_label(choices.LANGUAGES, code) for code in self.language_codes]

    @property
    def is_material(self) -> bool:
        return self.kind == choices.MATERIAL


class Resource(CatalogueEntry, db.Model):
    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_listing", "state", "visibility", "id"),
        Index("ix_resources_sort_key", "sort_key"),
        Index("ix_resources_created_at", "created_at"),
        # Browsing by municipality (and kind) or by category: PostgreSQL counts and lists from these indexes
        # alone (SQLite filters through the full-text index's facets).
        Index("ix_resources_municipality", "municipality", "kind", "state", "visibility", "id"),
        Index("ix_resources_category", "category", "state", "visibility", "id"),
    )

    value_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    value_unit: Mapped[str] = mapped_column(String(10), default="")
    licence: Mapped[str] = mapped_column(String(30), default="")

    photos: Mapped[list["ResourcePhoto"]] = relationship(
        back_populates="resource", order_by="ResourcePhoto.position", cascade="all, delete-orphan"
    )


class Need(CatalogueEntry, db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        Index("ix_needs_listing", "state", "visibility", "id"),
        Index("ix_needs_sort_key", "sort_key"),
        Index("ix_needs_created_at", "created_at"),
        # Browsing by municipality (and kind) or by category: PostgreSQL counts and lists from these indexes
        # alone (SQLite filters through the full-text index's facets).
        Index("ix_needs_municipality", "municipality", "kind", "state", "visibility", "id"),
        Index("ix_needs_category", "category", "state", "visibility", "id"),
    )

    needed_by: Mapped[date | None] = mapped_column()

    @property
    def needed_by_passed(self) -> bool:
        """The "needed by" day is over (in the network's time zone)."""
        return self.needed_by is not None and self.needed_by < local_today()


class ResourcePhoto(db.Model):
    __tablename__ = "resource_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="photos")


class CatalogueVersion(db.Model):
    """One row: a random token that every change of the catalogue replaces (resources.pages)."""

    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
