"""De-duplication across sources, near-duplicate groups and deterministic train/val/test splits.

The split of an example depends only on its group, and the group on the data: the same data gives
the same splits on every machine, so the test split is frozen without storing it anywhere else
(its ids and their hash are still written to the model's data manifest).

Texts equal after normalisation and removal of punctuation are merged into one example;
near-duplicates (MinHash over character 3-grams, Jaccard >= 0.7: templates that differ in a name
or a number) form clusters; a loader may put texts in a ``group`` (all JD comments on one product).
Neither a group nor a cluster straddles two splits.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from moderation.datasets.example import Example
from moderation.text.normalize import normalize

SPLITS = ("train", "val", "test")
FRACTIONS = {"train": 0.7, "val": 0.15, "test": 0.15}
_NOT_WORD = re.compile(r"[\W_]+")
_MIN_NEAR_DUP_CHARS = 8


def dedup_key(normalized: str) -> str:
    return _NOT_WORD.sub("", normalized)


def _merge_labels(examples: list[Example]) -> dict[str, int]:
    merged: dict[str, int] = {}
    conflicted: set[str] = set()
    for example in examples:
        for label, value in example.labels.items():
            if label in merged and merged[label] != value:
                conflicted.add(label)
            merged.setdefault(label, value)
    # A text labelled both ways ("好" as shill and as genuine) says nothing about that label.
    return {label: value for label, value in merged.items() if label not in conflicted}


def deduplicate(examples: list[Example]) -> list[Example]:
    """One example per normalised text; labels merged, conflicting labels become unknown.

    The first example (in source order) is kept; the uids of the others are in
    ``meta["duplicates"]``. Sets ``meta["norm"]`` to the normalised text.
    """
    by_key: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        norm = normalize(example.text)
        example.meta["norm"] = norm
        key = dedup_key(norm)
        if key:
            by_key[key].append(example)
    unique: list[Example] = []
    for group in by_key.values():
        first = group[0]
        if len(group) > 1:
            first.labels = _merge_labels(group)
            first.meta["duplicates"] = [other.uid for other in group[1:]]
            categories = [other.category for other in group if other.category]
            first.category = first.category or (categories[0] if categories else None)
            severities = [other.severity for other in group if other.severity]
            first.severity = first.severity or (severities[0] if severities else None)
        unique.append(first)
    return unique


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def near_duplicate_clusters(examples: list[Example], threshold: float = 0.7, num_perm: int = 64) -> None:
    """Set ``meta["cluster"]`` to the smallest uid of each example's near-duplicate cluster."""
    from datasketch import MinHash, MinHashLSH

    union = _UnionFind()
    candidates = []
    shingle_sets = []
    for example in examples:
        union.find(example.uid)
        key = dedup_key(example.meta["norm"])
        if len(key) >= _MIN_NEAR_DUP_CHARS:
            candidates.append(example)
            shingle_sets.append([key[i : i + 3].encode("utf-8") for i in range(len(key) - 2)])
    hashes = MinHash.bulk(shingle_sets, num_perm=num_perm, seed=1)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for example, minhash in zip(candidates, hashes):
        for other in lsh.query(minhash):
            union.union(example.uid, other)
        lsh.insert(example.uid, minhash)
    members: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        members[union.find(example.uid)].append(example.uid)
    for example in examples:
        example.meta["cluster"] = min(members[union.find(example.uid)])


def split_of(group: str) -> str:
    """The split a group falls in: a hash of the group id, so stable across runs and machines."""
    value = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") / 2**64
    if value < FRACTIONS["train"]:
        return "train"
    return "val" if value < FRACTIONS["train"] + FRACTIONS["val"] else "test"


def prepare(examples: list[Example]) -> list[Example]:
    """De-duplicate, group and split; returns the examples that are used, ``split`` set.

    The unit of the split is the loader's group where it set one (a JD product: the split is
    product-disjoint) and the near-duplicate cluster otherwise. Where a cluster still spans two
    splits (a generic review under two products), its members outside the earliest split
    (train, then val) are dropped rather than leak; their count is in ``meta`` of no one but
    returned by :func:`split_counts` as ``dropped``.
    """
    unique = deduplicate(examples)
    near_duplicate_clusters(unique)
    for example in unique:
        example.group = example.group or example.meta["cluster"]
        example.split = split_of(example.group)
    earliest: dict[str, int] = {}
    for example in unique:
        cluster = example.meta["cluster"]
        earliest[cluster] = min(earliest.get(cluster, 2), SPLITS.index(example.split))
    for example in unique:
        if SPLITS.index(example.split) > earliest[example.meta["cluster"]]:
            example.split = "dropped"
    return unique


def split_counts(examples: list[Example]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for example in examples:
        counts[example.source][example.split] += 1
    return {source: dict(by_split) for source, by_split in sorted(counts.items())}


def frozen_test_ids(examples: list[Example]) -> tuple[list[str], str]:
    """The frozen test split's uids and their sha256, for the data manifest."""
    uids = sorted(e.uid for e in examples if e.split == "test")
    return uids, hashlib.sha256("\n".join(uids).encode("utf-8")).hexdigest()
