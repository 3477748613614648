"""Text analysis shared by indexing and queries: normalisation and jieba segmentation.

Documents are cut in jieba's search mode (every word plus the shorter dictionary words inside it),
queries in precise mode, so a query word is always one of the terms its document was indexed with.
A user dictionary built from the catalogue (brand names, product nicknames such as 小黑瓶, circle
vocabulary) keeps those names whole, which is what lets 兰蔻小黑瓶, 小黑瓶 and the SKU title all reach
the same hauls.

Each `Analyzer` owns a private `jieba.Tokenizer`, created on first use (never at import), so two
analyzers with different vocabularies do not share a dictionary. Changing the vocabulary takes
effect for new documents and queries at once; documents indexed before need a rebuild to be cut
with the new words.
"""
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba

# Function words dropped from queries only: requiring them would cost recall and add nothing.
QUERY_STOPWORDS = frozenset("的 了 是 和 与 及 或 在 吗 呢 吧 啊 呀 哦 么 也 就 都 还 很 有 我 你 他 她 它".split())
# Characters jieba would split on anyway and that never belong to a term: replaced by spaces
# before segmentation, so indexing needs no per-token filtering. jieba keeps + # & . % - inside
# words (sk-ii, c++, 3.5), and so do we.
_SEPARATORS = re.compile(r"[^\w+#&.%\-]+")
# Catalogue strings (product titles, brand names) segmented once and remembered: every haul of a
# product repeats its title, so this saves about a sixth of the segmentation work of indexing.
CATALOGUE_CACHE_SIZE = 100_000
# A frequency high enough that a catalogue word beats jieba's own split of it in any context,
# and low enough not to swallow the neighbouring dictionary words.
USER_WORD_FREQ = 20000


def normalize(text: str) -> str:
    """Full-width to half-width, compatibility forms folded (NFKC), then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_term(token: str) -> bool:
    # A term has at least one letter, digit or CJK character; pure punctuation and spaces are not.
    return any(ch.isalnum() for ch in token)


def _vocabulary(words: Iterable[str]) -> frozenset[str]:
    cleaned = set()
    for word in words:
        word = normalize(word or "").strip()
        # jieba cuts at whitespace before looking words up, so a word with a space can never be
        # a single token; its parts are found as ordinary words.
        if len(word) >= 2 and not any(ch.isspace() for ch in word) and _is_term(word):
            cleaned.add(word)
    return frozenset(cleaned)


class Analyzer:
    """Normalises and segments text for the index and for queries.

    Thread-safe: segmentation only reads the dictionary; vocabulary changes are serialised.
    """

    def __init__(self, vocabulary: Iterable[str] = ()):
        self._lock = threading.Lock()
        self._tokenizer: jieba.Tokenizer | None = None
        self._vocabulary = _vocabulary(vocabulary)
        self._applied: frozenset[str] = frozenset()
        self._catalogue: dict[str, str] = {}

    @property
    def vocabulary(self) -> frozenset[str]:
        return self._vocabulary

    def set_vocabulary(self, words: Iterable[str]) -> None:
        """Replace the user dictionary (e.g. when products or brands change)."""
        with self._lock:
            self._vocabulary = _vocabulary(words)
            if self._tokenizer is not None:
                self._apply_vocabulary(self._tokenizer)
            self._catalogue = {}

    def _apply_vocabulary(self, tokenizer: jieba.Tokenizer) -> None:
        for word in self._applied - self._vocabulary:
            tokenizer.del_word(word)
        for word in self._vocabulary - self._applied:
            tokenizer.add_word(word, freq=USER_WORD_FREQ)
        self._applied = self._vocabulary

    def _ready(self) -> jieba.Tokenizer:
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    fresh = jieba.Tokenizer()
                    fresh.initialize()
                    self._apply_vocabulary(fresh)
                    self._tokenizer = fresh
                tokenizer = self._tokenizer
        return tokenizer

    def index_terms(self, text: str) -> list[str]:
        """Terms a document is indexed with (search mode: words and the words inside them)."""
        return self.index_text(text).split()

    def index_text(self, text: str) -> str:
        """The index terms joined by whitespace, for whitespace-tokenised engine fields."""
        if not text:
            return ""
        return " ".join(self._ready().cut_for_search(_SEPARATORS.sub(" ", normalize(text))))

    def catalogue_text(self, text: str) -> str:
        """`index_text` for strings that repeat across documents (product titles, brand names)."""
        cached = self._catalogue.get(text)
        if cached is None:
            cached = self.index_text(text)
            if len(self._catalogue) >= CATALOGUE_CACHE_SIZE:
                self._catalogue = {}
            self._catalogue[text] = cached
        return cached

    def query_terms(self, text: str) -> list[str]:
        """Distinct terms of a query (precise mode), in order, without function words."""
        if not text:
            return []
        terms = list(dict.fromkeys(t.strip() for t in self._ready().cut(normalize(text)) if _is_term(t)))
        content = [t for t in terms if t not in QUERY_STOPWORDS]
        # A query made only of function words still means something ("的" is a valid search).
        return content or terms
