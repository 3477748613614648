"""Per-label thresholds chosen on a validation split, and the decision band they give.

For each label the review threshold is the lowest score at which the validation precision is
still at least ``target_review`` (the most recall that precision allows), on every source at
once (see :func:`choose_threshold`); the remove threshold follows the same rule with stricter
targets and is never below the review threshold. Where the validation split has too few
positives the documented defaults are used; the chosen basis is stored with the thresholds.
"""

from __future__ import annotations

import numpy as np

from moderation.labels import ALLOW, LABELS, REMOVE, REVIEW

DEFAULT_REVIEW = 0.5
DEFAULT_REMOVE = 0.97
NEVER = 1.01  # a threshold no score reaches: the band is off
MIN_POSITIVES = 5
MIN_NEGATIVES_ONLY = 200
# The false-alarm rate allowed on a validation source that has only negatives for a label.
MAX_FP_RATE = 0.005
MIN_SOURCE_POSITIVES = 20
MIN_REMOVE_POSITIVES = 30
# The remove band: precision target_remove overall, REMOVE_SOURCE_TARGET on every source with
# positives, REMOVE_FP_RATE on every negative-only source, and never under DEFAULT_REMOVE_FLOOR.
REMOVE_SOURCE_TARGET = 0.95
REMOVE_FP_RATE = 0.001
DEFAULT_REMOVE_FLOOR = 0.8
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


def _best_f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_truth = scores[order], truth[order]
    tp = np.cumsum(sorted_truth)
    f1 = 2 * tp / (np.arange(1, len(sorted_truth) + 1) + truth.sum())
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    f1 = np.where(last_of_tie, f1, -1)
    return float(sorted_scores[int(np.argmax(f1))])


def _bounds(by_source, scores, truth, target, source_target, max_fp_rate, fallback):
    def precision(s, t, goal):
        reached = _lowest_threshold_with_precision(s, t, goal)
        if reached is not None:
            return reached, f"precision>={goal}"
        if fallback:
            return _best_f1_threshold(s, t), "best F1 (precision target not reached)"
        return None, f"precision {goal} not reached"

    bounds = {"all sources": precision(scores, truth, target)}
    for source, (s, t) in by_source.items():
        source_positives, negatives = int(t.sum()), int((t == 0).sum())
        if source_positives >= MIN_SOURCE_POSITIVES:
            bounds[source] = precision(s, t, source_target)
        elif source_positives == 0 and negatives >= MIN_NEGATIVES_ONLY:
            bounds[source] = (float(np.quantile(s, 1 - max_fp_rate)) + 1e-9, f"fp-rate<={max_fp_rate}")
    return bounds


def choose_threshold(
    by_source: dict[str, tuple[np.ndarray, np.ndarray]],
    target_review: float,
    target_remove: float,
    removable: bool = True,
    source_target: float = 0.8,
    max_fp_rate: float | None = None,
) -> dict:
    """Thresholds for one label from validation scores and 0/1 truth, per source.

    The review threshold is the highest of: the lowest score with precision ``target_review``
    over all validation examples; the lowest with precision ``source_target`` on each source
    that has at least ``MIN_SOURCE_POSITIVES`` positives; and, on each source with only
    negatives (at least ``MIN_NEGATIVES_ONLY``), the score that keeps its false-positive rate at
    ``max_fp_rate``. So an easy source (FBS spam) does not set the bar for a hard one (SMS), and
    a source of clean text (shopping reviews) bounds the false alarms. Where a precision target
    cannot be reached the best-F1 threshold stands in, and the basis says so.

    The remove threshold follows the same rule with the stricter targets above; it needs
    ``MIN_REMOVE_POSITIVES`` validation positives and every target reachable, otherwise the label
    is never removed automatically (review only).
    """
    max_fp_rate = MAX_FP_RATE if max_fp_rate is None else max_fp_rate
    scores = np.concatenate([s for s, _ in by_source.values()]) if by_source else np.zeros(0)
    truth = np.concatenate([t for _, t in by_source.values()]) if by_source else np.zeros(0)
    positives = int(truth.sum())
    if positives < MIN_POSITIVES:
        chosen = default_thresholds()[LABELS[0]]
        if not removable:
            chosen["remove"] = NEVER
        chosen["basis"] = f"default ({positives} validation positives)"
        return chosen
    bounds = _bounds(by_source, scores, truth, target_review, source_target, max_fp_rate, fallback=True)
    binding = max(bounds, key=lambda name: bounds[name][0])
    review_t = min(max(FLOOR, bounds[binding][0]), 0.99)
    remove_t = NEVER
    if removable and positives >= MIN_REMOVE_POSITIVES:
        # the same rule, stricter: where any source cannot reach it, nothing is removed automatically
        strict = _bounds(by_source, scores, truth, target_remove, REMOVE_SOURCE_TARGET, REMOVE_FP_RATE, fallback=False)
        if all(value is not None for value, _ in strict.values()):
            remove_t = max(review_t, DEFAULT_REMOVE_FLOOR, max(value for value, _ in strict.values()))
    predicted = scores >= review_t
    tp = int((predicted & (truth == 1)).sum())
    return {
        "review": round(review_t, 6),
        "remove": round(remove_t, 6) if remove_t < NEVER else NEVER,
        "basis": f"validation: {binding} {bounds[binding][1]}",
        "bounds": {name: round(value, 6) for name, (value, _) in bounds.items()},
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
