"""Analysis: normalisation, the two jieba modes, and the user dictionary."""
from search.analysis import Analyzer, normalize


def test_normalize_folds_full_width_and_case():
    assert normalize("ＬＡＮＣＯＭＥ　Ｉｐｈｏｎｅ１５！") == "lancome iphone15!"


def test_catalogue_words_stay_whole_in_queries_and_documents(analyzer):
    assert analyzer.query_terms("兰蔻小黑瓶") == ["兰蔻", "小黑瓶"]
    # Search mode adds the shorter words inside, precise mode does not.
    assert {"兰蔻", "小黑瓶"} <= set(analyzer.index_terms("入手兰蔻小黑瓶精华肌底液"))
    assert "肌底液" in analyzer.query_terms("精华肌底液")


def test_query_terms_drop_punctuation_function_words_and_repeats(analyzer):
    assert analyzer.query_terms("小黑瓶的，小黑瓶！！") == ["小黑瓶"]
    assert analyzer.query_terms("的") == ["的"]        # nothing else left: keep it
    assert analyzer.query_terms("！！！") == []
    assert analyzer.index_terms("") == []


def test_each_analyzer_has_its_own_dictionary_and_it_can_be_reloaded():
    plain, catalogue = Analyzer(), Analyzer(["小黑瓶"])
    assert plain.query_terms("兰蔻小黑瓶") == ["兰蔻", "小黑", "瓶"]
    assert catalogue.query_terms("兰蔻小黑瓶") == ["兰蔻", "小黑瓶"]
    catalogue.set_vocabulary(["黑瓶精华"])
    assert catalogue.query_terms("兰蔻小黑瓶") == ["兰蔻", "小黑", "瓶"]
    assert "黑瓶精华" in catalogue.query_terms("小黑瓶精华")
    plain.set_vocabulary(["小黑瓶", "  ", "a", "Estée Lauder"])    # blanks, single letters, spaces skipped
    assert plain.vocabulary == frozenset({"小黑瓶"})
    assert plain.query_terms("兰蔻小黑瓶") == ["兰蔻", "小黑瓶"]


def test_segmented_text_is_space_joined_terms(analyzer):
    text = analyzer.index_text("ＳＫ-ＩＩ 神仙水，真的好用")
    assert text.split() == analyzer.index_terms("ＳＫ-ＩＩ 神仙水，真的好用")
    assert "，" not in text and text == text.lower()


def test_catalogue_strings_are_cut_like_any_text_and_forgotten_on_reload():
    analyzer = Analyzer(["小黑瓶"])
    title = "兰蔻小黑瓶精华肌底液 50ml"
    assert analyzer.catalogue_text(title) == analyzer.index_text(title)
    analyzer.set_vocabulary([])
    assert analyzer.catalogue_text(title) == analyzer.index_text(title)
    assert "小黑瓶" not in analyzer.catalogue_text(title).split()
