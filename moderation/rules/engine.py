"""Rules over normalised text: contact handles and lexicons, each hit kept as evidence.

Lexicon terms are matched in one pass with an Aho-Corasick automaton (pyahocorasick), built once
per process on first use. A counterfeit term is read in its context: a buyer who says they
received a fake ("收到的是高仿") is complaining, which is evidence for ``complaint`` with category
``counterfeit_received``, not for ``fake.counterfeit``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from moderation.labels import LABELS
from moderation.rules import lexicon
from moderation.rules.contacts import find_contacts

_CUE_WINDOW = 8
WEAK_HIT = 0.5
_ASCII_ALNUM = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Hit:
    """One piece of rule evidence. ``span`` indexes the normalised text."""

    rule: str
    label: str
    span: tuple[int, int]
    text: str
    strength: float

    def as_evidence(self) -> dict:
        return {"rule": self.rule, "label": self.label, "span": list(self.span), "text": self.text,
                "strength": self.strength}


@dataclass(frozen=True)
class RuleResult:
    hits: list[Hit]
    scores: dict[str, float]
    # complaint wording found: category -> cue texts; severity floor from wording
    complaint_cues: dict[str, list[str]]
    severity_floor: str | None

    @property
    def tags(self) -> list[str]:
        """Rule names fired, as extra tokens for the fast model. A lexicon hit weaker than
        WEAK_HIT is its own token (朋友圈, 扫码 are everyday words that spam also uses), so the
        model does not give it the weight of 加微信."""
        return sorted({hit.rule + (".weak" if hit.rule.startswith("lexicon.") and hit.strength < WEAK_HIT else "")
                       for hit in self.hits})


@lru_cache(maxsize=1)
def _automaton():
    import ahocorasick

    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, str, float]]] = {}

    def add(term: str, kind: str, name: str, strength: float) -> None:
        entries.setdefault(term, []).append((kind, name, strength))

    for label, terms in lexicon.LEXICON.items():
        for term, strength in terms.items():
            add(term, "label", label, strength)
    for term in lexicon.ALLOW_TERMS:
        add(term, "allow", "", 0.0)
    for category, terms in lexicon.COMPLAINT_CATEGORY_CUES.items():
        for term in terms:
            add(term, "category", category, 0.0)
    for severity, terms in lexicon.SEVERITY_CUES.items():
        for term in terms:
            add(term, "severity", severity, 0.0)
    for term, values in entries.items():
        automaton.add_word(term, (term, tuple(values)))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _cue_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    received = re.compile("|".join(map(re.escape, lexicon.COUNTERFEIT_RECEIVED_CUES)))
    negation = re.compile("|".join(map(re.escape, lexicon.COUNTERFEIT_NEGATION_CUES)))
    return received, negation


def _at_word_boundary(text: str, start: int, end: int, term: str) -> bool:
    # Latin and digit terms must not sit inside a longer Latin word or number (usb is not sb).
    if _ASCII_ALNUM.match(term[0]) and start > 0 and _ASCII_ALNUM.match(text[start - 1]):
        return False
    if _ASCII_ALNUM.match(term[-1]) and end < len(text) and _ASCII_ALNUM.match(text[end]):
        return False
    return True


def noisy_or(strengths: list[float]) -> float:
    """Combine independent pieces of evidence: 1 - prod(1 - s)."""
    remaining = 1.0
    for strength in strengths:
        remaining *= 1.0 - strength
    return 1.0 - remaining


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    # "刷单兼职" also contains "刷单": count the longer term only, or noisy-OR counts it twice.
    if len(hits) < 2:
        return hits
    return [
        hit
        for hit in hits
        if not any(
            other is not hit
            and other.label == hit.label
            and other.span[0] <= hit.span[0]
            and hit.span[1] <= other.span[1]
            and other.span != hit.span
            for other in hits
        )
    ]


def match(text: str) -> RuleResult:
    """Apply every rule to normalised ``text``."""
    hits: list[Hit] = []
    cues: dict[str, list[str]] = {}
    severity_floor: str | None = None
    raw: list[tuple[int, int, str, tuple]] = []
    allowed: list[tuple[int, int]] = []
    for end_index, (term, values) in _automaton().iter(text) if text else ():
        start, end = end_index - len(term) + 1, end_index + 1
        if not _at_word_boundary(text, start, end, term):
            continue
        if any(kind == "allow" for kind, _, _ in values):
            allowed.append((start, end))
        raw.append((start, end, term, values))

    received, negation = _cue_patterns()
    severities = ("low", "medium", "high", "critical")
    for start, end, term, values in raw:
        if any(a_start <= start and end <= a_end for a_start, a_end in allowed):
            continue
        for kind, name, strength in values:
            if kind == "category":
                cues.setdefault(name, []).append(term)
            elif kind == "severity":
                if severity_floor is None or severities.index(name) > severities.index(severity_floor):
                    severity_floor = name
                if name == "critical" and not any(h.rule == "complaint.safety_incident" for h in hits):
                    # a fire, an injury, a poisoning: in a shopping community that is a complaint
                    hits.append(Hit("complaint.safety_incident", "complaint", (start, end), term, 0.6))
            elif kind == "label" and name == "fake.counterfeit":
                before = text[max(0, start - _CUE_WINDOW) : start]
                if received.search(before):
                    hits.append(Hit("counterfeit.received", "complaint", (start, end), term, 0.5))
                    cues.setdefault("counterfeit_received", []).append(term)
                elif not negation.search(before):
                    hits.append(Hit(f"lexicon.{name}", name, (start, end), term, strength))
            elif kind == "label":
                hits.append(Hit(f"lexicon.{name}", name, (start, end), term, strength))
    if "counterfeit_received" in cues and not any(h.label == "complaint" for h in hits):
        term = cues["counterfeit_received"][0]
        start = text.find(term)
        hits.append(Hit("counterfeit.received", "complaint", (start, start + len(term)), term, 0.5))

    hits = _drop_nested(hits)
    for contact in find_contacts(text):
        hits.append(Hit(contact.rule, "spam.ad", (contact.start, contact.end), contact.text, contact.strength))

    scores = {label: 0.0 for label in LABELS}
    by_label: dict[str, list[float]] = {}
    for hit in hits:
        by_label.setdefault(hit.label, []).append(hit.strength)
    for label, strengths in by_label.items():
        # One everyday word alone (朋友圈, 扫码) is left to the model; two or more add up.
        if len(strengths) == 1 and strengths[0] < WEAK_HIT:
            continue
        scores[label] = round(noisy_or(strengths), 4)
    hits.sort(key=lambda hit: (hit.span, hit.rule))
    return RuleResult(hits=hits, scores=scores, complaint_cues=cues, severity_floor=severity_floor)
