import numpy as np

from moderation.thresholds import NEVER, band, choose_threshold, default_thresholds


def test_review_threshold_reaches_target_precision_with_most_recall():
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1] * 3)
    truth = np.array([1, 1, 1, 1, 0, 1, 0, 0, 0, 0] * 3)
    chosen = choose_threshold({"a": (scores, truth)}, target_review=0.8, target_remove=1.0)
    assert chosen["review"] == 0.5  # 15 flagged, 12 true: precision 0.83, recall 1.0
    assert chosen["remove"] >= chosen["review"]
    assert chosen["basis"].startswith("validation")


def test_a_source_of_clean_text_bounds_false_alarms():
    rng = np.random.default_rng(0)
    positives = (rng.uniform(0.6, 1.0, 100), np.ones(100, dtype=int))
    clean = (rng.uniform(0.0, 0.7, 1000), np.zeros(1000, dtype=int))
    alone = choose_threshold({"spam": positives}, 0.9, 0.99)
    with_clean = choose_threshold({"spam": positives, "reviews": clean}, 0.9, 0.99)
    assert with_clean["review"] > alone["review"]
    assert (clean[0] >= with_clean["review"]).mean() <= 0.005


def test_too_few_positives_keep_the_defaults():
    chosen = choose_threshold({"a": (np.array([0.9, 0.1]), np.array([1, 0]))}, 0.9, 0.99)
    assert chosen["review"] == default_thresholds()["spam.ad"]["review"]
    assert chosen["basis"].startswith("default")


def test_complaint_is_never_removed():
    assert default_thresholds()["complaint"]["remove"] == NEVER
    scores, truth = np.linspace(0, 1, 100), (np.linspace(0, 1, 100) > 0.5).astype(int)
    assert choose_threshold({"a": (scores, truth)}, 0.9, 0.99, removable=False)["remove"] == NEVER


def test_band():
    threshold = {"review": 0.5, "remove": 0.9}
    assert [band(s, threshold) for s in (0.1, 0.5, 0.95)] == ["allow", "review", "remove"]


def test_a_transformer_engine_must_beat_the_fast_one_by_a_margin():
    from moderation.training import choose_default_engine

    assert choose_default_engine({"fast": 0.70, "transformer": 0.65, "ensemble": 0.705}) == "fast"
    assert choose_default_engine({"fast": 0.70, "transformer": 0.65, "ensemble": 0.72}) == "ensemble"
    assert choose_default_engine({"fast": 0.70}) == "fast"
