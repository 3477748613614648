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


def get_appeal(appeal_id):
    from community.errors import NotFound

    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("申诉不存在")
    return appeal


def file_appeal(member, decision_id, reason):
    """The author appeals an adverse, not final decision on their own content, once, within 14 days."""
    from datetime import timedelta

    from sqlalchemy import select

    from community import outbox
    from community.errors import Conflict, Forbidden, NotFound, ValidationFailed
    from moderation.cases import get_case, move, open_signal
    from moderation.decisions import Decision, last_outcome
    from moderation.notices import subject_summary
    from moderation.priority import rescore

    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 1000:
        raise ValidationFailed(details={"fields": {"reason": ["申诉理由需为5-1000个字符"]}})
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("处理记录不存在")
    if subject_summary(decision.subject_type, decision.subject_id)[2] != member.id:
        raise Forbidden("只能对自己内容的处理结果申诉")
    if decision.action not in ("remove", "warn", "suspend", "ban"):
        raise Conflict("该处理结果无需申诉")
    if decision.final:
        raise Conflict("申诉结果为最终决定，不能再次申诉")
    if utcnow() - decision.created_at > timedelta(days=APPEAL_DAYS):
        raise Conflict(f"已超过{APPEAL_DAYS}天申诉期限")
    if db.session.scalar(select(Appeal.id).where(Appeal.decision_id == decision.id)):
        raise Conflict("每个处理结果只能申诉一次")
    case = get_case(decision.case_id, lock=True)
    latest = last_outcome(case.id)
    if case.state != "closed" or latest is None or latest.id != decision.id:
        raise Conflict("该工单已有新的处理，不能对旧结果申诉")
    appeal = Appeal(decision_id=decision.id, case_id=case.id, appellant_id=member.id, reason=reason,
                    state="pending", created_at=utcnow())
    db.session.add(appeal)
    db.session.flush()
    open_signal(case.subject_type, case.subject_id, "appeal", note=reason)
    move(case, "escalated", actor_id=member.id, action="appeal", public_note=reason,
         details={"appeal_id": appeal.id, "decision_id": decision.id})
    case.excluded_moderator_id, case.appeal_id = decision.actor_id, appeal.id
    rescore(case)
    outbox.emit("appeal.filed", "case", case.id, appeal_id=appeal.id, decision_id=decision.id)
    outbox.commit()
    return appeal


def resolve_pending(case, actor, action):
    """Called by the decision that closes an appealed case: that decision is the final answer."""
    if not case.appeal_id:
        return None
    from moderation.decisions import Decision

    appeal = db.session.get(Appeal, case.appeal_id)
    if appeal is None or appeal.state != "pending":
        return None
    old = db.session.get(Decision, appeal.decision_id)
    appeal.state = "upheld" if old is not None and old.action == action else "overturned"
    appeal.decided_by_id, appeal.decided_at = actor.id, utcnow()
    return appeal


def appeals_of(member_id):
    from sqlalchemy import select

    return list(db.session.scalars(select(Appeal).where(Appeal.appellant_id == member_id).order_by(Appeal.id.desc())))
