"""The audit log: every move and every decision on a case, immutable, with who, when and why.

A row is a move (previous_state -> new_state) or an action that leaves the state (a note, a
relabel). Outcome actions (approve, remove, warn, suspend, ban) are what authors can appeal and
what the training export turns into labelled examples.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

OUTCOME_ACTIONS = ("approve", "remove", "warn", "suspend", "ban")
# Policy reasons a removal (or sanction) cites, with the training label each one confirms.
POLICIES = {
    "spam": ("垃圾广告/引流", "spam.ad"),
    "fraud": ("诈骗/刷单", "spam.fraud"),
    "gambling": ("赌博", "spam.gambling"),
    "adult": ("色情低俗", "spam.adult"),
    "abuse": ("辱骂/人身攻击", "abuse"),
    "counterfeit": ("假货/高仿推广", "fake.counterfeit"),
    "fake_review": ("虚假评价/水军", "fake.review"),
    "other": ("其他违规", None),
}


class Decision(db.Model):
    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="CASCADE"))
    # Null for the system (a signal reopening a case, an expired claim).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    previous_state: Mapped[str | None] = mapped_column(String(16))
    new_state: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    internal_note: Mapped[str] = mapped_column(Text, default="")
    public_note: Mapped[str] = mapped_column(Text, default="")
    policy: Mapped[str | None] = mapped_column(String(24))
    labels: Mapped[list | None] = mapped_column(JSON)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # An appeal's decision: no further appeal.
    final: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_moderation_decisions_case", Decision.case_id, Decision.id)
Index("ix_moderation_decisions_actor", Decision.actor_id, Decision.created_at)
Index("ix_moderation_decisions_subject", Decision.subject_type, Decision.subject_id)


def record(case, action, previous_state, new_state, actor_id=None, internal_note="", public_note="",
           policy=None, labels=None, details=None, final=False):
    decision = Decision(case_id=case.id, actor_id=actor_id, action=action, previous_state=previous_state,
                        new_state=new_state, subject_type=case.subject_type, subject_id=case.subject_id,
                        internal_note=(internal_note or "")[:2000], public_note=(public_note or "")[:2000],
                        policy=policy, labels=labels, details=details or {}, final=final, created_at=utcnow())
    db.session.add(decision)
    db.session.flush()
    return decision


def trail(case_id):
    return list(db.session.scalars(select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)))


def last_outcome(case_id):
    return db.session.scalar(select(Decision).where(Decision.case_id == case_id,
                                                    Decision.action.in_(OUTCOME_ACTIONS))
                             .order_by(Decision.id.desc()).limit(1))


def policy_label(policy):
    return POLICIES.get(policy, (None, None))[1]


def policy_title(policy):
    return POLICIES.get(policy, (policy or "", None))[0]
