import pytest

from moderation.text.normalize import normalize

EVASIONS = [
    # WeChat spellings
    ("加薇❤：xie8899", "加微信:xie8899"),
    ("ＶＸ：ａｂｃ１２３４", "微信:abc1234"),
    ("威信 abc_123", "微信 abc_123"),
    ("wei信号 shop666", "微信号 shop666"),
    ("v信 8899aa", "微信 8899aa"),
    ("加V详聊", "加微信详聊"),
    ("+v 13812345678", "加微信 13812345678"),
    ("wx：shop_88", "微信:shop_88"),
    ("加微 abc888", "加微信 abc888"),
    ("加-微-信", "加微信"),
    ("加.微.信", "加微信"),
    ("加❤微❤信", "加微信"),
    ("加 微 信", "加微信"),
    ("想 要 的 加 V ⭐ x i a o m e i 6 6 6", "想要的加微信xiaomei666"),
    ("微：tc_yue99", "微信:tc_yue99"),
    # QQ spellings
    ("扣扣 1 2 3 4 5 6 7 8", "qq 12345678"),
    ("企鹅号 123456789", "qq号 123456789"),
    ("加q 123456", "加qq 123456"),
    ("Q群：88776655", "qq群:88776655"),
    ("看片加扣", "看片加qq"),
    # links
    ("w w w . x x . c o m", "www.xx.com"),
    ("xx点com", "xx.com"),
    ("www点abc点com", "www.abc.com"),
    ("h t t p : / / abc . com", "http://abc.com"),
    # digit words and circled digits
    ("一三八一二三四五六七八", "13812345678"),
    ("①③⑧①②③④⑤⑥⑦⑧", "13812345678"),
    ("壹叁捌壹贰叁肆伍陆柒捌", "13812345678"),
    ("幺三八 1234 五六七八", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    # width, script, homoglyphs, invisible characters
    ("這個東西質量太差了", "这个东西质量太差了"),
    ("аbс", "abc"),
    ("\ufeff好评\u200bᚰ", "好评"),
]

UNCHANGED = [
    "他在村里很有威信",  # 威信 as a word, no handle
    "戴森v12吸尘器",
    "价格299.00元",  # a price keeps its decimal point
    "扣扣子",  # buttoning, not QQ
    "一二三四五",  # counting, not a number
    "我买了三件",
    "收到的是假货",
    "微博:abcdef",
    "加vip会员",
]


@pytest.mark.parametrize(("raw", "expected"), EVASIONS)
def test_evasions_are_spelled_plainly(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_innocent_text_is_left_alone(text):
    assert normalize(text) == text


def test_normalize_is_idempotent():
    for raw, _ in EVASIONS:
        once = normalize(raw)
        assert normalize(once) == once


def test_empty_text():
    assert normalize("") == ""
