"""Non-text signals the service passes with a post, folded into the scores.

Each signal shifts the log-odds of some labels by a fixed amount (table ``EFFECTS``); the
shifted scores then meet the same thresholds as text-only scores. Every signal that changed a
score is added to the evidence with its effect, so a moderator sees why. The amounts are
deliberately modest: a signal alone moves a borderline post into review, it does not remove a
clean one. A creator's collaboration post without the sponsored disclosure is the exception:
it is always at least ``review`` (``force_review``), as the disclosure is a rule, not a guess.

Context keys (all optional): verified_purchase (bool), account_age_days (int), trust_level
(0-4), posts_last_hour (int), near_duplicate_accounts (int: other accounts that posted a
near-duplicate text), reused_photo (bool: a photo of this haul appears in another member's
haul), collaboration_without_disclosure (bool).
"""

from __future__ import annotations

import math

from moderation.labels import SPAM_LABELS

_SPAM = SPAM_LABELS


def _effects(context: dict) -> list[tuple[str, object, dict[str, float]]]:
    """(signal, value, {label: log-odds shift}) for each signal present that has an effect."""
    effects = []
    verified = context.get("verified_purchase")
    if verified is True:
        effects.append(("verified_purchase", True, {"fake.review": -1.0, "fake.counterfeit": -0.5}))
    elif verified is False:
        effects.append(("verified_purchase", False, {"fake.review": 0.4}))
    age = context.get("account_age_days")
    if age is not None and age < 3:
        effects.append(("account_age_days", age, {**{l: 0.7 for l in _SPAM}, "fake.review": 0.5}))
    elif age is not None and age < 14:
        effects.append(("account_age_days", age, {l: 0.3 for l in _SPAM}))
    trust = context.get("trust_level")
    if trust is not None and trust >= 3:
        effects.append(("trust_level", trust, {**{l: -0.8 for l in _SPAM}, "fake.review": -0.5}))
    elif trust == 0:
        effects.append(("trust_level", trust, {l: 0.3 for l in _SPAM}))
    rate = context.get("posts_last_hour")
    if rate is not None and rate >= 20:
        effects.append(("posts_last_hour", rate, {**{l: 1.5 for l in _SPAM}, "fake.review": 0.8}))
    elif rate is not None and rate >= 6:
        effects.append(("posts_last_hour", rate, {**{l: 0.7 for l in _SPAM}, "fake.review": 0.4}))
    duplicates = context.get("near_duplicate_accounts")
    if duplicates:
        shift = 1.5 if duplicates >= 3 else 0.8
        effects.append(("near_duplicate_accounts", duplicates, {"spam.ad": shift, "spam.fraud": shift, "fake.review": shift}))
    if context.get("reused_photo"):
        effects.append(("reused_photo", True, {"fake.review": 1.5, "fake.counterfeit": 0.5}))
    return effects


def _shift(probability: float, delta: float) -> float:
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return 1 / (1 + math.exp(-(math.log(p / (1 - p)) + delta)))


def apply_context(scores: dict[str, float], context: dict | None) -> tuple[dict[str, float], list[dict], bool]:
    """Return (adjusted scores, evidence, force_review)."""
    if not context:
        return scores, [], False
    adjusted = dict(scores)
    evidence = []
    for signal, value, shifts in _effects(context):
        for label, delta in shifts.items():
            adjusted[label] = round(_shift(adjusted[label], delta), 6)
        evidence.append({"signal": signal, "value": value, "effect": shifts})
    force_review = bool(context.get("collaboration_without_disclosure"))
    if force_review:
        evidence.append(
            {"signal": "collaboration_without_disclosure", "value": True, "effect": "at least review: 合作内容未标注广告/合作"}
        )
    return adjusted, evidence, force_review
