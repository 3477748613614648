"""A tiny transformer trained, saved, loaded and used inside the test session (seconds)."""

import numpy as np
import pytest

from moderation.labels import LABELS

TINY = dict(hidden_size=32, layers=1, heads=2, intermediate_size=64, max_length=48, vocab_size=3000,
            min_char_count=1, epochs=2, batch_size=16, learning_rate=3e-3)


@pytest.fixture(scope="module")
def tiny_version(tmp_path_factory, project_data):
    from moderation.models.transformer import TransformerSettings
    from moderation.training import TrainOptions, train

    root = tmp_path_factory.mktemp("models-with-transformer")
    options = TrainOptions(project_path=project_data, transformer=TransformerSettings(**TINY), progress=False)
    report = train(options, root)
    return root, report


def test_training_writes_a_transformer_with_the_version(tiny_version):
    _, report = tiny_version
    assert (report.path / "transformer" / "config.json").exists()
    assert (report.path / "transformer" / "moderation.json").exists()
    assert set(report.metrics) == {"fast", "transformer", "ensemble"}


def test_saved_transformer_loads_and_predicts(tiny_version):
    from moderation.models.transformer import TransformerModel

    _, report = tiny_version
    model = TransformerModel.load(report.path / "transformer")
    texts = ["加微信领券", "质量很差，开胶了", "", "好" * 500]
    scores = model.predict_proba(texts, batch_size=3)
    assert scores.shape == (4, len(LABELS))
    assert np.all((scores >= 0) & (scores <= 1))
    # batching and order do not change a text's scores
    np.testing.assert_allclose(model.predict_proba(texts[::-1], batch_size=1)[::-1], scores, atol=1e-5)
    assert model.info["origin"] == "from-scratch"


def test_the_bundle_loads_the_transformer_lazily_and_the_cascade_uses_it(tiny_version):
    from moderation import registry
    from moderation.cascade import Cascade

    root, report = tiny_version
    bundle = registry.load_version(report.path)
    assert bundle.has_transformer and bundle._transformer is None
    assert Cascade(bundle).engine == bundle.manifest["default_engine"]  # best on validation
    assert set(bundle.manifest["validation_macro_f1"]) == {"fast", "transformer", "ensemble"}
    cascade = Cascade(bundle, engine="ensemble")
    (verdict,) = cascade.classify(["高仿AJ莆田纯原，加薇❤：xie8899"])
    assert bundle._transformer is not None
    assert verdict.engine == "ensemble"
    assert "spam.ad" in verdict.labels
    fast_only = Cascade(bundle, engine="fast").score(["质量很差"])
    assert fast_only.transformer is None


def test_fine_tuning_a_local_checkpoint(tiny_version, tmp_path):
    """The trained tiny model stands in for a local pretrained checkpoint: nothing is downloaded."""
    from moderation.models.transformer import TransformerModel, TransformerSettings

    _, report = tiny_version
    texts = ["加微信领券", "质量很差，开胶了", "很好用", "百家乐注册送彩金"] * 8
    targets = np.full((len(texts), len(LABELS)), -1, dtype=np.int8)
    targets[:, LABELS.index("spam.ad")] = [1, 0, 0, 0] * 8
    model = TransformerModel.train(
        texts, targets, TransformerSettings(epochs=1, batch_size=8, max_length=32),
        base_model=report.path / "transformer", progress=False,
    )
    assert model.info["origin"] == "fine-tuned"
    model.save(tmp_path / "tuned")
    assert TransformerModel.load(tmp_path / "tuned").predict_proba(["加微信"]).shape == (1, len(LABELS))


def test_a_transformer_trained_elsewhere_joins_a_version_trained_here(tmp_path, project_data):
    """python -m moderation.train_transformer (e.g. on a GPU box), then train --transformer-dir."""
    from moderation.train_transformer import main as train_transformer
    from moderation.training import TrainingError, TrainOptions, train

    out = tmp_path / "gpu-transformer"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in TINY.items() if k != "min_char_count"]
    train_transformer(["--data-dir", str(tmp_path / "no-shared-data"), "--project-data", str(project_data),
                       "--out", str(out), "--no-progress", *flags])
    assert (out / "split.json").exists() and (out / "config.json").exists()
    report = train(TrainOptions(project_path=project_data, transformer_dir=out, progress=False), tmp_path / "store")
    assert set(report.metrics) == {"fast", "transformer", "ensemble"}
    assert (report.path / "transformer" / "config.json").exists()

    other = tmp_path / "other.jsonl"
    other.write_text("".join(project_data.read_text(encoding="utf-8").splitlines(keepends=True)[:-40]), encoding="utf-8")
    with pytest.raises(TrainingError, match="different split"):
        train(TrainOptions(project_path=other, transformer_dir=out, progress=False), tmp_path / "store2")
