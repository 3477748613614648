"""Where models and data live. Settings come from the environment (or a Flask config mapping)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT_LABELLED = REPO_ROOT / "moderation" / "data" / "project_labelled.jsonl"


def _setting(name: str, config: Mapping | None) -> str | None:
    if config is not None and config.get(name):
        return str(config[name])
    return os.environ.get(name) or None


def model_root(config: Mapping | None = None) -> Path:
    """Root of the versioned model store (``MODERATION_MODEL_DIR``)."""
    value = _setting("MODERATION_MODEL_DIR", config)
    return Path(value) if value else REPO_ROOT / "instance" / "models" / "moderation"


def data_dir(config: Mapping | None = None) -> Path:
    """The shared public data (``MODERATION_DATA_DIR``), read-only, never copied into the repo."""
    value = _setting("MODERATION_DATA_DIR", config)
    return Path(value) if value else REPO_ROOT.parent / "shared" / "data"


def project_labelled_path(config: Mapping | None = None) -> Path:
    """The project-written labelled set (``MODERATION_PROJECT_DATA`` overrides, for development)."""
    value = _setting("MODERATION_PROJECT_DATA", config)
    return Path(value) if value else PROJECT_LABELLED
