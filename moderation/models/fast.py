"""The fast model: one calibrated linear classifier per label over words, character n-grams and
rule names; plus the complaint triage (category and severity) on the same features.

Each label is trained only on the examples whose source knows that label (see
``moderation.datasets.example.Example``). A label with too few examples of either class has no
head and scores 0 from the model; rules still score it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression

from moderation.labels import COMPLAINT_CATEGORIES, LABELS, SEVERITIES
from moderation.models.features import FeatureSpace, words

log = logging.getLogger(__name__)

MIN_PER_CLASS = 6


@dataclass
class TrainingSet:
    """Normalised texts, rule tags and per-label targets (-1 where unknown)."""

    texts: list[str]
    tags: list[list[str]]
    targets: np.ndarray  # (n, len(LABELS)) with 1, 0 or -1
    categories: list[str | None]
    severities: list[str | None]
    weights: np.ndarray | None = None  # per example; None: all 1
    sources: list[str] | None = None  # per example, for the companion heads; None: no companions


def _linear(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)


def _multiclass(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=3000)


class FastModel:
    kind = "fast"

    def __init__(
        self, C: float = 8.0, label_C: dict[str, float] | None = None,
        companions: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.C = C
        # a per-label regularisation where one label wants another than the rest (training.HEAD_C)
        self.label_C = dict(label_C or {})
        # label -> sources: a second head for the label trained on those sources alone; the label's
        # score is the geometric mean of both heads (training.COMPANION_SOURCES says why)
        self.companions = dict(companions or {})
        self.companion_heads: dict[str, CalibratedClassifierCV] = {}
        self.space = FeatureSpace()
        self.heads: dict[str, CalibratedClassifierCV] = {}
        self.category_head: LogisticRegression | None = None
        self.severity_head: LogisticRegression | None = None
        self.trained_on: dict[str, dict[str, int]] = {}

    # training -------------------------------------------------------------------------------
    def fit(self, data: TrainingSet, progress=None) -> FastModel:
        texts = self.space.prepare(data.texts)
        tokens = [words(text) for text in (progress(texts, "jieba") if progress else texts)]
        self.space.words.fit(tokens)
        self.space.chars.fit(texts)
        self.space.fit_rules(data.tags)
        matrix = self.space.transform(data.texts, data.tags, tokens)
        labels = progress(LABELS, "labels") if progress else LABELS
        sources = None if data.sources is None else np.asarray(data.sources)
        for label in labels:
            column = data.targets[:, LABELS.index(label)]
            known = column >= 0
            positives, negatives = _class_counts(column, known)
            self.trained_on[label] = {"positive": positives, "negative": negatives}
            if min(positives, negatives) < MIN_PER_CLASS:
                log.warning("no model head for %s: %d positive, %d negative", label, positives, negatives)
                continue
            self.heads[label] = self._fit_head(label, matrix, column, known, data.weights)
            if sources is not None and label in self.companions:
                self._fit_companion(label, matrix, column, known, known & np.isin(sources, self.companions[label]),
                                    data.weights)
        self._fit_triage(matrix, data)
        return self

    def _fit_head(self, label: str, matrix, column: np.ndarray, rows: np.ndarray, weights) -> CalibratedClassifierCV:
        head = CalibratedClassifierCV(_linear(self.C_for(label)), method="sigmoid", cv=3, ensemble=False)
        return head.fit(matrix[rows], column[rows], sample_weight=None if weights is None else weights[rows])

    def _fit_companion(self, label: str, matrix, column, known: np.ndarray, own: np.ndarray, weights) -> None:
        if own.sum() == known.sum():
            return  # it would see what the head saw (the project set alone)
        if min(_class_counts(column, own)) < MIN_PER_CLASS:
            log.warning("no companion head for %s: too few examples in %s", label, self.companions[label])
            return
        self.companion_heads[label] = self._fit_head(label, matrix, column, own, weights)

    def C_for(self, label: str) -> float:
        """The inverse regularisation strength of ``label``'s head (models saved before: ``C``)."""
        return getattr(self, "label_C", {}).get(label, self.C)

    def _fit_triage(self, matrix, data: TrainingSet) -> None:
        rows = [i for i, c in enumerate(data.categories) if c]
        if len({data.categories[i] for i in rows}) >= 2:
            self.category_head = _multiclass(self.C).fit(matrix[rows], [data.categories[i] for i in rows])
        rows = [i for i, s in enumerate(data.severities) if s]
        if len({data.severities[i] for i in rows}) >= 2:
            self.severity_head = _multiclass(self.C).fit(matrix[rows], [data.severities[i] for i in rows])

    # inference ------------------------------------------------------------------------------
    def transform(self, texts: list[str], tags: list[list[str]]):
        return self.space.transform(texts, tags)

    def predict_matrix(self, matrix) -> np.ndarray:
        """Probabilities (n, len(LABELS)); a label without a head scores 0."""
        scores = np.zeros((matrix.shape[0], len(LABELS)), dtype=np.float64)
        companions = getattr(self, "companion_heads", {})
        for label, head in self.heads.items():
            probability = head.predict_proba(matrix)[:, 1]
            if label in companions:
                probability = np.sqrt(probability * companions[label].predict_proba(matrix)[:, 1])
            scores[:, LABELS.index(label)] = probability
        return scores

    def predict_proba(self, texts: list[str], tags: list[list[str]] | None = None) -> np.ndarray:
        tags = tags if tags is not None else [[] for _ in texts]
        return self.predict_matrix(self.transform(texts, tags))

    def triage(self, matrix) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Category and severity probabilities in ``COMPLAINT_CATEGORIES`` / ``SEVERITIES`` order."""
        return (
            _aligned(self.category_head, matrix, COMPLAINT_CATEGORIES),
            _aligned(self.severity_head, matrix, SEVERITIES),
        )

    def top_terms(self, matrix, row: int, label: str, k: int = 5) -> list[dict]:
        """The features that pushed ``label`` up most for one row: evidence for a moderator."""
        head = self.heads.get(label)
        if head is None:
            return []
        coef = head.calibrated_classifiers_[0].estimator.coef_[0]
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        indices, values = matrix.indices[start:end], matrix.data[start:end]
        contributions = values * coef[indices]
        order = np.argsort(-contributions)[:k]
        names = self.space.names
        return [
            {"term": str(names[indices[i]]), "weight": round(float(contributions[i]), 4)}
            for i in order
            if contributions[i] > 0
        ]


def _class_counts(column: np.ndarray, rows: np.ndarray) -> tuple[int, int]:
    """Positives and negatives of a label's target column among ``rows``."""
    y = column[rows]
    return int((y == 1).sum()), int((y == 0).sum())


def _aligned(head: LogisticRegression | None, matrix, classes: tuple[str, ...]) -> np.ndarray | None:
    if head is None:
        return None
    # multinomial logistic regression: softmax of the linear scores, computed directly (the
    # estimator's own predict_proba spends more time validating a small batch than computing it)
    logits = np.asarray(matrix @ head.coef_.T) + head.intercept_
    if logits.shape[1] == 1:
        logits = np.hstack([-logits, logits]) / 2
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    aligned = np.zeros((matrix.shape[0], len(classes)))
    for column, name in enumerate(head.classes_):
        aligned[:, classes.index(name)] = probabilities[:, column]
    return aligned
