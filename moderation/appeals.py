"""Appeals: an author asks once per decision, within APPEAL_DAYS, for a decision to be reversed.

The appeal reopens the case as escalated, for any moderator but the one who decided; the appeal's
decision is final (no appeal of it) and audited like every other decision.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

APPEAL_DAYS = 14
APPEAL_STATES = ("pending", "upheld", "overturned")


class Appeal(db.Model):
    __tablename__ = "moderation_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: one appeal per decision.
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decisions.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="CASCADE"), index=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_decisions.id", ondelete="SET NULL"))
