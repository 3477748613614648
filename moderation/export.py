"""Moderators' decisions as labelled training examples, in the project-written set's JSONL format.

Each line: ``{"id": "decision-<id>", "text", "labels", "known", "complaint": null, "post_type",
"source": "moderation-decision", "decision_id", "case_id", "action", "policy", "decided_at"}``;
``flask moderation train --extra-data FILE`` reads it back (`datasets.project.load_project`).

One example per subject: its latest labelling decision. An earlier decision on the same post was
superseded (an appeal overturned it, or the case was reopened and decided again), so it is no longer
what the moderators think; exporting both would hand the trainer two conflicting labels for one text.

``known`` is the part of the label vocabulary the decision speaks for. An outcome (approve, remove,
warn, suspend, ban) judges the violation labels only; whether the post is a complaint is left
unknown unless a moderator set the full label set with relabel. Member cases have no text and are
left out, and so is an adverse decision that names no label (policy "other" with no flagged label):
it says the post broke a rule but not which one.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from community.extensions import db
from community.models import Comment, Post
from moderation.cases import Case
from moderation.decisions import OUTCOME_ACTIONS, Decision
from moderation.labels import LABELS, VIOLATION_LABELS

LABELLING_ACTIONS = OUTCOME_ACTIONS + ("relabel",)
BATCH = 500


def _latest_ids(since):
    """Ids of each post/comment subject's latest labelling decision, oldest first."""
    stmt = (select(func.max(Decision.id))
            .where(Decision.action.in_(LABELLING_ACTIONS), Decision.subject_type.in_(("post", "comment")),
                   Decision.labels.is_not(None))
            .group_by(Decision.subject_type, Decision.subject_id))
    if since is not None:
        stmt = stmt.having(func.max(Decision.created_at) >= since)
    return sorted(db.session.scalars(stmt))


def _texts(decisions):
    posts = {d.subject_id for d in decisions if d.subject_type == "post"}
    comments = {d.subject_id for d in decisions if d.subject_type == "comment"}
    texts = {}
    if posts:
        for pid, title, body, kind in db.session.execute(
                select(Post.id, Post.title, Post.body, Post.type).where(Post.id.in_(posts))):
            texts[("post", pid)] = (f"{title}\n{body}", kind)
    if comments:
        for cid, body in db.session.execute(select(Comment.id, Comment.body).where(Comment.id.in_(comments))):
            texts[("comment", cid)] = (body, "comment")
    return texts


def example_of(decision, relabelled, text, post_type):
    labels = sorted(set(decision.labels or []) & set(LABELS))
    if decision.action != "approve" and decision.action != "relabel" and not labels:
        return None
    known = list(LABELS) if relabelled or decision.action == "relabel" else list(VIOLATION_LABELS)
    return {"id": f"decision-{decision.id}", "text": text, "labels": labels, "known": known, "complaint": None,
            "post_type": post_type, "source": "moderation-decision", "decision_id": decision.id,
            "case_id": decision.case_id, "action": decision.action, "policy": decision.policy,
            "decided_at": decision.created_at.isoformat()}


def iter_examples(since: datetime | None = None):
    """Yield one training row per decided post or comment (see the module docstring)."""
    ids = _latest_ids(since)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        decisions = list(db.session.scalars(select(Decision).where(Decision.id.in_(chunk)).order_by(Decision.id)))
        relabelled = set(db.session.scalars(select(Case.id).where(
            Case.id.in_({d.case_id for d in decisions}), Case.final_labels.is_not(None))))
        texts = _texts(decisions)
        for decision in decisions:
            found = texts.get((decision.subject_type, decision.subject_id))
            if found is None or not found[0].strip():
                continue
            row = example_of(decision, decision.case_id in relabelled, *found)
            if row is not None:
                yield row
        db.session.expunge_all()


def export_decisions(handle, since: datetime | None = None) -> int:
    """Write the rows to an open text file; returns how many were written."""
    count = 0
    for row in iter_examples(since):
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
