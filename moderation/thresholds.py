"""Per-label thresholds chosen on a validation split, and the decision band they give.

For each label the review threshold is the lowest score at which the validation precision is
still at least ``target_review`` (the most recall that precision allows); the remove threshold
likewise for ``target_remove``. Where the validation split has too few positives, or the target
is never reached, the documented defaults are used and the basis says so.
"""

from __future__ import annotations

import numpy as np

from moderation.labels import ALLOW, LABELS, REMOVE, REVIEW

DEFAULT_REVIEW = 0.5
DEFAULT_REMOVE = 0.97
NEVER = 1.01  # a threshold no score reaches: the band is off
MIN_POSITIVES = 5
# Scores are never trusted below this, whatever the validation data says.
FLOOR = 0.2


def default_thresholds() -> dict[str, dict]:
    return {
        label: {
            "review": DEFAULT_REVIEW,
            "remove": NEVER if label == "complaint" else DEFAULT_REMOVE,
            "basis": "default",
        }
        for label in LABELS
    }


def _lowest_threshold_with_precision(scores: np.ndarray, truth: np.ndarray, target: float) -> float | None:
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_truth = scores[order], truth[order]
    true_positives = np.cumsum(sorted_truth)
    precision = true_positives / np.arange(1, len(sorted_truth) + 1)
    # only cut between distinct scores: ties go together
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    ok = np.flatnonzero((precision >= target) & last_of_tie & (true_positives > 0))
    if len(ok) == 0:
        return None
    return float(sorted_scores[ok[-1]])


def choose_threshold(scores: np.ndarray, truth: np.ndarray, target_review: float, target_remove: float,
                     removable: bool = True) -> dict:
    """Thresholds for one label from validation scores and 0/1 truth."""
    positives = int(truth.sum())
    if positives < MIN_POSITIVES:
        chosen = default_thresholds()[LABELS[0]]
        if not removable:
            chosen["remove"] = NEVER
        chosen["basis"] = f"default ({positives} validation positives)"
        return chosen
    review = _lowest_threshold_with_precision(scores, truth, target_review)
    remove = _lowest_threshold_with_precision(scores, truth, target_remove) if removable else None
    review_t = max(FLOOR, review) if review is not None else DEFAULT_REVIEW
    remove_t = max(review_t, 0.5, remove) if remove is not None else NEVER
    predicted = scores >= review_t
    tp = int((predicted & (truth == 1)).sum())
    return {
        "review": round(review_t, 6),
        "remove": round(remove_t, 6) if remove_t < NEVER else NEVER,
        "basis": "validation" if review is not None else "default (target precision not reached)",
        "val_precision": round(tp / max(int(predicted.sum()), 1), 4),
        "val_recall": round(tp / positives, 4),
        "val_support": positives,
    }


def band(score: float, threshold: dict) -> str:
    if score >= threshold["remove"]:
        return REMOVE
    if score >= threshold["review"]:
        return REVIEW
    return ALLOW
