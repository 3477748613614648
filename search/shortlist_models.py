"""A brand's shortlists of creators found through creator search."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models.base import UTCDateTime, utcnow


class Shortlist(db.Model):
    __tablename__ = "brand_shortlists"
    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entries: Mapped[list["ShortlistEntry"]] = relationship(
        back_populates="shortlist", cascade="all, delete-orphan", order_by="ShortlistEntry.added_at")


class ShortlistEntry(db.Model):
    __tablename__ = "brand_shortlist_entries"

    shortlist_id: Mapped[int] = mapped_column(ForeignKey("brand_shortlists.id", ondelete="CASCADE"),
                                              primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shortlist: Mapped[Shortlist] = relationship(back_populates="entries")
    creator: Mapped["Member"] = relationship(foreign_keys=[creator_id])  # noqa: F821
