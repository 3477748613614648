"""Metrics for a cascade on labelled examples, and the evaluation suites of issue 3.

Every metric counts only the examples whose label is known (see ``Example.labels``). A label is
predicted when its score reaches the review threshold. Suites on the shared data (each on its
source's test split): SMS spam detection (any spam.* vs none), JD fake.review (product-disjoint),
shopping complaint detection (negative reviews as complaints), zhijiang complaint category
macro-F1 (negative aspects), false-positive rate of every spam.*, fake.* and abuse label on
positive shopping reviews; and every label on the project-written test split. Also tg_spam
detection (any spam.* on obfuscated chat spam, which no model was trained on as positives).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from moderation.datasets.example import Example
from moderation.labels import COMPLAINT_CATEGORIES, LABELS, SEVERITIES, SPAM_LABELS
from moderation.triage import triage

FP_LABELS = SPAM_LABELS + ("fake.counterfeit", "fake.review", "abuse")


def prf(predicted: np.ndarray, truth: np.ndarray) -> dict:
    tp = int((predicted & truth).sum())
    fp = int((predicted & ~truth).sum())
    fn = int((~predicted & truth).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "support": int(truth.sum()), "n": int(len(truth)),
    }


def macro_f1_of(gold: list[str], predicted: list[str], classes: tuple[str, ...]) -> tuple[float, dict]:
    per_class = {}
    for name in classes:
        g = np.array([x == name for x in gold], dtype=bool)
        p = np.array([x == name for x in predicted], dtype=bool)
        if g.sum():
            per_class[name] = prf(p, g)
    macro = float(np.mean([m["f1"] for m in per_class.values()])) if per_class else 0.0
    return round(macro, 4), per_class


def confusion(gold: list[str], predicted: list[str], classes: tuple[str, ...]) -> dict:
    counts = Counter(zip(gold, predicted))
    return {g: {p: counts.get((g, p), 0) for p in classes} for g in classes if any(x == g for x in gold)}


class Predictions:
    """Scores, label decisions and triage for examples, under one engine's thresholds."""

    def __init__(self, examples: list[Example], scored, engine: str, thresholds: dict, fast_model=None) -> None:
        self.examples = examples
        self.scores = scored.combined(engine)
        review = np.array([thresholds[label]["review"] for label in LABELS])
        self.flags = self.scores >= review
        self.rules = scored.rules
        self.category_probs = self.severity_probs = None
        if fast_model is not None and scored.matrix is not None:
            self.category_probs, self.severity_probs = fast_model.triage(scored.matrix)

    def triaged(self, row: int) -> dict:
        return triage(
            self.rules[row],
            None if self.category_probs is None else self.category_probs[row],
            None if self.severity_probs is None else self.severity_probs[row],
        )

    def subset(self, keep) -> list[int]:
        return [i for i, example in enumerate(self.examples) if keep(example)]

    def label_report(self, rows: list[int]) -> dict:
        report = {}
        for column, label in enumerate(LABELS):
            known = [i for i in rows if label in self.examples[i].labels]
            if not known:
                continue
            truth = np.array([self.examples[i].labels[label] == 1 for i in known])
            report[label] = prf(self.flags[known, column], truth)
        supported = [m["f1"] for m in report.values() if m["support"]]
        return {"labels": report, "macro_f1": round(float(np.mean(supported)), 4) if supported else 0.0}

    def triage_report(self, rows: list[int]) -> dict:
        """Category and severity against gold, on the gold complaints (triage given a complaint)."""
        result: dict = {}
        cat_rows = [i for i in rows if self.examples[i].category]
        if cat_rows:
            gold = [self.examples[i].category for i in cat_rows]
            predicted = [self.triaged(i)["category"] for i in cat_rows]
            macro, per_class = macro_f1_of(gold, predicted, COMPLAINT_CATEGORIES)
            result["category"] = {
                "macro_f1": macro, "n": len(cat_rows), "per_class": per_class,
                "confusion": confusion(gold, predicted, COMPLAINT_CATEGORIES),
            }
        sev_rows = [i for i in rows if self.examples[i].severity]
        if sev_rows:
            gold = [self.examples[i].severity for i in sev_rows]
            predicted = [self.triaged(i)["severity"] for i in sev_rows]
            macro, per_class = macro_f1_of(gold, predicted, SEVERITIES)
            result["severity"] = {
                "macro_f1": macro, "n": len(sev_rows), "per_class": per_class,
                "confusion": confusion(gold, predicted, SEVERITIES),
            }
        return result


def suites(predictions: Predictions) -> dict:
    """The issue's evaluation suites over whatever sources the examples come from."""
    p = predictions
    out: dict = {}
    spam_columns = [LABELS.index(label) for label in SPAM_LABELS]

    sms = p.subset(lambda e: e.source == "sms80w")
    if sms:
        truth = np.array([p.examples[i].meta["spam"] for i in sms])
        out["sms_spam_detection"] = prf(p.flags[np.ix_(sms, spam_columns)].any(axis=1), truth)
    tg = p.subset(lambda e: e.source == "tg_spam")
    if tg:
        truth = np.array([p.examples[i].meta["spam"] for i in tg])
        out["tg_spam_detection"] = prf(p.flags[np.ix_(tg, spam_columns)].any(axis=1), truth)
    jd = p.subset(lambda e: e.source == "jd" and "fake.review" in e.labels)
    if jd:
        truth = np.array([p.examples[i].labels["fake.review"] == 1 for i in jd])
        out["jd_fake_review"] = prf(p.flags[jd, LABELS.index("fake.review")], truth)
    shop = p.subset(lambda e: e.source == "shopping" and "complaint" in e.labels)
    if shop:
        truth = np.array([p.examples[i].labels["complaint"] == 1 for i in shop])
        out["shopping_complaint_detection"] = prf(p.flags[shop, LABELS.index("complaint")], truth)
    zj = p.subset(lambda e: e.source == "zhijiang" and e.category)
    if zj:
        out["zhijiang_complaint_category"] = p.triage_report(zj)["category"]
    positive = p.subset(lambda e: e.source == "shopping" and e.meta.get("positive"))
    if positive:
        out["shopping_positive_fp_rate"] = {
            label: {
                "fp_rate": round(float(p.flags[positive, LABELS.index(label)].mean()), 4),
                "flagged": int(p.flags[positive, LABELS.index(label)].sum()),
                "n": len(positive),
            }
            for label in FP_LABELS
        }
    project = p.subset(lambda e: e.source == "project")
    if project:
        out["project"] = p.label_report(project) | p.triage_report(project)
    out["all"] = p.label_report(list(range(len(p.examples))))
    return out


def format_table(report: dict) -> str:
    """A plain-text table of an evaluation report (engine -> suites)."""
    lines = []
    for engine, result in report.items():
        if not isinstance(result, dict) or "all" not in result:
            continue
        lines.append(f"== engine: {engine}")
        for name in ("sms_spam_detection", "tg_spam_detection", "jd_fake_review", "shopping_complaint_detection"):
            if name in result:
                m = result[name]
                lines.append(f"{name:32s} P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f} support={m['support']} n={m['n']}")
        if "zhijiang_complaint_category" in result:
            lines.append(f"{'zhijiang_complaint_category':32s} macro-F1={result['zhijiang_complaint_category']['macro_f1']:.4f} n={result['zhijiang_complaint_category']['n']}")
        if "shopping_positive_fp_rate" in result:
            rates = result["shopping_positive_fp_rate"]
            lines.append("shopping positive FP rate        " + "  ".join(f"{k}={v['fp_rate']:.4f}" for k, v in rates.items()))
        for section in ("project", "all"):
            if section not in result:
                continue
            lines.append(f"-- {section} split: macro-F1 {result[section]['macro_f1']:.4f}")
            lines.append(f"   {'label':18s} {'P':>7s} {'R':>7s} {'F1':>7s} {'support':>8s} {'n':>7s}")
            for label, m in result[section]["labels"].items():
                lines.append(f"   {label:18s} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f} {m['support']:8d} {m['n']:7d}")
            for kind in ("category", "severity"):
                if kind in result[section]:
                    block = result[section][kind]
                    lines.append(f"   complaint {kind}: macro-F1 {block['macro_f1']:.4f} (n={block['n']}); confusion gold -> predicted:")
                    for gold, row in block["confusion"].items():
                        lines.append(f"     {gold:22s} " + " ".join(f"{k}:{v}" for k, v in row.items() if v))
    return "\n".join(lines)
