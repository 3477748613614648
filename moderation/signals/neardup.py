"""Near-duplicate text: MinHash signatures with LSH band keys, and SimHash (pure functions).

The service keeps one signature per post and finds posts by other accounts with nearly the same
text (spam rings, templated shill reviews) by equality on band keys: two texts whose estimated
Jaccard similarity of character 3-grams is at or above ~0.7 share at least one band key with
high probability (16 bands of 4 rows). Texts are normalised first, so evasions do not hide a
template. Nothing here touches a database.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from moderation.text.normalize import normalize

NUM_PERM = 64
BANDS = 16
_NOT_WORD = re.compile(r"[\W_]+")


def shingles(text: str, k: int = 3) -> set[str]:
    key = _NOT_WORD.sub("", normalize(text))
    if len(key) <= k:
        return {key} if key else set()
    return {key[i : i + k] for i in range(len(key) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> list[int]:
    """MinHash signature of a text (a list of ints, JSON-serialisable)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in shingles(text)])
    return [int(v) for v in minhash.hashvalues]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def band_keys(sig: list[int], bands: int = BANDS) -> list[str]:
    """LSH band keys: store them with the post, look up candidates by equality."""
    rows = len(sig) // bands
    keys = []
    for band in range(bands):
        chunk = ",".join(map(str, sig[band * rows : (band + 1) * rows]))
        keys.append(f"{band}:{hashlib.blake2b(chunk.encode(), digest_size=8).hexdigest()}")
    return keys


def simhash(text: str, bits: int = 64) -> int:
    """64-bit SimHash over character 3-grams: near texts differ in few bits."""
    weights = np.zeros(bits)
    for gram in shingles(text):
        value = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "big")
        weights += np.where([(value >> i) & 1 for i in range(bits)], 1.0, -1.0)
    return sum(1 << i for i in range(bits) if weights[i] > 0)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
