"""Snippets are built on the original text, escaped, with the matches marked."""
from search.highlight import highlight, highlights, match_spans


def test_matches_are_found_through_normalisation_and_escaped():
    assert highlight("ＬＡＮＣＯＭＥ <小黑瓶>", ["lancome", "小黑瓶"]) == \
        "<em>ＬＡＮＣＯＭＥ</em> &lt;<em>小黑瓶</em>&gt;"


def test_latin_terms_match_whole_words_only():
    assert match_spans("pro product pro", ["pro"]) == [(0, 3), (12, 15)]


def test_overlapping_matches_merge():
    assert highlight("小黑瓶", ["小黑", "小黑瓶"]) == "<em>小黑瓶</em>"


def test_long_text_is_cut_around_the_best_window():
    body = "开头的废话" * 30 + "小黑瓶真好用，小黑瓶回购" + "结尾的废话" * 30
    html = highlight(body, ["小黑瓶"], fragment_chars=40)
    assert html.startswith("…") and html.endswith("…")
    assert html.count("<em>小黑瓶</em>") == 2
    assert len(html.replace("<em>", "").replace("</em>", "")) <= 42


def test_fields_without_matches_are_left_out():
    assert highlights("今天的晒单", "小黑瓶很好", ["小黑瓶"]) == {"body": "<em>小黑瓶</em>很好"}
    assert highlight("没有", ["小黑瓶"]) is None
