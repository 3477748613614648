"""The classification cascade: normalise -> rules -> fast model -> transformer (where one is
configured) -> context signals -> per-label thresholds -> decision band.

``classify(texts, context)`` is the entry point for the service and the workers. It uses the
promoted model under ``MODERATION_MODEL_DIR``, loaded once per process on first call (never at
import); without any model it runs the rules alone with default thresholds, so a verdict is
always possible. ``reload()`` drops the cached model (after a promotion).

A label's score is the larger of the model score and the rule score (noisy-OR of the rule hits):
a strong rule (a WeChat handle, 百家乐; rule score >= ``STRONG_RULE``) is enough on its own, and the
model covers what no rule lists. A weaker rule score (a bare phone number, 微商, 看片) counts on its
own only where the model has not learnt the label from ample data (``LEARNT_POSITIVES``); where it
has, the fired rules are among its features and it weighs them in context. On validation, bare
mid-strength hits were most of the SMS false alarms ("请拾到者与138...联系", "南京赴十年之约吗");
the labels that rules and the project set carry (spam.adult, spam.gambling, fake.*: a few hundred
positives or fewer, of one source's style) lost recall on the project set when their rules were
left to the model, so they keep them. With a transformer the model score is the mean of the fast
and transformer models (engine ``ensemble``). The default engine is the one training found best on validation (in the
manifest); ``MODERATION_ENGINE`` can pin ``fast``, ``transformer`` or ``ensemble``.

Decision: ``remove`` if any violation label reaches its remove threshold, else ``review`` if any
reaches its review threshold (or a collaboration post lacks its disclosure), else ``allow``.
``complaint`` is not a violation: it fills ``complaint`` and never changes the decision.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from moderation import registry
from moderation.config import model_root
from moderation.labels import ALLOW, LABELS, REMOVE, REVIEW, VIOLATION_LABELS
from moderation.rules.engine import RuleResult, match
from moderation.signals.context import apply_context
from moderation.text.normalize import normalize
from moderation.thresholds import default_thresholds
from moderation.triage import triage

RULES_ONLY = "rules-only"
ENGINES = ("fast", "transformer", "ensemble")
# A rule score at least this high decides on its own (lexicon.py: strong terms are >= 0.8).
STRONG_RULE = 0.8
# A fast-model head trained on at least this many positives has learnt its label (spam.ad, spam.fraud,
# abuse, complaint on the shared data); a weaker rule is only a feature there.
LEARNT_POSITIVES = 2000


@dataclass
class Verdict:
    scores: dict[str, float]
    labels: list[str]
    decision: str
    complaint: dict | None
    model_version: str
    engine: str
    evidence: list[dict]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Scored:
    """Intermediate scores for a batch, kept for evaluation and benchmarks."""

    norms: list[str]
    rules: list[RuleResult]
    matrix: object | None
    fast: np.ndarray | None
    transformer: np.ndarray | None
    # per label: whether the model has learnt it from ample data (None: no model)
    learnt: np.ndarray | None = None

    def model_scores(self, engine: str) -> np.ndarray | None:
        if engine == "rules":
            return None
        if engine == "fast":
            return self.fast
        if engine == "transformer":
            return self.transformer
        if self.fast is not None and self.transformer is not None:
            return (self.fast + self.transformer) / 2
        return self.fast if self.fast is not None else self.transformer

    def combined(self, engine: str) -> np.ndarray:
        rule_scores = np.array([[r.scores[label] for label in LABELS] for r in self.rules]).reshape(-1, len(LABELS))
        model = self.model_scores(engine)
        if model is None:
            return rule_scores
        # below STRONG_RULE a rule is left to the model that learnt the label (it is a feature there)
        if self.learnt is not None:
            rule_scores = np.where(self.learnt & (rule_scores < STRONG_RULE), 0.0, rule_scores)
        return np.maximum(model, rule_scores)


class Cascade:
    def __init__(self, bundle: registry.ModelBundle | None, engine: str | None = None) -> None:
        self.bundle = bundle
        self.version = bundle.version if bundle else RULES_ONLY
        if engine is None and bundle is not None:
            engine = bundle.manifest.get("default_engine")
        if engine is None:
            engine = "ensemble" if bundle is not None and bundle.has_transformer else "fast"
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; one of {ENGINES}")
        if engine != "fast" and (bundle is None or not bundle.has_transformer):
            raise ValueError(f"engine {engine!r} needs a model version with a transformer")
        self.engine = engine if bundle is not None else "rules"
        self.thresholds = (bundle.thresholds.get(engine) if bundle else None) or default_thresholds()

    # scoring --------------------------------------------------------------------------------
    def score(self, texts: list[str], normalized: bool = False, batch_size: int = 64) -> Scored:
        norms = list(texts) if normalized else [normalize(text or "") for text in texts]
        rules = [match(norm) for norm in norms]
        fast_model = self.bundle.fast if self.bundle else None
        matrix = fast_scores = transformer_scores = heads = None
        if fast_model is not None:
            matrix = fast_model.transform(norms, [r.tags for r in rules])
            fast_scores = fast_model.predict_matrix(matrix)
            heads = np.array([label in fast_model.heads
                              and fast_model.trained_on.get(label, {}).get("positive", 0) >= LEARNT_POSITIVES
                              for label in LABELS])
        if self.engine in ("transformer", "ensemble"):
            transformer_scores = self.bundle.transformer().predict_proba(norms, batch_size=batch_size)
        return Scored(norms, rules, matrix, fast_scores, transformer_scores, heads)

    # verdicts -------------------------------------------------------------------------------
    def classify(self, texts: list[str], context: list[dict | None] | None = None) -> list[Verdict]:
        if context is not None and len(context) != len(texts):
            raise ValueError("context must be None or have one entry per text")
        if not texts:
            return []
        scored = self.score(texts)
        combined = scored.combined(self.engine)
        review = np.array([self.thresholds[label]["review"] for label in LABELS])
        remove = np.array([self.thresholds[label]["remove"] for label in LABELS])
        violation = np.array([label in VIOLATION_LABELS for label in LABELS])
        rounded = np.round(combined, 6)
        score_rows = rounded.tolist()
        flag_rows = (rounded >= review).tolist()
        removes = ((rounded >= review) & violation & (rounded >= remove)).any(axis=1).tolist()
        reviews = ((rounded >= review) & violation).any(axis=1).tolist()
        rows = []
        for row in range(len(texts)):
            scores = dict(zip(LABELS, score_rows[row]))
            flags, to_remove, to_review = flag_rows[row], removes[row], reviews[row]
            context_evidence: list[dict] = []
            if context and context[row]:
                scores, context_evidence, force_review = apply_context(scores, context[row])
                vector = np.array([scores[label] for label in LABELS])
                flagged = vector >= review
                flags = flagged.tolist()
                to_remove = bool((flagged & violation & (vector >= remove)).any())
                to_review = bool((flagged & violation).any()) or force_review
            decision = REMOVE if to_remove else REVIEW if to_review else ALLOW
            labels = [label for label, flagged in zip(LABELS, flags) if flagged]
            rows.append((scores, labels, decision, context_evidence))
        complaints = self._triage(scored, [i for i, row in enumerate(rows) if "complaint" in row[1]])
        verdicts = []
        for row, (scores, labels, decision, context_evidence) in enumerate(rows):
            evidence = [hit.as_evidence() for hit in scored.rules[row].hits] + context_evidence
            if scored.matrix is not None:
                for label in labels:
                    terms = self.bundle.fast.top_terms(scored.matrix, row, label)
                    if terms:
                        evidence.append({"rule": "model.top_terms", "label": label, "terms": terms})
            verdicts.append(
                Verdict(scores, labels, decision, complaints.get(row), self.version, self.engine, evidence)
            )
        return verdicts

    def _triage(self, scored: Scored, rows: list[int]) -> dict[int, dict]:
        """Category and severity for the rows flagged as complaints (the triage heads run on those only)."""
        if not rows:
            return {}
        category_probs = severity_probs = None
        if scored.matrix is not None:
            category_probs, severity_probs = self.bundle.fast.triage(scored.matrix[rows])
        return {
            row: triage(
                scored.rules[row],
                None if category_probs is None else category_probs[k],
                None if severity_probs is None else severity_probs[k],
            )
            for k, row in enumerate(rows)
        }


_cached: dict[tuple, Cascade] = {}
_lock = threading.Lock()


def get_cascade(config: Mapping | None = None) -> Cascade:
    """The process-wide cascade for the promoted model (loaded on first use)."""
    root = model_root(config)
    engine = (config or {}).get("MODERATION_ENGINE") or os.environ.get("MODERATION_ENGINE") or None
    key = (str(root), registry.current_version(root), engine)
    with _lock:
        if key not in _cached:
            _cached.clear()
            _cached[key] = Cascade(registry.load_current(root), engine=engine)
        return _cached[key]


def reload() -> None:
    with _lock:
        _cached.clear()


def classify(texts: list[str], context: list[dict | None] | None = None, config: Mapping | None = None) -> list[Verdict]:
    """Classify posts with the promoted model; see the module docstring."""
    return get_cascade(config).classify(texts, context)
