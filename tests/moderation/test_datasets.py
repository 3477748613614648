import json
import re

import pytest

from moderation.datasets.example import Example
from moderation.datasets.project import ProjectDataError, load_project
from moderation.datasets.sources import clean_fbs, load_fbs, unmask_sms
from moderation.datasets.splits import prepare, split_of, frozen_test_ids
from moderation.labels import LABELS


def test_sms_mask_becomes_digits_deterministically():
    text = "预约电话：xxxxxxxxxxx，充xxx送xx\r\n"
    once = unmask_sms(text)
    assert "x" not in once and once == unmask_sms(text)
    assert re.search(r"1[3-9]\d{9}", once)
    assert re.fullmatch(r"晶体\d\dmm", unmask_sms("晶体xxmm"))  # digits and a unit
    assert unmask_sms("iphonex和xbox") == "iphonex和xbox"  # words, not masks


def test_fbs_tokens_and_segmentation_are_undone():
    cleaned = clean_fbs("手头紧 找 平安 贷款 DIGIT 万 详询 CELLPHONE 点击 URLdfge 退订")
    assert not re.search(r"DIGIT|CELLPHONE|URL", cleaned)
    assert " 找 " not in cleaned and "手头紧找平安贷款" in cleaned
    assert re.search(r"1[3-9]\d{9}", cleaned)


def test_fbs_names_and_places_come_from_wide_pools():
    # a dozen fixed names stood in 5% of the FBS spam each: the model learnt them as spam words
    lines = [f"尊敬的NAME您好，PLACE店第{i}期活动" for i in range(300)]
    cleaned = [clean_fbs(line) for line in lines]
    assert cleaned == [clean_fbs(line) for line in lines]  # deterministic
    names = {re.match(r"尊敬的(\w+?)您好", text).group(1) for text in cleaned}
    places = {re.search(r"您好，(\w+?)店", text).group(1) for text in cleaned}
    assert len(names) > 150 and all(2 <= len(name) <= 3 for name in names)
    assert len(places) > 50


def test_fbs_bare_contact_lines_are_left_out(tmp_path):
    folder = tmp_path / "fbs_sms"
    folder.mkdir()
    for name in ("AD:Loan", "AD:Network_service", "AD:Other", "AD:Real_estate", "AD:Retail", "FR:Financial",
                 "FR:Phishing(Bank)", "FR:Phishing(Other)", "IL:Escort_service", "IL:Fake_ID_and_invoice",
                 "IL:Gambling"):
        (folder / name).write_text("", encoding="utf-8")
    (folder / "FR:Other").write_text(
        "NAME 新号 CELLPHONE\n微信 同号\n\n恭喜 您 获得 iphone 一 部 请 登录 URL 领取 奖品\n", encoding="utf-8"
    )
    examples = load_fbs(tmp_path)
    assert [e.uid for e in examples] == ["fbs:FR:Other:3"]
    assert examples[0].labels["spam.fraud"] == 1


def _example(uid, text, group=None, **labels):
    return Example(uid, "test", text, labels or {"spam.ad": 0}, group=group)


def test_duplicates_merge_and_conflicting_labels_become_unknown():
    examples = prepare([
        _example("a", "好评！", **{"fake.review": 1, "complaint": 0}),
        _example("b", "好评", **{"fake.review": 0, "complaint": 0}),
    ])
    assert len(examples) == 1
    assert examples[0].labels == {"complaint": 0}
    assert examples[0].meta["duplicates"] == ["b"]


def test_near_duplicates_and_groups_never_straddle_splits():
    texts = [f"尊敬的会员您好，本店周年庆全场八折，会员卡号{i:04d}专享，详询门店" for i in range(40)]
    examples = [_example(f"t{i}", t) for i, t in enumerate(texts)]
    examples += [_example(f"p{i}", f"第{i}条完全不同的评论内容，编号{i * 7919}", group="product-1") for i in range(30)]
    prepared = prepare(examples)
    template = {e.split for e in prepared if e.uid.startswith("t")}
    product = {e.split for e in prepared if e.uid.startswith("p")}
    assert len(template - {"dropped"}) == 1
    assert len(product) == 1


def test_split_is_deterministic_and_roughly_70_15_15():
    splits = [split_of(f"group-{i}") for i in range(4000)]
    assert splits == [split_of(f"group-{i}") for i in range(4000)]
    assert 0.66 < splits.count("train") / 4000 < 0.74
    assert 0.12 < splits.count("test") / 4000 < 0.18


def test_frozen_test_ids_changes_with_the_test_split():
    a = [Example("x", "s", "t", {}, split="test"), Example("y", "s", "t", {}, split="train")]
    b = [Example("x", "s", "t", {}, split="test"), Example("y", "s", "t", {}, split="test")]
    assert frozen_test_ids(a)[0] == ["x"]
    assert frozen_test_ids(a)[1] != frozen_test_ids(b)[1]


def test_project_loader_knows_every_label(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "收到假货", "labels": ["complaint"],
                    "complaint": {"category": "counterfeit_received", "severity": "medium"}}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    (example,) = load_project(path)
    assert set(example.labels) == set(LABELS)
    assert example.positive() == ["complaint"]
    assert (example.category, example.severity) == ("counterfeit_received", "medium")


@pytest.mark.parametrize(
    "line",
    ['{"id": "x", "text": "t", "labels": ["spam"]}', '{"id": "x", "text": "", "labels": []}', "not json"],
)
def test_project_loader_rejects_bad_lines(tmp_path, line):
    path = tmp_path / "p.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ProjectDataError):
        load_project(path)


def test_the_project_set_loads(project_data):
    examples = load_project(project_data)
    assert len(examples) >= 20
