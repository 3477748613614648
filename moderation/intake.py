"""Cases from outbox events: verdicts in the review/remove band, member reports, audit samples.

Each event is applied exactly once: the ledger row (consumer 'review', event id) is written in
the same transaction as the case change, so a redelivered event finds it and does nothing.
A deterministic sample of auto-allowed and auto-removed verdicts (REVIEW_AUDIT_RATE, by a hash
of the verdict id) opens audit cases, so the automation's precision per label can be measured.
"""
from __future__ import annotations

import hashlib
import os

from flask import current_app
from sqlalchemy.exc import IntegrityError

from community import outbox
from community.errors import NotFound
from community.extensions import db
from community.models import ConsumedEvent, OutboxEvent, Post, Report
from moderation.cases import REPORT_LABELS, open_signal

CONSUMER = "review"


def audit_rate():
    return float(current_app.config.get("REVIEW_AUDIT_RATE") or os.environ.get("REVIEW_AUDIT_RATE") or 0.02)


def sampled(verdict_id, rate):
    digest = hashlib.blake2b(f"audit:{verdict_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32 < rate


def _top(scores, among=None):
    keys = [k for k in (among or scores) if k in scores]
    if not keys:
        return None, None
    best = max(keys, key=lambda k: scores[k])
    return best, float(scores[best])


def _from_verdict(event):
    from moderation.verdicts import Verdict

    verdict = db.session.get(Verdict, event.payload.get("verdict_id"))
    post = db.session.get(Post, event.aggregate_id)
    if verdict is None or post is None or post.visibility == "deleted":
        return "missing"
    if verdict.content_version != post.content_version:
        return "stale"  # the newer text has its own verdict
    opened = []
    if verdict.decision in ("review", "remove"):
        label, score = _top(verdict.scores, verdict.labels)
        open_signal("post", post.id, "verdict", label=label, score=score, verdict_id=verdict.id,
                    labels=verdict.labels, note=f"模型判定：{verdict.decision}")
        opened.append("verdict")
    if verdict.decision in ("allow", "remove") and sampled(verdict.id, audit_rate()):
        label, score = _top(verdict.scores, verdict.labels or None)
        open_signal("post", post.id, "audit", label=label, score=score, verdict_id=verdict.id,
                    auto_decision=verdict.decision, note=f"抽检：自动{verdict.decision}")
        opened.append("audit")
    return "+".join(opened) or "skipped"


def _from_report(event):
    report = db.session.get(Report, event.aggregate_id)
    if report is None:
        return "missing"
    open_signal(report.subject_type, report.subject_id, "report", label=REPORT_LABELS.get(report.reason),
                report_id=report.id, reporter_id=report.reporter_id, note=report.detail or report.reason)
    return "report"


HANDLERS = {"verdict.recorded": _from_verdict, "report.filed": _from_report}


def apply_event(event_id):
    if db.session.get(ConsumedEvent, (CONSUMER, event_id)) is not None:
        return "duplicate"
    event = db.session.get(OutboxEvent, event_id)
    if event is None:
        return "missing"
    handler = HANDLERS.get(event.topic)
    try:
        outcome = handler(event) if handler else "skipped"
    except NotFound:
        outcome = "missing"  # the subject is gone
    db.session.add(ConsumedEvent(consumer=CONSUMER, event_id=event.id))
    try:
        outbox.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    return outcome
