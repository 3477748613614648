"""The complaint table: one complaint per post, routed to the brand that owns its linked product.

States move forward only: new -> acknowledged -> answered -> resolved. The SLA clock runs from
the first classification until the complaint is answered; its window depends on the severity.
"""
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

STATES = ("new", "acknowledged", "answered", "resolved")
# The one allowed move out of each state (the inbox refuses anything else with 409).
NEXT_STATE = {"new": "acknowledged", "acknowledged": "answered", "answered": "resolved"}
SLA = {"critical": timedelta(hours=4), "high": timedelta(hours=24), "medium": timedelta(hours=72),
       "low": timedelta(days=7)}
SEVERITIES = tuple(SLA)
OPEN_STATES = ("new", "acknowledged")  # the SLA clock runs while a complaint is in one of these
STATE_LABELS = {"new": "待受理", "acknowledged": "已受理", "answered": "已回复", "resolved": "已解决"}
SEVERITY_LABELS = {"critical": "紧急", "high": "高", "medium": "中", "low": "低"}


class Complaint(db.Model):
    __tablename__ = "moderation_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    # None: no linked product, so the complaint waits in the general queue that moderators work.
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    category: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default="new")
    verdict_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_verdicts.id", ondelete="SET NULL"))
    content_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    answer_note: Mapped[str] = mapped_column(Text, default="")
    reply_count: Mapped[int] = mapped_column(default=0)

    post: Mapped["Post"] = relationship()  # noqa: F821
    brand: Mapped["Brand | None"] = relationship()  # noqa: F821
    product: Mapped["Product | None"] = relationship()  # noqa: F821

    def sla_window(self):
        return SLA[self.severity]

    def seconds_left(self, now=None):
        """Seconds until the SLA deadline (negative: overdue); None once answered in any way."""
        if self.state not in OPEN_STATES:
            return None
        return (self.due_at - (now or utcnow())).total_seconds()

    def sla_met(self):
        """True/False once answered (in time or late); None while the clock still runs."""
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


def due_at(created_at, severity):
    return created_at + SLA[severity]


Index("ix_moderation_complaints_inbox", Complaint.brand_id, Complaint.state, Complaint.due_at)
Index("ix_moderation_complaints_sla", Complaint.state, Complaint.escalated_at, Complaint.due_at)
