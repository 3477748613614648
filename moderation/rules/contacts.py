"""Contact handles and links, found with regexes on normalised text.

In a shopping community a handle in a post is traffic diversion (引流) far more often than not,
so these rules score ``spam.ad``. Links to the shop itself are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Domains a member may link to without it counting as diversion.
ALLOWED_DOMAINS = ("jd.com", "3.cn", "jd.hk", "jingdong.com")

_HANDLE = r"[a-z][-_a-z0-9]{5,19}"
_MOBILE = r"1[3-9]\d{9}"


@dataclass(frozen=True)
class ContactRule:
    name: str
    pattern: re.Pattern[str]
    strength: float
    # a cheap test that must pass before the regex is tried (most posts have no handle at all)
    needs: re.Pattern[str] | None = None


CONTACT_RULES = (
    ContactRule(
        "contact.wechat",
        re.compile(rf"微信(?:号)?\s*(?:[:是为]|号码)?\s*(?P<handle>{_HANDLE}|{_MOBILE})(?![a-z0-9])"),
        0.9,
        re.compile("微信"),
    ),
    ContactRule(
        "contact.qq",
        re.compile(r"(?:qq|群)\s*(?:号|群|号码)?\s*[:是]?\s*(?P<handle>\d{5,11})(?!\d)"),
        0.85,
        re.compile(r"\d{5}"),
    ),
    ContactRule(
        "contact.telegram",
        # tg must start a Latin word ("greatgamescoming" is not tg + amescoming), and 飞机 is Telegram
        # only when a handle is announced (飞机号, 飞机: @x, 加飞机): "飞机ag600" is an aircraft model
        re.compile(
            r"(?:(?<![a-z0-9])(?:telegram|tg)|(?:(?<=加)|(?=纸?飞机\s*[号:@]))纸?飞机)"
            r"\s*(?:号)?\s*[:]?\s*@?(?P<handle>[a-z][a-z0-9_]{4,31})"
        ),
        0.85,
        re.compile("tg|telegram|飞机"),
    ),
    ContactRule(
        "contact.mention_handle", re.compile(r"(?<![a-z0-9])@(?P<handle>[a-z][a-z0-9_]{4,31})\b"), 0.2, re.compile("@")
    ),
    ContactRule("contact.mobile", re.compile(rf"(?<!\d)(?P<handle>{_MOBILE})(?!\d)"), 0.7, re.compile(r"\d{11}")),
    ContactRule("contact.hotline", re.compile(r"(?<!\d)(?P<handle>[48]00\d{7})(?!\d)"), 0.45, re.compile(r"\d{10}")),
    ContactRule(
        "contact.link",
        re.compile(
            r"(?P<handle>(?:https?://|www\.)[a-z0-9][-a-z0-9.]*(?:/[^\s]*)?"
            r"|(?<![a-z0-9@.])[a-z0-9][-a-z0-9]*(?:\.[a-z0-9][-a-z0-9]*)*"
            r"\.(?:com|cn|net|org|top|xyz|vip|cc|shop|club|info|site|me|io)(?![a-z])(?:/[^\s]*)?)"
        ),
        0.6,
        re.compile(r"\.|www|http"),
    ),
)


@dataclass(frozen=True)
class ContactHit:
    rule: str
    start: int
    end: int
    text: str
    strength: float


def _allowed_link(handle: str) -> bool:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", handle).split("/", 1)[0]
    return any(host == domain or host.endswith("." + domain) for domain in ALLOWED_DOMAINS)


def find_contacts(text: str) -> list[ContactHit]:
    """Contact handles in normalised text, one hit per handle (the most specific rule wins)."""
    hits: list[ContactHit] = []
    taken: list[tuple[int, int]] = []
    for rule in CONTACT_RULES:
        if rule.needs is not None and not rule.needs.search(text):
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span("handle")
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if rule.name == "contact.link" and _allowed_link(match.group("handle")):
                continue
            taken.append((start, end))
            hits.append(ContactHit(rule.name, match.start(), match.end(), match.group(0), rule.strength))
    return hits
