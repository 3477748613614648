"""Strikes on authors and the graduated sanctions they drive.

A strike is given by a removal or a warning; an appeal that overturns the decision revokes it.
Only strikes of the last STRIKE_WINDOW_DAYS count. Reaching a step of SANCTIONS suspends or bans
the author (through `community.services.accounts.set_status`, the one way to change a status).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

STRIKE_WINDOW_DAYS = 180
# (active strikes reached, status, days): 3 strikes -> 3 days' suspension, 5 -> 30 days, 7 -> ban.
SANCTIONS = ((3, "suspended", 3), (5, "suspended", 30), (7, "banned", None))


class Strike(db.Model):
    __tablename__ = "moderation_strikes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decisions.id", ondelete="CASCADE"), index=True)
    policy: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_moderation_strikes_member", Strike.member_id, Strike.created_at)


def _active(now=None):
    since = (now or utcnow()) - timedelta(days=STRIKE_WINDOW_DAYS)
    return (Strike.revoked_at.is_(None), Strike.created_at >= since)


def strike_counts(member_ids) -> dict[int, int]:
    """Active strikes per member id (members without strikes map to 0)."""
    ids = [int(i) for i in set(member_ids or ()) if i is not None]
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = db.session.execute(select(Strike.member_id, func.count(Strike.id))
                              .where(Strike.member_id.in_(ids), *_active()).group_by(Strike.member_id))
    counts.update({member_id: n for member_id, n in rows})
    return counts


def add_strike(member_id, case, decision, policy):
    db.session.add(Strike(member_id=member_id, case_id=case.id, decision_id=decision.id, policy=policy,
                          created_at=utcnow()))
    db.session.flush()
    return strike_counts([member_id])[member_id]


def revoke_for(decision_id):
    strikes = db.session.scalars(select(Strike).where(Strike.decision_id == decision_id,
                                                      Strike.revoked_at.is_(None))).all()
    for strike in strikes:
        strike.revoked_at = utcnow()
    return len(strikes)


def sanction_for(count, previous):
    """The sanction a member reaches by going from `previous` to `count` strikes, or None."""
    reached = [s for s in SANCTIONS if previous < s[0] <= count]
    return reached[-1] if reached else None


def history(member_id, limit=20):
    return list(db.session.scalars(select(Strike).where(Strike.member_id == member_id)
                                   .order_by(Strike.id.desc()).limit(limit)))
