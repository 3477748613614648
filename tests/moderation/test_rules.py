import pytest

from moderation.rules.contacts import find_contacts
from moderation.rules.engine import match, noisy_or
from moderation.text.normalize import normalize


def rules_of(text):
    return match(normalize(text))


@pytest.mark.parametrize(
    ("text", "rule", "handle"),
    [
        ("加我微信号：shop_8899 领券", "contact.wechat", "shop_8899"),
        ("V信 13912345678", "contact.wechat", "13912345678"),
        ("扣扣 1 2 3 4 5 6 7 8 私聊", "contact.qq", "12345678"),
        ("进群 qq群：88776655", "contact.qq", "88776655"),
        ("飞机 @cheap_cloud_vip", "contact.telegram", "cheap_cloud_vip"),
        ("加飞机 cloudshop88", "contact.telegram", "cloudshop88"),
        ("纸飞机号：usdt_fast", "contact.telegram", "usdt_fast"),
        ("TG: @vpn_cloud", "contact.telegram", "vpn_cloud"),
        ("电话一三八一二三四五六七八", "contact.mobile", "13812345678"),
        ("热线 4001234567", "contact.hotline", "4001234567"),
        ("w w w . x x y y . c o m 注册送彩金", "contact.link", "www.xxyy.com"),
        ("领券去 abc点top", "contact.link", "abc.top"),
    ],
)
def test_contact_rules_after_normalisation(text, rule, handle):
    hits = [h for h in rules_of(text).hits if h.rule == rule]
    assert hits, rules_of(text).hits
    assert handle in hits[0].text
    assert hits[0].label == "spam.ad"


def test_shop_links_are_allowed():
    assert not find_contacts(normalize("同款链接 https://item.jd.com/100012043978.html"))
    assert find_contacts(normalize("同款链接 https://item.fake-shop.com/1.html"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("兼职刷单，日结佣金", "spam.fraud"),
        ("恭喜您中奖了，请点击领取奖品", "spam.fraud"),
        ("真人视讯百家乐，注册送彩金", "spam.gambling"),
        ("同城约炮，小姐姐上门", "spam.adult"),
        ("你是不是傻逼", "abuse"),
        ("莆田纯原，跟正品一模一样", "fake.counterfeit"),
        ("好评返现5元，截图找客服", "fake.review"),
        ("诚招代理，一件代发", "spam.ad"),
    ],
)
def test_lexicon_hits_score_their_label(text, label):
    result = rules_of(text)
    assert result.scores[label] >= 0.7
    hit = next(h for h in result.hits if h.label == label)
    start, end = hit.span
    assert normalize(text)[start:end] == hit.text


def test_evidence_has_rule_label_span_text():
    hit = rules_of("加薇❤：xie8899").hits[-1]
    evidence = hit.as_evidence()
    assert set(evidence) == {"rule", "label", "span", "text", "strength"}
    assert evidence["text"] == "微信:xie8899"


@pytest.mark.parametrize(
    "text",
    ["收到的是假货，专柜验货说是假的", "买到的竟然是高仿，气死", "鉴定结果是a货，商家还不认"],
)
def test_a_buyer_who_received_a_fake_is_complaining_not_promoting(text):
    result = rules_of(text)
    assert result.scores["fake.counterfeit"] == 0
    assert result.scores["complaint"] > 0
    assert "counterfeit_received" in result.complaint_cues


def test_worrying_about_fakes_is_neither():
    result = rules_of("买之前一直担心会不会是高仿，收到后验了是正品")
    assert result.scores["fake.counterfeit"] == 0


def test_counterfeit_promotion_is_counterfeit():
    result = rules_of("高仿AJ，莆田纯原，可过验，需要的私")
    assert result.scores["fake.counterfeit"] > 0.95
    assert result.scores["complaint"] == 0


@pytest.mark.parametrize("text", ["去死皮效果很好", "给你妈妈买的，她很喜欢", "usb接口很稳", "11:10送到的"])
def test_innocent_phrases_do_not_fire(text):
    result = rules_of(text)
    assert not [h for h in result.hits if h.label in ("abuse", "fake.counterfeit")]


@pytest.mark.parametrize(
    "text",
    ["两栖飞机AG600完成对接", "宣传视频greatgamescomingtowindows10", "坐飞机去上海，航班号mu5101"],
)
def test_aircraft_and_latin_words_are_not_telegram_handles(text):
    assert not [h for h in rules_of(text).hits if h.rule == "contact.telegram"]


def test_a_ten_year_date_is_not_a_hookup():
    assert rules_of("大家都要去南京赴十年之约吗").scores["spam.adult"] == 0
    assert rules_of("同城的，今晚约吗").scores["spam.adult"] > 0


@pytest.mark.parametrize("text", ["到官网投票支持", "已经上网投诉了", "在官网投资理财"])
def test_online_betting_is_not_read_across_words(text):
    assert rules_of(text).scores["spam.gambling"] == 0


def test_nested_terms_count_once():
    result = rules_of("刷单兼职")
    assert [h.text for h in result.hits if h.label == "spam.fraud"] == ["刷单兼职"]


def test_complaint_cues_and_severity_floor():
    result = rules_of("充电宝鼓包起火，差点烧到孩子")
    assert "safety" in result.complaint_cues
    assert result.severity_floor == "critical"


def test_noisy_or():
    assert noisy_or([]) == 0
    assert noisy_or([0.5, 0.5]) == pytest.approx(0.75)
