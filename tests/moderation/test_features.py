"""The fast model's features: digits folded so that digit identity is no source fingerprint."""

import pickle

from moderation.models.features import FeatureSpace, fold_digits

TEXTS = ["满199减100，到手价299", "满99减10", "2015年买的，质量不错", "今天到货了，很满意"]


def _fitted(fold: bool = True) -> FeatureSpace:
    space = FeatureSpace()
    if not fold:
        del space.fold_digits  # a model pickled before folding existed
    return space.fit(TEXTS * 2, [[] for _ in TEXTS * 2])


def test_digits_fold_to_zero_and_keep_their_shape():
    assert fold_digits("满199减100，微信13812345678") == "满000减000，微信00000000000"
    space = _fitted()
    same = space.transform(["满199减100", "满288减300"], [[], []]).toarray()
    assert (same[0] == same[1]).all()
    shorter = space.transform(["满99减10"], [[]]).toarray()
    assert not (shorter[0] == same[0]).all()


def test_a_space_saved_before_folding_still_reads_digits():
    space = pickle.loads(pickle.dumps(_fitted(fold=False)))
    rows = space.transform(["满199减100", "满288减300"], [[], []]).toarray()
    assert not (rows[0] == rows[1]).all()
