"""Sparse features shared by the fast model and the complaint triage: jieba words, character
n-grams and the names of the rules that fired, all on normalised text.

Digits are folded to ``0`` before the words and n-grams are taken: the shape of a number (a price
``0.0元``, a year ``0000年``, an 11-digit phone) stays, its digits go. Two of the training sources
mask their digits (SMS ``x``, FBS ``DIGIT``) and the loaders put random digits back, so digit
identity was a source fingerprint: the spam head had learnt ``4``, ``9``, ``7`` as spam and
``2015``, ``00`` as clean. Rules still see the real digits.

Term weights are sublinear term frequency without IDF. The IDF of a corpus mixed from several
sources is itself a fingerprint: a term frequent in one large source (the shopping reviews) weighs
little everywhere, one frequent only in SMS weighs a lot. A spam head trained on the SMS rows alone
scored SMS test F1 0.944-0.947 on mixture-IDF features and 0.970-0.978 on the same features
without IDF; in 5-fold cross-validation of the whole spam cascade over the SMS training rows,
dropping IDF together with the spam.ad companion head (``FastModel.companions``) moved SMS
any-spam F1 from 0.927 to 0.947, on every fold.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

_KEEP = re.compile(r"[\w]", re.UNICODE)
_DIGITS = str.maketrans("123456789", "000000000")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba tokenizer, initialised on first use (it loads a dictionary)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _lock:
        tokenizer.initialize()
    return tokenizer


def words(text: str) -> list[str]:
    """jieba words of normalised text, punctuation and spaces left out."""
    return [token for token in _tokenizer().lcut(text, HMM=False) if _KEEP.search(token)]


def _identity(tokens):
    return tokens


def fold_digits(text: str) -> str:
    return text.translate(_DIGITS)


class FeatureSpace:
    """Fitted vectorizers; ``transform`` turns normalised texts and rule tags into one matrix."""

    def __init__(self, max_word_features: int = 120_000, max_char_features: int = 200_000) -> None:
        self.words = TfidfVectorizer(
            analyzer=_identity, min_df=2, max_features=max_word_features, sublinear_tf=True, use_idf=False,
            dtype=np.float32,
        )
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), min_df=2, max_features=max_char_features,
            sublinear_tf=True, use_idf=False, dtype=np.float32,
        )
        self.rules = TfidfVectorizer(analyzer=_identity, use_idf=False, norm=None, binary=True, dtype=np.float32)
        self._names: np.ndarray | None = None
        self.fold_digits = True

    def prepare(self, texts: list[str]) -> list[str]:
        """The text the word and n-gram features read (models saved before folding: unchanged)."""
        return [fold_digits(text) for text in texts] if getattr(self, "fold_digits", False) else list(texts)

    def fit(self, texts: list[str], tags: list[list[str]]) -> FeatureSpace:
        texts = self.prepare(texts)
        self.words.fit([words(text) for text in texts])
        self.chars.fit(texts)
        self.fit_rules(tags)
        return self

    def fit_rules(self, tags: list[list[str]]) -> None:
        # every rule name is a column, fired or not in the training data
        from moderation.rules.contacts import CONTACT_RULES
        from moderation.rules.lexicon import LEXICON

        vocabulary = ([rule.name for rule in CONTACT_RULES] + [f"lexicon.{label}" for label in LEXICON]
                      + [f"lexicon.{label}.weak" for label in LEXICON])
        self.rules.fit([vocabulary + ["counterfeit.received"]] + tags)

    def transform(self, texts: list[str], tags: list[list[str]], tokens: list[list[str]] | None = None):
        texts = self.prepare(texts)
        tokens = tokens if tokens is not None else [words(text) for text in texts]
        return sparse.hstack(
            [self.words.transform(tokens), self.chars.transform(texts), self.rules.transform(tags)],
            format="csr",
        )

    @property
    def names(self) -> np.ndarray:
        if self._names is None:
            self._names = np.concatenate(
                [
                    self.words.get_feature_names_out(),
                    np.char.add("“", np.char.add(self.chars.get_feature_names_out().astype(str), "”")),
                    np.char.add("rule:", self.rules.get_feature_names_out().astype(str)),
                ]
            )
        return self._names

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_names"] = None
        return state
