"""Reporter accuracy: how often a member's reports were confirmed by a moderator's decision.

Accuracy is a smoothed ratio (agreed + 1) / (agreed + disagreed + 2): a new reporter counts as
0.5, and a few reports move it without letting one report decide everything.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db


class ReporterStats(db.Model):
    __tablename__ = "moderation_reporter_stats"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    agreed: Mapped[int] = mapped_column(default=0)
    disagreed: Mapped[int] = mapped_column(default=0)


def smoothed(agreed, disagreed):
    return (agreed + 1) / (agreed + disagreed + 2)


def accuracy(member_ids) -> dict[int, float]:
    ids = [i for i in set(member_ids or ()) if i is not None]
    result = dict.fromkeys(ids, smoothed(0, 0))
    if ids:
        for row in db.session.scalars(select(ReporterStats).where(ReporterStats.member_id.in_(ids))):
            result[row.member_id] = smoothed(row.agreed, row.disagreed)
    return result


def stats(member_id):
    row = db.session.get(ReporterStats, member_id)
    return (row.agreed, row.disagreed) if row else (0, 0)


def count(member_id, agreed, undo=False):
    """Count one confirmed (agreed) or rejected report; `undo` takes a count back (an overturn)."""
    row = db.session.get(ReporterStats, member_id, with_for_update=True)
    if row is None:
        row = ReporterStats(member_id=member_id, agreed=0, disagreed=0)
        db.session.add(row)
    step = -1 if undo else 1
    if agreed:
        row.agreed = max(0, row.agreed + step)
    else:
        row.disagreed = max(0, row.disagreed + step)
