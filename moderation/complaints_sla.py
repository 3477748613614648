"""The complaint SLA: what is left of it, escalation to moderators when it is missed, safety paging.

A missed SLA and a safety complaint both reach moderators as a case on the post (through
``moderation.cases.open_signal``, sources ``complaint_sla`` and ``safety``); a safety complaint also
notifies every moderator at once, whoever owns the product.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from community import outbox
from community.extensions import db
from community.models.base import utcnow
from community.services import notifications
from moderation.complaints_models import OPEN_STATES, SEVERITY_LABELS, Complaint

log = logging.getLogger(__name__)

# The severity as the case's signal score, so the queue's priority ranks a critical one first.
SEVERITY_SCORE = {"critical": 1.0, "high": 0.8, "medium": 0.5, "low": 0.3}
BATCH = 200


def _signal(complaint, source, note):
    from moderation.cases import open_signal  # imported late: cases import the community models too

    return open_signal("post", complaint.post_id, source, label="complaint",
                       score=SEVERITY_SCORE.get(complaint.severity), verdict_id=complaint.verdict_id, note=note)


def page_moderators(complaint, post):
    """A safety complaint: a case for the moderators and a notice to each of them, in the caller's
    transaction (the caller commits)."""
    severity = SEVERITY_LABELS.get(complaint.severity, complaint.severity)
    _signal(complaint, "safety", f"安全类投诉（严重程度：{severity}），投诉编号 {complaint.id}")
    notifications.notify_staff("safety", f"【安全投诉·{severity}】《{post.title}》需要立即处理", post_id=post.id)
    complaint.paged_at = utcnow()


def escalate_overdue(now=None, batch=BATCH):
    """Opens a case for every complaint whose SLA passed unanswered; each is escalated once.

    Rows are claimed with SKIP LOCKED so two beat runs never escalate the same complaint twice.
    Returns how many were escalated.
    """
    now = now or utcnow()
    total = 0
    while True:
        stmt = (select(Complaint).where(Complaint.state.in_(OPEN_STATES), Complaint.escalated_at.is_(None),
                                        Complaint.due_at <= now)
                .order_by(Complaint.due_at, Complaint.id).limit(batch).with_for_update(skip_locked=True))
        rows = list(db.session.scalars(stmt))
        if not rows:
            break
        for complaint in rows:
            complaint.escalated_at = now
            if complaint.post.visibility == "deleted":
                continue  # the author took the post down: nothing left for a moderator to look at
            overdue = int((now - complaint.due_at).total_seconds() // 60)
            _signal(complaint, "complaint_sla",
                    f"品牌投诉超过处理时限（{SEVERITY_LABELS.get(complaint.severity)}，已超时{overdue}分钟），"
                    f"投诉编号 {complaint.id}")
        outbox.commit()
        total += len(rows)
        if len(rows) < batch:
            break
    return total


def _span(seconds):
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分钟"


def sla_status(complaint, now=None):
    """(css class, text) for the inbox: time left, overdue, or how the answer met the SLA."""
    left = complaint.seconds_left(now)
    if left is None:
        met = complaint.sla_met()
        return ("ok", "按时回复") if met else ("late", "超时后回复")
    if left < 0:
        return "overdue", f"已超时 {_span(left)}"
    urgent = left < complaint.sla_window().total_seconds() / 4
    return ("urgent" if urgent else "running"), f"剩余 {_span(left)}"
