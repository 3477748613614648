"""Highlighted snippets, built in Python from the original text and the analysed query terms.

Both backends use this, so snippets look the same whatever the engine. The engines only ever see
segmented text (jieba runs here, not in the engine), and their own highlighters would show the
segmentation spaces in Chinese text.
"""
from collections.abc import Sequence

from markupsafe import escape

from search.analysis import normalize

ELLIPSIS = "…"


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of `text` where a term occurs, found on normalised text.

    Latin and digit terms only match whole words, so "pro" does not light up inside "product".
    """
    if not text or not terms:
        return []
    # Normalise per character so every normalised position maps back to an original one.
    pieces = [normalize(ch) for ch in text]
    origin = [i for i, piece in enumerate(pieces) for _ in piece]
    flat = "".join(pieces)
    spans = []
    for term in {t for t in terms if t}:
        whole_word = all(_ascii_word(ch) or ch in "-_.+#" for ch in term)
        start = flat.find(term)
        while start != -1:
            end = start + len(term)
            if not whole_word or ((start == 0 or not _ascii_word(flat[start - 1]))
                                  and (end == len(flat) or not _ascii_word(flat[end]))):
                spans.append((origin[start], origin[end - 1] + 1))
            start = flat.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _mark(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out, pos = [], lo
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f"<em>{escape(text[start:end])}</em>")
        pos = end
    out.append(str(escape(text[pos:hi])))
    return "".join(out)


def highlight(text: str, terms: Sequence[str], *, fragment_chars: int | None = None) -> str | None:
    """HTML with matches in <em>, or None when nothing matches.

    With `fragment_chars`, only the window of about that many characters holding the most
    matches is returned, with an ellipsis where text was cut.
    """
    spans = match_spans(text, terms)
    if not spans:
        return None
    if fragment_chars is None or len(text) <= fragment_chars:
        return _mark(text, spans, 0, len(text))
    best_lo, best_hits = 0, -1
    for start, _ in spans:
        lo = max(0, min(start - fragment_chars // 4, len(text) - fragment_chars))
        hits = sum(1 for s, e in spans if s >= lo and e <= lo + fragment_chars)
        if hits > best_hits:
            best_lo, best_hits = lo, hits
    hi = min(len(text), best_lo + fragment_chars)
    return ((ELLIPSIS if best_lo > 0 else "") + _mark(text, spans, best_lo, hi)
            + (ELLIPSIS if hi < len(text) else ""))


def highlights(title: str, body: str, terms: Sequence[str], *, fragment_chars: int = 80) -> dict[str, str]:
    """The `Hit.highlights` of a post: "title" and/or "body", only where a term matches."""
    found = {"title": highlight(title, terms), "body": highlight(body, terms, fragment_chars=fragment_chars)}
    return {name: html for name, html in found.items() if html is not None}
