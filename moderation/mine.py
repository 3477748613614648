"""What a member sees of moderation: their reports and outcomes, decisions on their content, appeals."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.extensions import db
from community.models import Report
from community.models.base import utcnow
from moderation.appeals import APPEAL_DAYS, Appeal
from moderation.cases import Case, CaseSignal
from moderation.decisions import OUTCOME_ACTIONS, Decision
from moderation.notices import subject_summary

OUTCOME_TEXT = {"agreed": "已核实，已处理", "disagreed": "未发现违规"}
REPORT_STATUS = {"open": "处理中", "upheld": "已核实，已处理", "rejected": "未发现违规"}


def my_reports(member, limit=50):
    reports = list(db.session.scalars(select(Report).where(Report.reporter_id == member.id)
                                      .order_by(Report.id.desc()).limit(limit)))
    outcomes = dict(db.session.execute(select(CaseSignal.report_id, CaseSignal.outcome).where(
        CaseSignal.report_id.in_([r.id for r in reports]))).all()) if reports else {}
    items = []
    for report in reports:
        outcome = outcomes.get(report.id)
        items.append({"report": report, "subject": subject_summary(report.subject_type, report.subject_id)[0],
                      "outcome": outcome, "status_text": OUTCOME_TEXT.get(outcome) or REPORT_STATUS.get(report.status, "处理中")})
    return items


def appealable(decision, appeal, now=None):
    return (decision.action in ("remove", "warn", "suspend", "ban") and not decision.final and appeal is None
            and (now or utcnow()) - decision.created_at <= timedelta(days=APPEAL_DAYS))


def my_decisions(member, limit=50):
    """Outcome decisions on the member's content and account, newest first, with their appeal."""
    decisions = list(db.session.scalars(
        select(Decision).join(Case, Case.id == Decision.case_id)
        .where(Case.author_id == member.id, Decision.action.in_(OUTCOME_ACTIONS))
        .order_by(Decision.id.desc()).limit(limit)))
    appeals = {a.decision_id: a for a in db.session.scalars(
        select(Appeal).where(Appeal.decision_id.in_([d.id for d in decisions])))} if decisions else {}
    now = utcnow()
    return [{"decision": d, "subject": subject_summary(d.subject_type, d.subject_id)[0],
             "post_id": d.subject_id if d.subject_type == "post" else None,
             "appeal": appeals.get(d.id), "appealable": appealable(d, appeals.get(d.id), now)} for d in decisions]
