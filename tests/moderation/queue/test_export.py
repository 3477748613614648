"""Every decision is a label: export-decisions writes them, train --extra-data learns from them."""
import json

import pytest

from tests.conftest import auth
from tests.moderation.queue.helpers import case_json, open_case
from tests.moderation.queue.test_actions import decide

SPAM = "加我薇信领取内部优惠券，全场一折，私聊发链接，名额有限先到先得"
FINE = "这款防晒霜质地很轻薄，涂完不搓泥，夏天通勤用正合适，回购第二支"
APPEALED = "朋友送的洗面奶，泡沫细腻，洗完不紧绷，敏感肌也能用，推荐给大家"
RELABELLED = "买的吹风机用了一周就坏了，客服一直推脱不给换，太失望了，大家避雷"


@pytest.fixture
def decided(app, client, world, make_post, mods):
    """Four posts decided four ways; the removal of the third is overturned on appeal."""
    ids = {}
    for key, text in (("spam", SPAM), ("fine", FINE), ("appealed", APPEALED), ("relabelled", RELABELLED)):
        ids[key] = make_post(title=text[:12], body=text)
    case_id, version = open_case(app, ids["spam"])
    assert decide(client, mods.a_token, case_id, version, policy="spam").status_code == 201
    case_id, version = open_case(app, ids["fine"], label="fake.review", score=0.6)
    assert decide(client, mods.a_token, case_id, version, action="approve").status_code == 201
    case_id, version = open_case(app, ids["appealed"], label="spam.ad", score=0.7)
    removal = decide(client, mods.a_token, case_id, version, policy="spam")
    assert removal.status_code == 201
    filed = client.post(f"/api/v1/moderation/decisions/{removal.json['id']}/appeal",
                        json={"reason": "这是朋友送的，没有任何广告"}, headers=auth(world.author_token))
    assert filed.status_code == 201
    version = case_json(client, mods.b_token, case_id)["case"]["version"]
    assert decide(client, mods.b_token, case_id, version, action="approve").status_code == 201
    case_id, version = open_case(app, ids["relabelled"], label="abuse", score=0.55)
    relabel = decide(client, mods.a_token, case_id, version, action="relabel", labels=["complaint"])
    assert relabel.status_code == 201
    version = case_json(client, mods.a_token, case_id)["case"]["version"]
    assert decide(client, mods.a_token, case_id, version, action="approve").status_code == 201
    return ids


def _export(app, path, *extra):
    result = app.test_cli_runner().invoke(args=["moderation", "export-decisions", str(path), *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_one_example_per_subject_from_its_latest_decision(app, decided, tmp_path):
    rows = {r["text"].split("\n", 1)[1]: r for r in _export(app, tmp_path / "decisions.jsonl")}
    assert set(rows) == {SPAM, FINE, APPEALED, RELABELLED}
    assert rows[SPAM]["labels"] == ["spam.ad"] and rows[SPAM]["action"] == "remove"
    assert "complaint" not in rows[SPAM]["known"] and "spam.fraud" in rows[SPAM]["known"]
    assert rows[FINE]["labels"] == [] and rows[FINE]["action"] == "approve"
    # The overturned removal is superseded: the appeal's approval is the label.
    assert rows[APPEALED]["action"] == "approve" and rows[APPEALED]["labels"] == []
    # A relabel set the whole label set: the approval keeps "complaint" and every label is known.
    assert rows[RELABELLED]["labels"] == ["complaint"] and len(rows[RELABELLED]["known"]) == 8
    assert _export(app, tmp_path / "later.jsonl", "--since", "2999-01-01") == []


def test_train_on_project_data_and_exported_decisions_picks_them_up(app, decided, tmp_path):
    from moderation.datasets.project import load_project

    exported = tmp_path / "decisions.jsonl"
    _export(app, exported)
    examples = {e.text.split("\n", 1)[1]: e for e in load_project(exported, source="decisions")}
    assert examples[SPAM].labels["spam.ad"] == 1 and examples[SPAM].labels["spam.fraud"] == 0
    assert "complaint" not in examples[SPAM].labels  # unknown, not "not a complaint"
    assert examples[RELABELLED].labels["complaint"] == 1

    old = {k: app.config.get(k) for k in ("MODERATION_MODEL_DIR", "MODERATION_DATA_DIR")}
    app.config.update(MODERATION_MODEL_DIR=str(tmp_path / "models"), MODERATION_DATA_DIR=str(tmp_path / "none"))
    try:
        result = app.test_cli_runner().invoke(args=["moderation", "train", "--fast-only", "--no-shared",
                                                    "--extra-data", str(exported), "--no-progress"])
    finally:
        app.config.update(old)
    assert result.exit_code == 0, result.output
    manifest = json.loads(next((tmp_path / "models").rglob("manifest.json")).read_text(encoding="utf-8"))
    assert manifest["data"]["project"] and manifest["data"]["extra"][0]["examples"] == 4
    assert sum(manifest["counts"]["decisions"].values()) == 4
    assert manifest["counts"]["project"]


def test_train_refuses_a_malformed_extra_file(app, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "好", "labels": ["complaint"], "known": ["spam.ad"]}) + "\n",
                   encoding="utf-8")
    old = app.config.get("MODERATION_MODEL_DIR")
    app.config["MODERATION_MODEL_DIR"] = str(tmp_path / "models")
    try:
        result = app.test_cli_runner().invoke(args=["moderation", "train", "--fast-only", "--no-shared",
                                                    "--extra-data", str(bad), "--no-progress"])
    finally:
        app.config["MODERATION_MODEL_DIR"] = old
    assert result.exit_code != 0 and "outside known" in result.output
