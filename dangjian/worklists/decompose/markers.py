"""Numbering markers: 一、 （一） (一) 1. 1、 （1） ① 第一， 一是 一要 首先/其次/再次/最后, 第一章 …

A marker is found where it stands as a marker (at a paragraph start or after a sentence break), never
inside a word: "统一、" and "进一步" are not markers. Which candidates really open a section is
decided by the outline parser from the sequence they form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN = "[一二三四五六七八九十]{1,3}"

# Styles a reader takes for section headings; the others (一是, 首先, 第一) are enumerations that need a
# second member before they count.
STRONG_STYLES = frozenset({"part", "chapter", "section", "article", "cn_dun", "cn_paren", "num", "num_paren",
                           "num_rparen", "circled"})
WORD_VALUES = {"首先": 1, "其次": 2, "再次": 3, "最后": None}

MARKER_RE = re.compile(
    rf"(?P<part>第(?P<part_n>{CN}|\d{{1,2}})部分)[\s、，,：:．.]*"
    rf"|(?P<chapter>第(?P<chapter_n>{CN}|\d{{1,2}})[章篇])[\s、，,：:．.]*"
    rf"|(?P<section>第(?P<section_n>{CN}|\d{{1,2}})节)[\s、，,：:．.]*"
    rf"|(?P<article>第(?P<article_n>{CN}|\d{{1,3}})条)[\s、，,：:．.]*"
    rf"|(?P<ordinal>第(?P<ordinal_n>{CN}))(?=[，,、：:．.\s是要])[，,、：:．.\s]*"
    r"|(?P<word>首先|其次|再次|最后)[，,、：:\s]*"
    rf"|(?P<cn_dun>(?P<cn_dun_n>{CN})[、．.])(?![\d、])\s*"
    rf"|(?P<cn_paren>[（(]\s*(?P<cn_paren_n>{CN})\s*[)）])[、，,．.]?\s*"
    r"|(?P<num_paren>[（(]\s*(?P<num_paren_n>\d{1,2})\s*[)）])[、，,．.]?\s*"
    r"|(?P<num_enclosed>[⑴-⒇])\s*"
    r"|(?P<num>(?P<num_n>\d{1,2})(?:[、]|[.．](?!\d)))\s*"
    r"|(?P<num_rparen>(?P<num_rparen_n>\d{1,2})[)）])\s*"
    r"|(?P<circled>[①-⑳])\s*"
    rf"|(?P<shi>(?P<shi_n>{CN})是)"
    rf"|(?P<yao>(?P<yao_n>{CN})要)"
)
STYLE_GROUPS = ("part", "chapter", "section", "article", "ordinal", "word", "cn_dun", "cn_paren", "num_paren",
                "num_enclosed", "num", "num_rparen", "circled", "shi", "yao")
SENTENCE_BREAKS = "。！？；!?;：:"
SELF_DELIMITING = "（(①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
CLAUSE_BREAKS = "，,"
LABEL_ENDS = "】]"  # "【提纲】一、……"


@dataclass(frozen=True)
class Marker:
    """One numbering marker: ``text`` as written, ``style`` (the sequence it belongs to: 首先/其次/第三
    are one style, "ordinal"), ``value`` (None for 最后 and bullets),
    ``start``/``end`` positions in the text it was found in (``end`` after the separators)."""

    text: str
    style: str
    value: int | None
    start: int = 0
    end: int = 0
    is_last: bool = False
    bounded: bool = True

    @property
    def strong(self) -> bool:
        return self.style in STRONG_STYLES or self.style.startswith(("docx:", "heading:"))

    def shifted(self, offset: int) -> Marker:
        return replace(self, start=self.start - offset, end=self.end - offset)


def cn_to_int(word: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23; None for what is not a well-formed numeral below 100."""
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return CN_DIGITS.get(word) if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    high = CN_DIGITS.get(tens, 0) if tens else 1
    low = CN_DIGITS.get(ones, 0) if ones else 0
    if (tens and not high) or (ones and not low):
        return None
    return high * 10 + low


def _from_match(match: re.Match) -> Marker | None:
    style = next(name for name in STYLE_GROUPS if match.group(name))
    text = match.group(style)
    if style == "word":
        value = WORD_VALUES[text]
        return Marker(text, "ordinal", value, match.start(), match.end(), is_last=value is None)
    if style == "circled":
        return Marker(text, style, ord(text) - ord("①") + 1, match.start(), match.end())
    if style == "num_enclosed":
        return Marker(text, "num_paren", ord(text) - ord("⑴") + 1, match.start(), match.end())
    value = cn_to_int(match.group(f"{style}_n"))
    if not value:
        return None
    return Marker(text, style, value, match.start(), match.end())


def at_boundary(text: str, index: int, *, allow_comma: bool) -> bool:
    """True when position ``index`` can start a marker: text start, after white space or a break."""
    if index == 0:
        return True
    before = text[index - 1]
    if before.isspace() or before in SENTENCE_BREAKS or before in LABEL_ENDS:
        return True
    return allow_comma and before in CLAUSE_BREAKS


def _loose_ok(match: re.Match) -> bool:
    """一是, 一要 and "第一，" may be glued to the word before; "统一、" or "第一要务" may not."""
    if match.group("shi") or match.group("yao"):
        return True
    return bool(match.group("ordinal")) and match.end() > match.end("ordinal") and match.group(0)[-1] in "，,、：:"


def iter_markers(text: str, start: int = 0, end: int | None = None, *, allow_comma: bool = True,
                 loose: bool = False) -> Iterator[Marker]:
    """The marker candidates in ``text[start:end]`` standing where a marker can stand, in order.
    Bracketed and circled numbers delimit themselves and stand anywhere; with ``loose``, 一是/一要
    glued to the word before are candidates too (``bounded=False``: only a sequence confirms them)."""
    for match in MARKER_RE.finditer(text, start, len(text) if end is None else end):
        bounded = match.group(0)[0] in SELF_DELIMITING or at_boundary(text, match.start(), allow_comma=allow_comma)
        if not bounded and not (loose and _loose_ok(match)):
            continue
        marker = _from_match(match)
        if marker is not None:
            yield replace(marker, bounded=bounded) if not bounded else marker


def find_markers(text: str, *, allow_comma: bool = True, loose: bool = False) -> list[Marker]:
    return list(iter_markers(text, allow_comma=allow_comma, loose=loose))


def marker_at_start(text: str) -> Marker | None:
    """The marker that opens ``text``, if any."""
    match = MARKER_RE.match(text)
    return _from_match(match) if match else None


def continues(marker: Marker, previous: Marker | int | None) -> bool:
    """Does ``marker`` come right after ``previous`` (a marker or a value) in a sequence?"""
    value = previous.value if isinstance(previous, Marker) else previous
    return value is not None and marker.value == value + 1
