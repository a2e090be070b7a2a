"""The outline: which markers open sections, at what level, and what text belongs to each.

Levels follow the styles in the order they first appear within the nesting, as a reader takes them:
a style already open on the path is a sibling there (also when its numbering restarts or skips); a new
style is a child of the innermost open section. Three repairs for inconsistent numbering:
a marker of another style that continues an open sequence ("三要" after "（二）", "第三，" after "二、")
joins that sequence; "最后" closes the open 首先/第N sequence, or else the top level; a style seen
shallower before ("（一）" once under "一、") pops back to that level when it is the higher style.
Enumerations inside a paragraph (一是…二是…, 首先…其次…, 1.…2.…) become the deepest children.
A speech glued into one line is cut where a marker continues an open sequence or, in a long stretch,
where a marker starts a sequence whose second member follows.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from .markers import Marker, continues, find_markers, iter_markers, marker_at_start
from .segment import ADDRESS_RE, Para

RANK = {"part": 0, "chapter": 0, "section": 1, "cn_dun": 2, "cn_paren": 3, "num": 4, "num_paren": 5,
        "num_rparen": 5, "circled": 6, "ordinal": 7, "shi": 8, "yao": 8, "article": 9}
# Enumeration styles that may stand in for a section's own numbering ("三要" after "（二）"); the
# heading styles never do (第三条 after 第二章 is the article numbering running on).
CROSS_STYLES = frozenset({"ordinal", "shi", "yao"})
GLUED_MIN = 300
PARTNER_DISTANCE = 20_000
LOOKBACK = 5_000
LOOKAHEAD = 80
INLINE_DEPTH = 2
HEADING_MAX = 50
HEAD_END = re.compile(r"[。！？!?；;：:\n]")
CLOSING_LINE = re.compile(r"^(?:我就讲这些|我就讲这么多|就讲这些|谢谢大家|谢谢)")
CLOSING_CUT = re.compile(r"(?<=[。！？!?])\s*(?=同志们[，,：:！!])")


@dataclass
class Node:
    marker: Marker
    depth: int
    parts: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    heading: str = ""
    text: str = ""
    body: str = ""  # heading and text as written, before its own enumeration (not in the JSON)

    def to_dict(self) -> dict:
        return {"marker": self.marker.text, "level": self.depth, "heading": self.heading, "text": self.text,
                "children": [child.to_dict() for child in self.children]}


@dataclass
class Outline:
    roots: list[Node]
    preamble: list[str]
    closing: list[str]


def split_heading(body: str) -> tuple[str, str]:
    """(heading, text) of a section's body: its first sentence when short, else its first clause."""
    body = body.strip()
    match = HEAD_END.search(body)
    first = body[:match.start()] if match else body
    if match and len(first) <= HEADING_MAX:
        return first.strip(" ，,"), body[match.end():].strip()
    if not match and len(body) <= HEADING_MAX + 10:
        return body, ""
    clause = re.split(r"[，,]", first, maxsplit=1)[0]
    return (clause if len(clause) <= 30 else clause[:28] + "…"), body


def inline_chain(text: str) -> list[Marker]:
    """The first enumeration inside ``text``: markers of one style counting up from 1 (or 首先). Its
    first member may be glued to the word before ("…责任一要靠…") when the second one is not."""
    candidates = find_markers(text, loose=True)
    for i, first in enumerate(candidates):
        if first.value != 1:
            continue
        chain = [first]
        for other in candidates[i + 1:]:
            if other.style != first.style or not other.bounded:
                continue
            if other.value == 1:
                break
            if continues(other, chain[-1]):
                chain.append(other)
            elif other.is_last and len(chain) >= 2:
                chain.append(other)
                break
        if len(chain) >= 2:
            return chain
    return []


def finalize(node: Node, inline_depth: int = 0) -> None:
    """Fill heading and text from the collected paragraphs; split enumerations into children.
    The enumeration is found first: a heading glued to it ("夯实责任一要靠…") ends where it starts."""
    text = "\n".join(node.parts).strip()
    chain = inline_chain(text) if inline_depth < INLINE_DEPTH else []
    node.body = (text[:chain[0].start] if chain else text).strip()
    node.heading, node.text = split_heading(node.body)
    inline = []
    for k, marker in enumerate(chain):
        end = chain[k + 1].start if k + 1 < len(chain) else len(text)
        inline.append(Node(marker, node.depth + 1, parts=[text[marker.end:end].strip()]))
    for child in inline:
        finalize(child, inline_depth + 1)
    for child in node.children:
        finalize(child, inline_depth)
    node.children = inline + node.children


def _only_heading(text: str) -> bool:
    """Is ``text`` a heading alone: one short sentence?"""
    text = text.strip()
    return 0 < len(text) <= HEADING_MAX and not HEAD_END.search(text.rstrip("。；;：:"))


def _heading_like(marker: Marker) -> bool:
    """A marker that can head a top-level section: a strong style, or "第三，" (not "第三要", "其次")."""
    if marker.strong:
        return True
    separated = marker.end - marker.start > len(marker.text)
    return marker.style == "ordinal" and marker.text.startswith("第") and separated


class OutlineBuilder:
    def __init__(self, paras: list[Para]):
        self.queue: deque[Para] = deque(paras)
        self.roots: list[Node] = []
        self.stack: list[Node] = []
        self.first_depth: dict[str, int] = {}
        self.preamble: list[str] = []
        self.closing: list[str] = []
        self.in_closing = False

    def build(self) -> Outline:
        while self.queue:
            self._take(self.queue.popleft())
        for root in self.roots:
            finalize(root)
        return Outline(self.roots, self.preamble, self.closing)

    # -- one paragraph ------------------------------------------------------------------------------
    def _take(self, para: Para) -> None:
        marker = para.marker or self._opening_marker(para.text)
        if marker is not None and self.in_closing and not self._continues_root(marker):
            marker = None
        if marker is None:
            self._add_text(para.text)
            return
        self.in_closing = False
        self._place(marker)
        self._add_text(para.text[marker.end:])

    def _add_text(self, text: str) -> None:
        cut = self._find_cut(text)
        if cut is not None:
            position, marker = cut
            rest = text[position:]
            self.queue.appendleft(Para(rest, marker=marker.shifted(position) if marker else None))
            text = text[:position]
        text = text.strip()
        if text:
            self._append(text)

    def _append(self, text: str) -> None:
        if self.stack and not self.in_closing:
            closing = (ADDRESS_RE.match(text) and self._closing_ahead()) or \
                (CLOSING_LINE.match(text) and len(text) <= 20)
            self.in_closing = bool(closing)
        if self.in_closing:
            self.closing.append(text)
        elif self.stack:
            self.stack[-1].parts.append(text)
        else:
            self.preamble.append(text)

    # -- does a paragraph open a section? ----------------------------------------------------------
    def _opening_marker(self, text: str) -> Marker | None:
        marker = marker_at_start(text)
        if marker is None:
            return None
        open_style = self._style_index(marker) is not None
        if marker.value and marker.value > 1 and not open_style and self._continues_inline(marker):
            return None
        if marker.strong:
            return marker
        if marker.is_last:
            return marker if self.stack else None
        if marker.value == 1:
            return marker if self._partner_ahead(marker) or self._partner_inside(marker, text) \
                or self._last_point(marker) else None
        return marker if open_style or self._numeric_parent(marker) is not None else None

    def _style_index(self, marker: Marker) -> int | None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].marker.style == marker.style:
                return i
        return None

    def _continues_inline(self, marker: Marker) -> bool:
        """Does the open section's own text hold the member before this one (一是… in the text, 二是 now)?"""
        if not self.stack or not self.stack[-1].parts:
            return False
        inside = find_markers("\n".join(self.stack[-1].parts))
        return any(m.style == marker.style and continues(marker, m) for m in inside)

    def _partner_ahead(self, marker: Marker) -> bool:
        """Does a later paragraph start with the second member of this enumeration?"""
        open_styles = {node.marker.style for node in self.stack}
        for i, para in enumerate(self.queue):
            if i >= LOOKAHEAD:
                break
            other = para.marker or marker_at_start(para.text)
            if other is None:
                continue
            if other.style == marker.style and other.value == 2:
                return True
            if other.strong and other.style in open_styles:
                return False
        return False

    @staticmethod
    def _partner_inside(marker: Marker, text: str) -> bool:
        """Does the second member follow within this paragraph ("首先，……。其次，……")?"""
        ahead = iter_markers(text, marker.end, marker.end + PARTNER_DISTANCE, allow_comma=False)
        return any(m.style == marker.style and m.value == 2 for m in ahead)

    def _last_point(self, marker: Marker) -> bool:
        """"一是……" opening the last paragraph of a section cut short (a pasted excerpt): the text
        ends before its partner could come, and a reader still takes it for a point."""
        return not self.queue and bool(self.stack) and marker.style in CROSS_STYLES

    def _numeric_parent(self, marker: Marker) -> int | None:
        """Index of an open section whose number this marker continues in another style, where that
        section's sequence has been consistent so far ("三要" after "（一）（二）")."""
        if not marker.value or marker.value < 3 or marker.style not in CROSS_STYLES:
            return None
        for i in range(len(self.stack) - 1, -1, -1):
            node = self.stack[i]
            siblings = self.stack[i - 1].children if i else self.roots
            if continues(marker, node.marker) and len(siblings) == marker.value - 1:
                return i
        return None

    # -- where a section goes ----------------------------------------------------------------------
    def _keep_count(self, marker: Marker) -> int:
        """How many open sections stay open above the new one."""
        same = self._style_index(marker)
        if same is not None:
            return same
        if marker.is_last:
            return next((i for i, n in enumerate(self.stack) if n.marker.style == "ordinal"), 0)
        numeric = self._numeric_parent(marker)
        if numeric is not None:
            return numeric
        depth = self.first_depth.get(marker.style)
        rank = RANK.get(marker.style)
        if depth is not None and rank is not None and depth - 1 < len(self.stack) \
                and all(RANK.get(n.marker.style, 99) > rank for n in self.stack[depth - 1:]):
            return depth - 1
        return len(self.stack)

    def _place(self, marker: Marker) -> Node:
        keep = self._keep_count(marker)
        del self.stack[keep:]
        node = Node(marker, keep + 1)
        (self.stack[-1].children if self.stack else self.roots).append(node)
        self.stack.append(node)
        self.first_depth.setdefault(marker.style, node.depth)
        return node

    # -- cutting glued paragraphs ------------------------------------------------------------------
    def _find_cut(self, text: str) -> tuple[int, Marker | None] | None:
        """Where a paragraph holding several must be cut: (position, the marker there or None) — at
        the first marker that continues or starts a sequence, or before a closing "同志们，"."""
        cut = next((c for c in iter_markers(text, 1, allow_comma=False)
                    if self._cut_continues(c, text) or self._cut_starts(c, text) or self._cut_restarts(c, text)),
                   None)
        closing = CLOSING_CUT.search(text, 0, cut.start if cut else len(text)) if self.stack else None
        if closing:
            return closing.end(), None
        return (cut.start, cut) if cut else None

    def _cut_continues(self, marker: Marker, text: str) -> bool:
        if marker.is_last:
            return any(node.marker.style == "ordinal" for node in self.stack)
        if any(node.marker.style == marker.style and continues(marker, node.marker) for node in self.stack):
            return True
        if self._continues_root(marker) and _heading_like(marker):
            return True
        return self._numeric_parent(marker) is not None and not self._has_predecessor(marker, text)

    def _has_predecessor(self, marker: Marker, text: str) -> bool:
        """Is an earlier member already in the text (一要… before 三要)? Then this one is inline."""
        before = text[max(0, marker.start - LOOKBACK):marker.start]
        inside = find_markers(before) + (find_markers("\n".join(self.stack[-1].parts)) if self.stack else [])
        return any(m.style == marker.style and m.value is not None and m.value < (marker.value or 0) for m in inside)

    def _continues_root(self, marker: Marker) -> bool:
        if not self.roots or self.roots[-1] not in self.stack:
            return False
        last = self.roots[-1].marker
        return continues(marker, last) and len(self.roots) == (marker.value or 0) - 1

    def _cut_starts(self, marker: Marker, text: str) -> bool:
        """A new sequence starts here (its second member follows): in the preamble, or for a heading
        style inside a long stretch or right after a heading ("三、聚焦……。（一）建立……" in a 提纲)."""
        if marker.value != 1 or self._style_index(marker) is not None:
            return False
        if self.stack and not (marker.strong and (len(text) >= GLUED_MIN or _only_heading(text[:marker.start]))):
            return False
        ahead = iter_markers(text, marker.end, marker.end + PARTNER_DISTANCE, allow_comma=False)
        return any(m.style == marker.style and m.value == 2 for m in ahead)

    def _cut_restarts(self, marker: Marker, text: str) -> bool:
        """A new paragraph ("签字背书制。一是……二是……") restarts an enumeration already open: its
        members are siblings of the open ones, not children of the last."""
        if marker.value != 1 or marker.strong or self._style_index(marker) is None:
            return False
        return self._partner_inside(marker, text)

    def _closing_ahead(self) -> bool:
        """No section marker follows: what starts here closes the speech."""
        for i, para in enumerate(self.queue):
            if i >= LOOKAHEAD:
                break
            other = para.marker or marker_at_start(para.text)
            if other is not None and (other.strong or self._continues_root(other)):
                return False
        return True


def build_outline(paras: list[Para]) -> Outline:
    return OutlineBuilder(paras).build()
