"""Text normalisation: undo the usual evasions before rules and models look at a post.

``normalize(text)`` returns lower-case, half-width, simplified text in which contact handles and
links are spelled the plain way (微信, qq, .com, digits), so that one rule or one model feature
covers all the disguises. Every step is a table lookup or a compiled regex: this runs on every post.

Order matters: unicode folding first (full-width, circled digits), then traditional to simplified
and homoglyphs, then invisible and decorative characters, then spacing, then the evasion words
and digit words, which rely on the text being folded already.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that carry no text: zero-width joiners, BOM, bidi marks (category Cf) and the runic
# markers some spam generators append (U+16A0-U+16FF).
_RUNIC = re.compile("[\u16a0-\u16ff]")

# Latin look-alikes from Cyrillic and Greek, and a few symbols used as letters.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y",
        "х": "x", "ь": "b", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ν": "v", "ο": "o", "α": "a",
        "ρ": "p", "τ": "t", "κ": "k", "ι": "i", "χ": "x", "ε": "e", "υ": "u", "ω": "w",
        "β": "b", "γ": "y", "μ": "u", "η": "n", "ɑ": "a", "ɡ": "g", "ⅰ": "i", "ⅴ": "v",
        "ⅹ": "x", "з": "3", "〇": "零", "○": "零", "丨": "|", "丶": ".", "➕": "+", "✚": "+",
    }
)

# Characters typed between the characters of a word to break keyword matching. Prose
# punctuation (，、：) is not among them: joining clauses would change what the text says.
_SEPARATORS = ".·•・_-—~～*/\\|'\"`^=#"
_WORD_CHAR = r"\u3400-\u4dbf\u4e00-\u9fffa-z0-9"
_SPLIT_WORD = re.compile(rf"[{_WORD_CHAR}](?:[{re.escape(_SEPARATORS)}]+[{_WORD_CHAR}]){{2,}}")
_SPLIT_WORD_SEPS = re.compile(rf"[{re.escape(_SEPARATORS)}]+")
# Between the digits of a phone or QQ number: spaces and dashes, not the dot of a price.
_DIGIT_SEP = r"[\s\-_*·•/|、,，]{0,3}"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")

# Spelled-out digits, as used to hide phone and QQ numbers (一三八..., 壹贰叁, 幺).
_DIGIT_WORDS = {
    "零": "0", "〇": "0", "洞": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2",
    "贰": "2", "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6",
    "陆": "6", "七": "7", "柒": "7", "拐": "7", "八": "8", "捌": "8", "九": "9", "玖": "9",
    "勾": "9",
}
_DIGITISH = "0-9" + "".join(_DIGIT_WORDS)
# Five or more digits or digit words, possibly separated: long enough to be a number, not prose.
_DIGIT_RUN = re.compile(rf"[{_DIGITISH}](?:{_DIGIT_SEP}[{_DIGITISH}]){{4,}}")
_DIGIT_RUN_TRANS = str.maketrans(_DIGIT_WORDS)
_DIGIT_RUN_ONLY_WORDS = re.compile(r"^[一二三四五六七八九十]+$")

# Evasion spellings, applied in order after folding. Each maps to the plain spelling.
_EVASIONS: list[tuple[re.Pattern[str], str]] = [
    # links first, so that "点com" does not leave a stray 点
    (re.compile(r"(?:点|dot|\(dot\)|\[dot\]|。)\s*(com|cn|net|org|top|xyz|vip|cc|me|io|co|shop|club)(?![a-z])"), r".\1"),
    (re.compile(r"(?<=[a-z0-9])\s*[.。]\s*(com|cn|net|org|top|xyz|vip|cc|shop|club)(?![a-z])"), r".\1"),
    (re.compile(r"(?<![a-z])www\s*(?:点|。|dot|\.)\s*"), "www."),
    (re.compile(r"h\s*t\s*t\s*p\s*(s?)\s*[:：]\s*/\s*/\s*"), r"http\1://"),
    # WeChat: 薇信 威信 徽信 维信 微芯 v信 vx wx wei信 weixin wechat 微x
    (re.compile(r"(?:[微薇维徽]|wei|v|w)\s*(?:信|芯|xin)"), "微信"),
    # 威信 is also a word (prestige): only with 加 or a handle after it
    (re.compile(r"(?:(?<=加)\s*威信|威信(?=\s*[:：号]?\s*[a-z0-9]))"), "微信"),
    (re.compile(r"(?<![a-z])(?:vx|wx|vchat|wechat|weixin|weix|v\.x|w\.x)(?![a-z])"), "微信"),
    (re.compile(r"(?<=[微薇威维徽])x(?![a-z])"), "信"),
    (re.compile(r"微信信"), "微信"),
    (re.compile(r"(?:加|\+)\s*(?:薇|v(?![a-z])|微(?![\u4e00-\u9fff]))(?!信)"), "加微信"),
    (re.compile(r"(?:加|\+)\s*v(?=[a-z][-_a-z0-9]{5,})"), "加微信"),
    (re.compile(r"[薇威](?=\s*[:：]?\s*[a-z][-_a-z0-9]{4,})"), "微信"),
    (re.compile(r"微(?![信博店波])(?=\s*[:：]\s*[a-z][-_a-z0-9]{4,})"), "微信"),
    (re.compile(r"(?<![a-z0-9])v(?=\s*[:：]\s*[a-z0-9])"), "微信"),
    # QQ: 扣扣 叩叩 抠抠 寇寇 蔻蔻 企鹅号 扣号 加q q群 裙
    (re.compile(r"(?:扣扣|叩叩|抠抠|寇寇|蔻蔻|kou\s*kou)(?!子)"), "qq"),
    (re.compile(r"(?:企鹅|扣)\s*(?=号|群|[:：]?\s*\d{5,})"), "qq"),
    (re.compile(r"(?:加|\+)\s*企鹅"), "加qq"),
    (re.compile(r"(?<![a-z])q(?=\s*(?:号|群|[:：]?\s*\d{5,}))"), "qq"),
    (re.compile(r"(?:加|\+)\s*q(?![a-z])"), "加qq"),
    (re.compile(r"(?:加|\+)\s*扣(?=$|[^\u4e00-\u9fff])"), "加qq"),
    (re.compile(r"qqq+"), "qq"),
    (re.compile(r"(?:加|进)\s*裙"), r"加群"),
]
# Every pattern above needs a Latin letter or one of these characters: a text with none of them
# (most posts) skips the 22 passes, which were half the time of normalize on shopping reviews.
_EVASION_TRIGGER = re.compile(r"[a-z信芯威薇微扣叩抠寇蔻企裙]")


@lru_cache(maxsize=1)
def _traditional_table() -> dict[int, str]:
    """One-to-one traditional to simplified characters from zhconv's table, built on first use.

    Only single characters are taken: phrase-level conversions are regional vocabulary
    (軟體 -> 软件), which changes words rather than undoing a disguise.
    """
    from zhconv import zhconv as zhconv_impl

    table = zhconv_impl.getdict("zh-hans")
    return {ord(src): dst for src, dst in table.items() if len(src) == 1 and len(dst) == 1}


@lru_cache(maxsize=1)
def _invisible_table() -> dict[int, None]:
    """Decorative symbols, emoji, private-use, format and combining marks, all to be deleted.

    Inside a word they are evasion ("加❤微❤信"); outside one they carry nothing the rules or models
    need. Built once per process (a scan of the code space, a fraction of a second) so that the
    per-post work is a single ``str.translate``.
    """
    drop = ("So", "Sk", "Co", "Cs", "Cf", "Mn", "Me")
    return {
        code: None
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in drop and chr(code) != "+"
    }


def _drop_invisible(text: str) -> str:
    return text.translate(_invisible_table())


@lru_cache(maxsize=1)
def _character_table() -> dict[int, str | None]:
    """Traditional -> simplified, homoglyphs -> Latin and invisible -> deleted, as one table, so
    that the per-character work is one ``str.translate``. The three never map the same key."""
    table: dict[int, str | None] = dict(_invisible_table())
    table.update(_traditional_table())
    table.update({code: value for code, value in _HOMOGLYPHS.items()})
    return table


def _join_spaced_singles(text: str) -> str:
    """Join runs of three or more single characters split by separators: "w w w . x x . c o m"."""
    tokens = text.split(" ")
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return " ".join(out)


def _fold_digit_run(match: re.Match[str]) -> str:
    run = match.group(0)
    plain = re.sub(_DIGIT_SEP, "", run)
    # Pure Chinese numerals in prose (一二三四五) are left alone unless they contain 零/幺-style
    # phone spelling or are long enough to be a number (seven or more).
    if _DIGIT_RUN_ONLY_WORDS.match(plain) and len(plain) < 7:
        return run
    return plain.translate(_DIGIT_RUN_TRANS)


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` used by every rule and model."""
    if not text:
        return ""
    text = _RUNIC.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(_character_table())
    text = _SPACES.sub(" ", text).strip()
    text = _join_spaced_singles(text)
    text = _SPLIT_WORD.sub(lambda m: _SPLIT_WORD_SEPS.sub("", m.group(0)), text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _DIGIT_RUN.sub(_fold_digit_run, text)
    if _EVASION_TRIGGER.search(text):
        for pattern, replacement in _EVASIONS:
            text = pattern.sub(replacement, text)
    return text
