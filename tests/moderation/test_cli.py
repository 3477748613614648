import json

import pytest
from flask import Flask

from moderation.cascade import reload
from moderation.cli import moderation_cli


@pytest.fixture()
def make_app(tmp_path, project_data):
    def make(model_dir=None):
        app = Flask("cli-test")
        app.config.update(
            MODERATION_MODEL_DIR=str(model_dir or tmp_path / "models"),
            MODERATION_DATA_DIR=str(tmp_path / "no-shared-data"),
            MODERATION_PROJECT_DATA=str(project_data),
        )
        app.cli.add_command(moderation_cli)
        reload()
        return app

    return make


def test_ensure_model_trains_once_then_reuses(make_app):
    runner = make_app().test_cli_runner()
    first = runner.invoke(args=["moderation", "ensure-model"])
    assert first.exit_code == 0, first.output
    assert "已训练并上线" in first.output
    second = runner.invoke(args=["moderation", "ensure-model"])
    assert second.exit_code == 0 and "模型已就绪" in second.output


def test_classify_command_adds_verdict_fields(make_app, trained_root, tmp_path):
    rows = [
        {"id": 1, "text": "加我微信号：shop_8899 领券", "extra": "kept"},
        {"id": 2, "text": "充电宝鼓包起火，差点烧到孩子，投诉！"},
        {"id": 3, "text": "很好用，推荐", "context": {"collaboration_without_disclosure": True}},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = make_app(trained_root).test_cli_runner().invoke(
        args=["moderation", "classify", str(source), str(target), "--batch-size", "2"]
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == [1, 2, 3]
    assert out[0]["extra"] == "kept"
    for row in out:
        assert {"scores", "labels", "decision", "complaint"} <= set(row)
        assert len(row["scores"]) == 8
    assert "spam.ad" in out[0]["labels"]
    assert out[1]["complaint"]["category"] == "safety"
    assert out[2]["decision"] != "allow"


def test_classify_command_rejects_lines_without_text(make_app, trained_root, tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "好"}\n{"body": "no text"}\n', encoding="utf-8")
    result = make_app(trained_root).test_cli_runner().invoke(
        args=["moderation", "classify", str(source), str(tmp_path / "out.jsonl")]
    )
    assert result.exit_code != 0
    assert "第 2 行" in result.output


def test_evaluate_command_json(make_app, trained_root):
    result = make_app(trained_root).test_cli_runner().invoke(args=["moderation", "evaluate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["frozen_test"]["matches_manifest"]
    project = report["fast"]["project"]
    assert set(project["labels"]["spam.ad"]) == {"precision", "recall", "f1", "support", "n"}
    assert "confusion" in project["category"] and "confusion" in project["severity"]


def test_evaluate_command_table(make_app, trained_root):
    result = make_app(trained_root).test_cli_runner().invoke(args=["moderation", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "spam.ad" in result.output


def test_train_is_promoted_only_when_better(make_app, tmp_path):
    from moderation import registry

    root = tmp_path / "models"
    runner = make_app(root).test_cli_runner()
    first = runner.invoke(args=["moderation", "train", "--fast-only", "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "已上线" in first.output
    current = registry.current_version(root)
    # the same data gives the same model: not strictly better, so not promoted
    second = runner.invoke(args=["moderation", "train", "--fast-only", "--no-progress"])
    assert second.exit_code == 0, second.output
    assert "未上线" in second.output
    assert registry.current_version(root) == current
    assert len(list(registry.versions_dir(root).iterdir())) == 2
    manifest = json.loads((registry.versions_dir(root) / current / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["frozen_test"]["count"] > 0
    registry.verify_checksums(registry.versions_dir(root) / current)
