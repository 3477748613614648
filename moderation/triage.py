"""Complaint triage: category and severity from the triage model and the wording.

Category: the model's probability per category plus a bonus for each category whose cue words
occur (0.35; 0.6 for safety and counterfeit_received, which must not be missed: they are routed
with priority). Without a model the cues alone decide, and ``other`` when there are none.
Severity: the model's choice (or a per-category default without one), raised to the floor the
wording sets (住院 -> critical, 过敏 -> high ...), and a safety complaint is at least high.
"""

from __future__ import annotations

import numpy as np

from moderation.labels import COMPLAINT_CATEGORIES, SEVERITIES, severity_at_least
from moderation.rules.engine import RuleResult

CUE_BONUS = 0.35
PRIORITY_CUE_BONUS = 0.6
PRIORITY = ("safety", "counterfeit_received")
DEFAULT_SEVERITY = {"safety": "high", "counterfeit_received": "medium", "after_sales": "medium"}


def triage(rules: RuleResult, category_probs: np.ndarray | None, severity_probs: np.ndarray | None) -> dict:
    scores = np.zeros(len(COMPLAINT_CATEGORIES)) if category_probs is None else category_probs.copy()
    for category in rules.complaint_cues:
        bonus = PRIORITY_CUE_BONUS if category in PRIORITY else CUE_BONUS
        scores[COMPLAINT_CATEGORIES.index(category)] += bonus
    if scores.max() <= 0:
        category = "other"
    else:
        category = COMPLAINT_CATEGORIES[int(np.argmax(scores))]
    if severity_probs is not None:
        severity = SEVERITIES[int(np.argmax(severity_probs))]
    else:
        severity = DEFAULT_SEVERITY.get(category, "low")
    if rules.severity_floor:
        severity = severity_at_least(severity, rules.severity_floor)
    if category == "safety":
        severity = severity_at_least(severity, "high")
    return {"category": category, "severity": severity}
