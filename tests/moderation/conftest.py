"""Fixtures for the moderation library tests: offline, no database, no shared data needed.

A fast model is trained once per session from the project-written set (a few seconds) into a
temporary model store; tests that need a model use ``trained_root`` and ``config``.
"""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _rollback():
    """Overrides the suite-wide database fixture: the moderation library uses no database."""
    yield


@pytest.fixture(scope="session")
def project_data():
    from moderation.config import PROJECT_LABELLED

    if not PROJECT_LABELLED.exists():
        pytest.skip("moderation/data/project_labelled.jsonl is not there yet")
    return PROJECT_LABELLED


@pytest.fixture(scope="session")
def trained_root(tmp_path_factory, project_data):
    from moderation.training import TrainOptions, train

    root = tmp_path_factory.mktemp("models")
    report = train(TrainOptions(project_path=project_data, fast_only=True, progress=False), root)
    assert report.promoted
    return root


@pytest.fixture()
def config(trained_root):
    return {"MODERATION_MODEL_DIR": str(trained_root), "MODERATION_DATA_DIR": "/nonexistent"}


@pytest.fixture(scope="session")
def cascade(trained_root):
    from moderation import registry
    from moderation.cascade import Cascade

    return Cascade(registry.load_current(trained_root))
