"""What moderators do to a case: claim, release, escalate, note, reopen, decide, relabel.

Every use case locks the case row first (SELECT ... FOR UPDATE on PostgreSQL), so two moderators
acting on one case are serialised: the second one sees the first one's result and is refused
(409) instead of applying a second decision. A request names the case version it was made from;
an older version is a stale view and is refused, not applied.
"""
from __future__ import annotations

import os
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from community import outbox
from community.errors import Conflict, Forbidden, ValidationFailed
from community.extensions import db
from community.models import Comment, Member, Post
from community.models.base import utcnow
from community.services import accounts, social
from community.services.posts import change_visibility
from moderation import notices, reporters, strikes
from moderation.cases import CaseSignal, StaleCase, get_case, move
from moderation.decisions import OUTCOME_ACTIONS, POLICIES, record
from moderation.labels import LABELS, VIOLATION_LABELS
from moderation.priority import rescore

DECISION_ACTIONS = OUTCOME_ACTIONS + ("relabel",)
NEEDS_POLICY = ("remove", "warn", "suspend", "ban")


class Claimed(Conflict):
    code = "case_claimed"


def claim_minutes():
    return int(current_app.config.get("REVIEW_CLAIM_MINUTES") or os.environ.get("REVIEW_CLAIM_MINUTES") or 15)


def require_staff(actor):
    if actor is None or not actor.is_staff:
        raise Forbidden("仅审核员可以处理工单")


def _check_version(case, version):
    if version is not None and version != case.version:
        raise StaleCase("工单已被更新，请刷新后再处理", details={"expected": version, "current": case.version})


def claim_holds(case, now=None):
    return case.state == "assigned" and case.claim_expires_at is not None and case.claim_expires_at > (now or utcnow())


def _guard(case, actor, now):
    if case.excluded_moderator_id == actor.id:
        raise Forbidden("不能处理针对自己决定的申诉，请由其他审核员处理")
    if claim_holds(case, now) and case.assignee_id != actor.id:
        holder = db.session.get(Member, case.assignee_id)
        raise Claimed(f"该工单已被 {holder.nickname if holder else '其他审核员'} 认领",
                      details={"assignee": holder.username if holder else None,
                               "claim_expires_at": case.claim_expires_at.isoformat()})


def _locked(actor, case_id, version):
    require_staff(actor)
    case = get_case(case_id, lock=True)
    _check_version(case, version)
    return case


def claim(actor, case_id, version=None):
    case = _locked(actor, case_id, version)
    now = utcnow()
    _guard(case, actor, now)
    if case.state == "assigned" and case.assignee_id != actor.id:
        move(case, "open", action="claim_expired", internal_note="认领已过期")
    if case.state == "assigned":
        record(case, "claim_extended", "assigned", "assigned", actor_id=actor.id)
    else:
        move(case, "assigned", actor_id=actor.id, action="claim")
    case.assignee_id, case.claim_expires_at = actor.id, now + timedelta(minutes=claim_minutes())
    outbox.commit()
    return case


def release(actor, case_id, version=None):
    case = _locked(actor, case_id, version)
    _guard(case, actor, utcnow())
    move(case, "open", actor_id=actor.id, action="release")
    outbox.commit()
    return case


def escalate(actor, case_id, version=None, internal_note=""):
    case = _locked(actor, case_id, version)
    _guard(case, actor, utcnow())
    move(case, "escalated", actor_id=actor.id, action="escalate", internal_note=internal_note)
    rescore(case)
    outbox.commit()
    return case


def reopen(actor, case_id, version=None, internal_note=""):
    case = _locked(actor, case_id, version)
    move(case, "open", actor_id=actor.id, action="reopen", internal_note=internal_note)
    rescore(case)
    outbox.commit()
    return case


def add_note(actor, case_id, internal_note):
    require_staff(actor)
    note = (internal_note or "").strip()
    if not 1 <= len(note) <= 2000:
        raise ValidationFailed(details={"fields": {"internal_note": ["备注需为1-2000个字符"]}})
    case = get_case(case_id, lock=True)
    decision = record(case, "note", case.state, case.state, actor_id=actor.id, internal_note=note)
    outbox.commit()
    return decision


def _validate(case, action, policy, labels, days):
    errors = {}
    if action not in DECISION_ACTIONS:
        errors["action"] = ["处理动作无效"]
    if action in NEEDS_POLICY and policy not in POLICIES:
        errors["policy"] = ["请选择违规依据"]
    if policy is not None and policy not in POLICIES:
        errors["policy"] = ["违规依据无效"]
    if action == "relabel" and (labels is None or any(label not in LABELS for label in labels)):
        errors["labels"] = ["标签无效"]
    if action == "suspend" and (days is None or not 1 <= days <= 3650):
        errors["days"] = ["禁言天数需为1-3650"]
    if action == "remove" and case.subject_type == "member":
        errors["action"] = ["账号类工单请使用警告、禁言或封禁"]
    if errors:
        raise ValidationFailed(details={"fields": errors})


def training_labels(case, action, policy):
    """The labels a decision confirms: what the export hands to the train command."""
    final = case.final_labels
    if action == "approve":
        return [label for label in (final or []) if label not in VIOLATION_LABELS]
    if final:
        return list(final)
    label = POLICIES.get(policy, (None, None))[1]
    if label:
        return [label]
    return [label for label in case.label_list() if label in VIOLATION_LABELS]


def _subject_author(case):
    return notices.subject_summary(case.subject_type, case.subject_id)[2]


def _set_content(case, visible, actor, decision):
    if case.subject_type == "post":
        post = db.session.get(Post, case.subject_id)
        if post is not None:
            change_visibility(post, "visible" if visible else "hidden", reason=f"moderation:{decision.action}",
                              actor_id=actor.id, case_id=case.id, decision_id=decision.id)
    elif case.subject_type == "comment":
        comment = db.session.get(Comment, case.subject_id)
        if comment is not None and comment.visibility != "deleted":
            comment.visibility = "visible" if visible else "hidden"


def _settle_reports(case, decision, agreed):
    """Reports answered by this decision: outcome, reporter accuracy, notice, report status."""
    pending = db.session.scalars(select(CaseSignal).where(CaseSignal.case_id == case.id, CaseSignal.source == "report",
                                                          CaseSignal.outcome.is_(None))).all()
    for signal in pending:
        signal.outcome = "agreed" if agreed else "disagreed"
        if signal.reporter_id:
            reporters.count(signal.reporter_id, agreed)
            notices.to_reporter(case, decision, signal.reporter_id, agreed)
    social.resolve_reports([s.report_id for s in pending if s.report_id], "upheld" if agreed else "rejected")


def _flip_reports(case, agreed):
    """An appeal overturned the decision: reporters' earlier counts are corrected."""
    settled = db.session.scalars(select(CaseSignal).where(CaseSignal.case_id == case.id, CaseSignal.source == "report",
                                                          CaseSignal.outcome.is_not(None))).all()
    for signal in settled:
        was = signal.outcome == "agreed"
        if was != agreed and signal.reporter_id:
            reporters.count(signal.reporter_id, was, undo=True)
            reporters.count(signal.reporter_id, agreed)
        signal.outcome = "agreed" if agreed else "disagreed"


def apply_outcome(case, actor, action, policy=None, days=None, public_note="", internal_note="",
                  details=None, strike=True):
    """Close the case with an outcome; returns (decision, sanction or None). Does not commit."""
    from moderation.appeals import resolve_pending

    appeal = resolve_pending(case, actor, action)
    decision = move(case, "closed", actor_id=actor.id, action=action, internal_note=internal_note,
                    public_note=public_note, policy=policy, labels=training_labels(case, action, policy),
                    details={**(details or {}), **({"days": days} if days else {})}, final=appeal is not None)
    case.outcome = action
    case.excluded_moderator_id, case.appeal_id = None, None
    if appeal is not None:
        appeal.resolution_id = decision.id
    adverse = action != "approve"
    author_id = _subject_author(case)
    sanction = None
    if action in ("approve", "remove"):
        _set_content(case, action == "approve", actor, decision)
    if appeal is not None and appeal.state == "overturned":
        sanction = _undo(appeal, author_id, action)
        _flip_reports(case, adverse)
    if adverse and author_id and strike:
        before = strikes.strike_counts([author_id])[author_id]
        after = strikes.add_strike(author_id, case, decision, policy)
        if action == "suspend":
            sanction = ("suspended", days)
        elif action == "ban":
            sanction = ("banned", None)
        else:
            reached = strikes.sanction_for(after, before)
            sanction = (reached[1], reached[2]) if reached else sanction
    _settle_reports(case, decision, adverse)
    notices.to_author(case, decision, appealable=adverse and appeal is None)
    outbox.emit("case.decided", "case", case.id, decision_id=decision.id, action=action, final=decision.final,
                subject_type=case.subject_type, subject_id=case.subject_id, labels=decision.labels)
    return decision, ((author_id,) + sanction if sanction and author_id else None)


def _undo(appeal, author_id, new_action):
    """Take back what the overturned decision did to the author; returns a status to restore."""
    from moderation.decisions import Decision

    old = db.session.get(Decision, appeal.decision_id)
    strikes.revoke_for(old.id)
    if old.action in ("suspend", "ban") and new_action not in ("suspend", "ban") and author_id:
        member = db.session.get(Member, author_id)
        if member is not None and member.status != "active":
            return ("active", None)
    return None


def apply_sanctions(actor, sanctions):
    """Commit through set_status (the one way to change a member's status) or plainly."""
    pending = [s for s in sanctions if s]
    for member_id, status, days in pending:
        member = db.session.get(Member, member_id)
        if member is None or member.role == "admin" or _milder(member, status, days):
            continue
        accounts.set_status(actor, member.username, status, days=days, reason="moderation")
    outbox.commit()


def _milder(member, status, days):
    """A graduated sanction never shortens one already in force."""
    if member.status == "banned" and status != "active":
        return True
    if member.status == "suspended" and status == "suspended" and member.suspended_until is not None:
        return member.suspended_until >= utcnow() + timedelta(days=days or 0)
    return False


def decide(actor, case_id, action, version, policy=None, labels=None, days=None, public_note="",
           internal_note=""):
    require_staff(actor)
    if version is None:
        raise ValidationFailed(details={"fields": {"version": ["需要提供工单版本号"]}})
    case = _locked(actor, case_id, version)
    _validate(case, action, policy, labels, days)
    _guard(case, actor, utcnow())
    if action == "relabel":
        case.final_labels = sorted(set(labels))
        case.version += 1
        decision = record(case, "relabel", case.state, case.state, actor_id=actor.id, labels=case.final_labels,
                          internal_note=internal_note, public_note=public_note)
        outbox.commit()
        return decision
    if case.state == "closed":
        move(case, "closed")  # refused: a closed case is reopened before anyone decides it again
    decision, sanction = apply_outcome(case, actor, action, policy, days, public_note, internal_note)
    apply_sanctions(actor, [sanction])
    return decision
