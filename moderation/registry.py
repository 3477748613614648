"""The versioned model store.

Layout under the model root (``MODERATION_MODEL_DIR``)::

    versions/<version>/fast.joblib         the fast model (vectorizers, heads, triage)
    versions/<version>/transformer/        the transformer model, when one was trained
    versions/<version>/thresholds.json     engine -> label -> review/remove thresholds
    versions/<version>/metrics.json        evaluation on the frozen test split
    versions/<version>/manifest.json       data sources, counts, split rule, test split hash
    versions/<version>/frozen_test.txt     uids of the frozen test split
    versions/<version>/CHECKSUMS.json      sha256 of every file above, checked on load
    current                                the promoted version's name

A version directory is written completely before ``current`` may point at it, and ``current``
is replaced atomically, so a reader never sees half a model.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

CHECKSUMS = "CHECKSUMS.json"
_transformer_lock = threading.Lock()


class ModelStoreError(RuntimeError):
    """The model store is missing a version or a version's files do not match their checksums."""


@dataclass
class ModelBundle:
    version: str
    path: Path | None
    fast: object | None
    thresholds: dict[str, dict[str, dict]]
    manifest: dict = field(default_factory=dict)
    _transformer: object | None = None

    @property
    def has_transformer(self) -> bool:
        return self._transformer is not None or (
            self.path is not None and (self.path / "transformer" / "config.json").exists()
        )

    def transformer(self):
        """The transformer model, loaded on first use (once per process per bundle)."""
        if self._transformer is None and self.has_transformer:
            with _transformer_lock:
                if self._transformer is None:
                    from moderation.models.transformer import TransformerModel

                    self._transformer = TransformerModel.load(self.path / "transformer")
        return self._transformer


def new_version_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def versions_dir(root: Path) -> Path:
    return root / "versions"


def current_version(root: Path) -> str | None:
    pointer = root / "current"
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name or None


def promote(root: Path, version: str) -> None:
    if not (versions_dir(root) / version).is_dir():
        raise ModelStoreError(f"no model version {version} under {root}")
    temporary = root / "current.tmp"
    temporary.write_text(version + "\n", encoding="utf-8")
    os.replace(temporary, root / "current")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(directory: Path) -> dict[str, str]:
    sums = {
        str(path.relative_to(directory)): _sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != CHECKSUMS
    }
    (directory / CHECKSUMS).write_text(json.dumps(sums, indent=1, sort_keys=True), encoding="utf-8")
    return sums


def verify_checksums(directory: Path) -> None:
    listed = directory / CHECKSUMS
    if not listed.exists():
        raise ModelStoreError(f"{directory} has no {CHECKSUMS}")
    for name, expected in json.loads(listed.read_text(encoding="utf-8")).items():
        path = directory / name
        if not path.exists() or _sha256(path) != expected:
            raise ModelStoreError(f"{path} is missing or does not match its checksum")


def save_json(directory: Path, name: str, payload) -> None:
    (directory / name).write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def load_version(directory: Path, verify: bool = True) -> ModelBundle:
    """Load a version directory (the fast model now, the transformer on first use)."""
    import joblib

    if not directory.is_dir():
        raise ModelStoreError(f"no model version at {directory}")
    if verify:
        verify_checksums(directory)
    fast_path = directory / "fast.joblib"
    return ModelBundle(
        version=directory.name,
        path=directory,
        fast=joblib.load(fast_path) if fast_path.exists() else None,
        thresholds=json.loads((directory / "thresholds.json").read_text(encoding="utf-8")),
        manifest=json.loads((directory / "manifest.json").read_text(encoding="utf-8")),
    )


def load_current(root: Path) -> ModelBundle | None:
    version = current_version(root)
    if version is None:
        return None
    return load_version(versions_dir(root) / version)
