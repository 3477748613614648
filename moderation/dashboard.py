"""The moderation dashboard's figures, computed from the review queue's audit trail.

Every figure comes from rows the queue writes anyway (cases, signals, the decisions log, appeals)
and the complaint table; nothing is counted twice or kept in a side table. Days are calendar days
in China time, the product's audience. The window's rows are read once and aggregated here, the
same on PostgreSQL and the embedded SQLite.

- queue depth at the end of each day: opens and reopens minus closes, cumulated from the start;
- intake: signals per day by label (the signal's label, else its source);
- time to decision: hours from the case's (re)opening to each outcome decision (approve, remove,
  warn, suspend, ban), median and p90 per day, against the SLA the case carried;
- auto-action precision: audit-sampled automatic actions per label, and the share a moderator's
  outcome confirmed (auto remove -> a removal or sanction; auto allow -> approve);
- appeals: decided appeals and the share overturned;
- throughput: outcome decisions per moderator.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta, timezone
from statistics import median

from sqlalchemy import func, select

from community.errors import Forbidden, ValidationFailed
from community.extensions import db
from community.models import Member
from community.models.base import utcnow
from moderation.appeals import Appeal
from moderation.cases import Case, CaseSignal
from moderation.complaints_models import OPEN_STATES, Complaint
from moderation.decisions import OUTCOME_ACTIONS, Decision

CHINA = timezone(timedelta(hours=8))
DEFAULT_DAYS, MAX_DAYS = 14, 90
REMOVALS = ("remove", "warn", "suspend", "ban")
TOP_LABELS = 6


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _window(days, now):
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(details={"fields": {"days": [f"天数需为1-{MAX_DAYS}"]}})
    today = now.astimezone(CHINA).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, CHINA).astimezone(timezone.utc)
    return [first + timedelta(days=i) for i in range(days)], start


def _day(moment):
    return moment.astimezone(CHINA).date()


def _step(previous, new):
    """+1 when a move opens or reopens a case, -1 when it closes one, 0 for moves between open states."""
    if new != "closed" and previous in (None, "closed"):
        return 1
    if new == "closed" and previous != "closed":
        return -1
    return 0


def queue_depth(days, start):
    """Open cases at the end of each day (a case is open from its opening or reopening until closed)."""
    before = db.session.execute(select(Decision.previous_state, Decision.new_state, func.count())
                                .where(Decision.created_at < start)
                                .group_by(Decision.previous_state, Decision.new_state)).all()
    depth = sum(_step(previous, new) * n for previous, new, n in before)
    per_day = defaultdict(int)
    for previous, new, at in db.session.execute(select(Decision.previous_state, Decision.new_state,
                                                       Decision.created_at).where(Decision.created_at >= start)):
        per_day[_day(at)] += _step(previous, new)
    out = []
    for day in days:
        depth += per_day.get(day, 0)
        out.append({"day": day.isoformat(), "depth": depth})
    return out


def intake(days, start):
    counts = defaultdict(Counter)
    for label, source, at in db.session.execute(select(CaseSignal.label, CaseSignal.source, CaseSignal.created_at)
                                                .where(CaseSignal.created_at >= start)):
        counts[label or source][_day(at)] += 1
    top = sorted(counts, key=lambda k: (-sum(counts[k].values()), k))[:TOP_LABELS]
    series = {label: [counts[label].get(day, 0) for day in days] for label in top}
    rest = [sum(c.get(day, 0) for k, c in counts.items() if k not in top) for day in days]
    if any(rest):
        series["其他"] = rest
    return {"labels": list(series), "series": series,
            "totals": {label: sum(values) for label, values in series.items()}}


def _decision_times(start):
    """(decided_at, hours since the case's (re)opening, the case's SLA hours) per outcome decision."""
    decided = list(db.session.execute(
        select(Decision.case_id, Decision.id, Decision.created_at, Decision.actor_id)
        .where(Decision.created_at >= start, Decision.action.in_(OUTCOME_ACTIONS))))
    if not decided:
        return []
    case_ids = {row.case_id for row in decided}
    opens = defaultdict(list)
    for case_id, row_id, at in db.session.execute(
            select(Decision.case_id, Decision.id, Decision.created_at).where(
                Decision.case_id.in_(case_ids), Decision.new_state != "closed",
                (Decision.previous_state.is_(None)) | (Decision.previous_state == "closed"))):
        opens[case_id].append((row_id, at))
    sla = dict(db.session.execute(select(Case.id, Case.sla_hours).where(Case.id.in_(case_ids))).all())
    out = []
    for row in decided:
        earlier = [at for row_id, at in opens[row.case_id] if row_id < row.id]
        if not earlier:
            continue
        hours = (row.created_at - max(earlier)).total_seconds() / 3600
        out.append((row.created_at, hours, sla.get(row.case_id) or 24.0, row.actor_id))
    return out


def time_to_decision(days, start, times):
    def summary(rows):
        hours = [h for _, h, _, _ in rows]
        return {"count": len(hours), "median_hours": _round(median(hours) if hours else None),
                "p90_hours": _round(percentile(hours, 90)),
                "sla_hours": _round(median([s for _, _, s, _ in rows]) if rows else None),
                "within_sla": _round(sum(1 for _, h, s, _ in rows if h <= s) / len(rows) if rows else None)}
    by_day = defaultdict(list)
    for row in times:
        by_day[_day(row[0])].append(row)
    return {**summary(times), "daily": [{"day": day.isoformat(), **summary(by_day.get(day, []))} for day in days]}


def auto_precision(start):
    """Per (automatic action, label): audited, decided by a moderator, confirmed, precision."""
    audits = list(db.session.execute(
        select(CaseSignal.case_id, CaseSignal.id, CaseSignal.label, CaseSignal.auto_decision, CaseSignal.created_at)
        .where(CaseSignal.source == "audit", CaseSignal.created_at >= start)))
    outcomes = defaultdict(list)
    if audits:
        for case_id, at, action in db.session.execute(
                select(Decision.case_id, Decision.created_at, Decision.action).where(
                    Decision.case_id.in_({a.case_id for a in audits}), Decision.action.in_(OUTCOME_ACTIONS))
                .order_by(Decision.id)):
            outcomes[case_id].append((at, action))
    table = defaultdict(lambda: {"audited": 0, "decided": 0, "confirmed": 0})
    for audit in audits:
        key = (audit.auto_decision or "unknown", audit.label or "(none)")
        row = table[key]
        row["audited"] += 1
        verdict = next((action for at, action in outcomes[audit.case_id] if at >= audit.created_at), None)
        if verdict is None:
            continue
        row["decided"] += 1
        agreed = verdict == "approve" if key[0] == "allow" else verdict in REMOVALS
        row["confirmed"] += int(agreed)
    return [{"auto_decision": action, "label": label, **row,
             "precision": _round(row["confirmed"] / row["decided"] if row["decided"] else None)}
            for (action, label), row in sorted(table.items())]


def appeals(start):
    states = dict(db.session.execute(select(Appeal.state, func.count()).where(
        (Appeal.decided_at >= start) | (Appeal.state == "pending")).group_by(Appeal.state)).all())
    decided = states.get("upheld", 0) + states.get("overturned", 0)
    return {"decided": decided, "overturned": states.get("overturned", 0), "upheld": states.get("upheld", 0),
            "pending": states.get("pending", 0),
            "overturn_rate": _round(states.get("overturned", 0) / decided if decided else None)}


def throughput(days, times):
    per_actor = Counter(actor for _, _, _, actor in times if actor is not None)
    names = dict(db.session.execute(select(Member.id, Member.nickname).where(Member.id.in_(per_actor))).all()) \
        if per_actor else {}
    return [{"moderator_id": actor, "moderator": names.get(actor, str(actor)), "decisions": n,
             "per_day": _round(n / len(days))} for actor, n in per_actor.most_common()]


def complaints_summary(now):
    def count(*where):
        return db.session.scalar(select(func.count(Complaint.id)).where(*where))
    opened = Complaint.state.in_(OPEN_STATES)
    answered = count(Complaint.answered_at.is_not(None))
    in_time = count(Complaint.answered_at.is_not(None), Complaint.answered_at <= Complaint.due_at)
    return {"open": count(opened), "overdue": count(opened, Complaint.due_at < now), "answered": answered,
            "answered_within_sla": _round(in_time / answered if answered else None)}


def _round(value, digits=3):
    return None if value is None else round(value, digits)


def build(member, days=DEFAULT_DAYS, now=None):
    if member is None or not member.is_staff:
        raise Forbidden("仅审核员可以查看看板")
    now = now or utcnow()
    day_list, start = _window(days, now)
    times = _decision_times(start)
    return {
        "window": {"days": days, "start": start, "end": now, "timezone": "Asia/Shanghai"},
        "queue_depth": queue_depth(day_list, start),
        "intake": intake(day_list, start),
        "time_to_decision": time_to_decision(day_list, start, times),
        "auto_precision": auto_precision(start),
        "appeals": appeals(start),
        "throughput": throughput(day_list, times),
        "complaints": complaints_summary(now),
    }
