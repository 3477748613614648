"""Review cases: one per subject (post, comment or member), its signals and its state machine.

A subject has at most one case row for life; a closed case is reopened by the next signal, so
"one open case per subject" holds by construction (unique subject) and the case keeps its whole
history. Every state move goes through `move`, which refuses what the table does not allow and
writes the move to the audit log (`moderation.decisions.Decision`).

Callers commit: `open_signal` and `move` only flush, the use case commits once with
`community.outbox.commit()`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from community.errors import Conflict, NotFound, ValidationFailed
from community.extensions import db
from community.models import Comment, Member, Post
from community.models.base import UTCDateTime, utcnow

SUBJECTS = ("post", "comment", "member")
STATES = ("open", "assigned", "escalated", "closed")
# The table: any move not listed here is refused.
MOVES = {
    "open": ("assigned", "escalated", "closed"),
    "assigned": ("open", "escalated", "closed"),
    "escalated": ("assigned", "closed"),
    "closed": ("open",),
}
# verdict/report/appeal/audit come from this package; complaint_sla and safety from complaints.
# cluster: a post swept into a near-duplicate ring's bulk decision.
SOURCES = ("verdict", "report", "appeal", "audit", "complaint_sla", "safety", "cluster")
# A report reason points at the label a moderator would confirm.
REPORT_LABELS = {"spam": "spam.ad", "fraud": "spam.fraud", "counterfeit": "fake.counterfeit",
                 "fake_review": "fake.review", "abuse": "abuse", "adult": "spam.adult",
                 "illegal": "spam.fraud", "other": None}


class InvalidMove(Conflict):
    code = "invalid_transition"


class StaleCase(Conflict):
    code = "stale_case"


class Case(db.Model):
    __tablename__ = "moderation_cases"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="open")
    # True unless closed: the queue's index leads with it so closed history never slows the queue.
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by every move and decision: a client that acts on an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # ",spam.ad,fake.review," so one portable LIKE filters by label or source (SQLite and PostgreSQL).
    labels: Mapped[str] = mapped_column(String(240), default="")
    sources: Mapped[str] = mapped_column(String(120), default="")
    top_label: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    base_priority: Mapped[float] = mapped_column(Float, default=0.0)
    priority_parts: Mapped[dict] = mapped_column(JSON, default=dict)
    sla_hours: Mapped[float] = mapped_column(Float, default=24.0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated: Mapped[bool] = mapped_column(default=False)
    # The moderator whose decision is under appeal: they may not decide the case again.
    excluded_moderator_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    appeal_id: Mapped[int | None]
    audit_sample: Mapped[bool] = mapped_column(default=False)
    auto_decision: Mapped[str | None] = mapped_column(String(8))
    final_labels: Mapped[list | None] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(16))
    signal_count: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def label_list(self):
        return [x for x in self.labels.split(",") if x]

    def source_list(self):
        return [x for x in self.sources.split(",") if x]


class CaseSignal(db.Model):
    """Why a case is in the queue: a verdict, a report, an appeal, an audit sample, a complaint."""

    __tablename__ = "moderation_case_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None] = mapped_column(Float)
    verdict_id: Mapped[int | None]
    report_id: Mapped[int | None] = mapped_column(index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    # For audit samples: what the automation did (allow/remove), to measure its precision.
    auto_decision: Mapped[str | None] = mapped_column(String(8))
    # For reports: whether the decision agreed with the reporter (agreed/disagreed).
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_moderation_cases_queue", Case.active, Case.priority.desc(), Case.id.desc())
# The open queue in priority order, carrying what the filters read: a filter that matches few cases
# is answered from this small index alone (index-only scan) instead of the table, whose bulk is
# closed history. `queue.list_cases` asks it for ids first, then loads the page's rows.
OPEN_QUEUE_COLUMNS = ("state", "labels", "sources", "circle_id", "assignee_id")
Index("ix_moderation_cases_open_queue", Case.priority.desc(), Case.id.desc(),
      postgresql_where=Case.active.is_(True), postgresql_include=list(OPEN_QUEUE_COLUMNS))
Index("ix_moderation_cases_circle", Case.circle_id, Case.active)
Index("ix_moderation_cases_author", Case.author_id)
Index("ix_moderation_cases_assignee", Case.assignee_id)
Index("ix_moderation_case_signals_case", CaseSignal.case_id, CaseSignal.id)


def _subject(subject_type, subject_id):
    """(circle_id, author_id) of a subject, or NotFound."""
    if subject_type == "post":
        post = db.session.get(Post, subject_id)
        if post is not None:
            return post.circle_id, post.author_id
    elif subject_type == "comment":
        comment = db.session.get(Comment, subject_id)
        if comment is not None:
            post = db.session.get(Post, comment.post_id)
            return (post.circle_id if post else None), comment.author_id
    elif subject_type == "member":
        if db.session.get(Member, subject_id) is not None:
            return None, subject_id
    raise NotFound("审核对象不存在")


def get_case(case_id, lock=False):
    stmt = select(Case).where(Case.id == case_id)
    if lock:
        # Row lock: concurrent decisions on one case queue up here and see each other's result.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    case = db.session.scalar(stmt)
    if case is None:
        raise NotFound("审核工单不存在")
    return case


def case_for(subject_type, subject_id):
    return db.session.scalar(select(Case).where(Case.subject_type == subject_type, Case.subject_id == subject_id))


def move(case, new_state, actor_id=None, action=None, internal_note="", public_note="", **fields):
    """Move a case along the table and audit it; refuses (409) any move the table does not list."""
    from moderation.decisions import record

    previous = case.state
    if new_state not in MOVES.get(previous, ()):
        raise InvalidMove(f"工单状态不能从「{previous}」变为「{new_state}」",
                          details={"from": previous, "to": new_state, "allowed": list(MOVES.get(previous, ()))})
    now = utcnow()
    case.state = new_state
    case.active = new_state != "closed"
    case.version += 1
    case.updated_at = now
    if new_state == "closed":
        case.closed_at, case.assignee_id, case.claim_expires_at = now, None, None
    if new_state == "open" and previous == "closed":
        case.opened_at, case.closed_at, case.outcome = now, None, None
    if new_state == "escalated":
        case.escalated, case.assignee_id, case.claim_expires_at = True, None, None
    if new_state == "open" and previous == "assigned":
        case.assignee_id, case.claim_expires_at = None, None
    return record(case, action or new_state, previous, new_state, actor_id=actor_id,
                  internal_note=internal_note, public_note=public_note, **fields)


def _add_token(joined, token):
    if not token:
        return joined
    tokens = [x for x in joined.split(",") if x]
    if token in tokens:
        return joined
    candidate = "," + ",".join(tokens + [token]) + ","
    return candidate if len(candidate) <= 240 else joined


def open_signal(subject_type, subject_id, source, *, label=None, score=None, verdict_id=None,
                report_id=None, note="", reporter_id=None, auto_decision=None, labels=None):
    """Add a signal to the subject's open case (re-scoring it), open one, or reopen a closed one.

    Does not commit; the caller commits with `community.outbox.commit()`.
    """
    from moderation.priority import rescore

    if subject_type not in SUBJECTS:
        raise ValidationFailed("审核对象类型无效", details={"fields": {"subject_type": ["审核对象类型无效"]}})
    if source not in SOURCES:
        raise ValidationFailed("信号来源无效", details={"fields": {"source": ["信号来源无效"]}})
    circle_id, author_id = _subject(subject_type, subject_id)
    case = _locked_case(subject_type, subject_id)
    if case is None:
        case = _create(subject_type, subject_id, circle_id, author_id)
    elif case.state == "closed":
        move(case, "open", action="reopen", internal_note=f"新信号：{source}")
    case.circle_id, case.author_id = circle_id, author_id
    signal = CaseSignal(case_id=case.id, source=source, label=label, score=score, verdict_id=verdict_id,
                        report_id=report_id, reporter_id=reporter_id, auto_decision=auto_decision,
                        note=note or "")
    db.session.add(signal)
    for name in [label, *(labels or [])]:
        case.labels = _add_token(case.labels, name)
    case.sources = _add_token(case.sources, source)
    case.signal_count += 1
    if source == "audit":
        case.audit_sample, case.auto_decision = True, auto_decision
    case.updated_at = utcnow()
    db.session.flush()
    rescore(case)
    return case


def _locked_case(subject_type, subject_id):
    return db.session.scalar(select(Case).where(Case.subject_type == subject_type, Case.subject_id == subject_id)
                             .with_for_update().execution_options(populate_existing=True))


def _create(subject_type, subject_id, circle_id, author_id):
    case = Case(subject_type=subject_type, subject_id=subject_id, circle_id=circle_id, author_id=author_id,
                state="open", active=True, labels="", sources="", priority_parts={})
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        # Another consumer opened the subject's case in the meantime: use theirs.
        case = _locked_case(subject_type, subject_id)
        if case.state == "closed":
            move(case, "open", action="reopen")
        return case
    from moderation.decisions import record

    record(case, "open", None, "open")
    return case


def signals_of(case):
    return list(db.session.scalars(select(CaseSignal).where(CaseSignal.case_id == case.id).order_by(CaseSignal.id)))
