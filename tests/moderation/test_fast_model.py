"""The fast model's heads: a label may have its own regularisation (the spam heads, training.HEAD_C)."""

import pickle

import numpy as np

from moderation.labels import LABELS
from moderation.models.fast import FastModel, TrainingSet
from moderation.training import HEAD_C

SPAM = ["加微信领优惠券，限时抢购", "代理招商，日赚千元，联系我", "低价出售高仿名表，私聊", "扫码进群，免费领取"]
HAM = ["今天到货了，很满意", "鞋子穿着舒服，尺码合适", "物流很快，包装完好", "味道不错，会回购的"]


def _training_set() -> TrainingSet:
    texts = (SPAM + HAM) * 3
    targets = np.full((len(texts), len(LABELS)), -1, dtype=np.int8)
    targets[:, LABELS.index("spam.ad")] = [1 if t in SPAM else 0 for t in texts]
    targets[:, LABELS.index("abuse")] = 0
    targets[:2, LABELS.index("abuse")] = 1
    return TrainingSet(texts, [[] for _ in texts], targets, [None] * len(texts), [None] * len(texts))


def _head_C(model: FastModel, label: str) -> float:
    return model.heads[label].calibrated_classifiers_[0].estimator.C


def test_a_label_can_have_its_own_C_and_the_others_keep_the_default():
    model = FastModel(C=8.0, label_C={"spam.ad": 32.0}).fit(_training_set())
    assert _head_C(model, "spam.ad") == 32.0
    assert model.C_for("abuse") == 8.0
    scores = model.predict_proba(["加微信领优惠券", "包装完好，很满意"])
    assert scores[0, LABELS.index("spam.ad")] > scores[1, LABELS.index("spam.ad")]


def test_a_companion_head_sees_only_its_sources_and_the_score_is_the_geometric_mean():
    data = _training_set()
    data.sources = ["sms80w" if i % 2 else "shopping" for i in range(len(data.texts))]
    model = FastModel(C=8.0, companions={"spam.ad": ("sms80w",), "abuse": ("nowhere",)}).fit(data)
    assert set(model.companion_heads) == {"spam.ad"}  # abuse: no rows of its sources, no companion
    companion = model.companion_heads["spam.ad"].calibrated_classifiers_[0].estimator
    general = model.heads["spam.ad"].calibrated_classifiers_[0].estimator
    assert not np.allclose(companion.coef_, general.coef_)
    texts = ["加微信领优惠券", "包装完好，很满意"]
    matrix = model.transform(texts, [[], []])
    expected = np.sqrt(model.heads["spam.ad"].predict_proba(matrix)[:, 1]
                       * model.companion_heads["spam.ad"].predict_proba(matrix)[:, 1])
    assert np.allclose(model.predict_matrix(matrix)[:, LABELS.index("spam.ad")], expected)


def test_without_sources_or_with_only_the_companions_sources_there_is_no_companion():
    data = _training_set()
    assert not FastModel(companions={"spam.ad": ("sms80w",)}).fit(data).companion_heads
    data.sources = ["project"] * len(data.texts)
    assert not FastModel(companions={"spam.ad": ("project",)}).fit(data).companion_heads


def test_training_regularises_every_spam_head_less_than_the_rest():
    assert set(HEAD_C) == {"spam.ad", "spam.fraud", "spam.gambling", "spam.adult"}
    assert all(value > FastModel().C for value in HEAD_C.values())


def test_a_model_saved_before_per_label_C_still_answers():
    model = FastModel(C=8.0)
    del model.label_C  # pickled by a version without per-label C
    restored = pickle.loads(pickle.dumps(model))
    assert restored.C_for("spam.ad") == 8.0


def test_a_model_saved_before_companion_heads_still_scores():
    model = FastModel(C=8.0).fit(_training_set())
    del model.companion_heads  # pickled by a version without companions
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict_proba(["加微信领优惠券"]).shape == (1, len(LABELS))
