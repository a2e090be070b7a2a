"""Draft work items from the outline.

A point of the outline (a leaf with a heading: "一是要高度重视。各单位要……") is one item: its title
is the heading, its measures the actionable sentences under it, its kind decided for the point
(a heading that names a shortcoming is a problem, one whose subject is an owner a responsibility,
else a task). Shortcomings named under a point that is not itself a problem are listed one by one.
A leaf without a heading, a heading that is no duty ("由书记进行了点评"), and a text without an
outline give one item per classified sentence. A section's own text above its points and the points
under a review of achievements (一、肯定成绩) give no duties. Sentences that are talk (questions,
asides, quotations, work already done) are left out with their reason, for the review page.
"""

from __future__ import annotations

import re

from . import chatter, classify
from .markers import Marker, marker_at_start
from .mechanisms import find_mechanisms, mechanism_link
from .outline import Node, Outline
from .owners import GENERAL, Vocabulary
from .segment import sentences

SHORT_SENTENCE = 10
MIN_ITEM = 6
NOUN_HEADING_MAX = 20
TITLE_LEAD = re.compile(r"^(?:要|是要|就是要|必须|务必|应当|着力|切实)(?=.{4})")
TITLE_TAIL = re.compile(r"[。；;，,：:！!、\s]+$")
# A section that reviews the past or states the frame of a plan holds no duties.
REVIEW_HEADING = re.compile(
    r"^(?:肯定成绩|回顾|总结成绩|过去一年)|(?:取得了?(?:明显|显著|积极|新的?|重要|丰硕)?(?:成[绩效]|进展)|工作成效|主要成效|主要做法"
    r"|工作回顾|基本情况|工作开展情况|成绩与经验|主要经验)$"
    r"|^(?:指导思想|总体要求|总体目标|工作目标|目标任务|基本原则|工作原则|建设目标|主要目标|总体思路|工作思路)$")
CLAUSE_END = re.compile(r"[，,。；;：:！!？?\n]")
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAIN_HEADING_MAX = 30
PLAIN_HEADING_BREAKS = re.compile(r"[。！？!?；;：:…]")
NARRATIVE_HEADING = re.compile(r"了|由.{1,20}(?:主持|进行|组织)|会议|大会")


def merge_short(units: list[str]) -> list[str]:
    """A very short sentence ("要把方向。") is the lead-in of the next one: keep them together."""
    out: list[str] = []
    carry = ""
    for unit in units:
        if len(unit) < SHORT_SENTENCE and not carry:
            carry = unit
            continue
        out.append(carry + unit)
        carry = ""
    if carry:
        out.append(carry)
    return out


def clean_title(heading: str) -> str:
    """The heading as a title: no trailing punctuation, no leading 要/必须."""
    return TITLE_LEAD.sub("", TITLE_TAIL.sub("", heading.strip()))


class ItemMaker:
    """Makes the items of one document and keeps the sentences it filtered out as talk."""

    def __init__(self, *, source: str, vocabulary: Vocabulary = GENERAL):
        self.source = source
        self.vocabulary = vocabulary
        self.filtered: list[dict] = []

    # -- one item ---------------------------------------------------------------------------------
    def make(self, text: str, *, kind: str, path: list[str], heading: str, title: str = "",
             measures: list[str] | None = None) -> dict:
        text = text.replace("\n", "").strip().rstrip("。；;")
        measures = measures or []
        duties = " ".join([title or text, *measures])
        mechanisms = find_mechanisms(text)
        return {
            "kind": kind,
            "title": title or text,
            "text": text,
            "measures": measures,
            "path": path,
            "owners": classify.owners_of(duties, self.vocabulary),
            "frequency": classify.frequency_of(duties),
            "deadline": classify.deadline_of(duties),
            "mechanisms": mechanisms,
            "source": self.source,
            "mechanism_links": [mechanism_link(name) for name in mechanisms],
            "heading": heading,
        }

    def _filter(self, unit: str, path: list[str], heading: str) -> bool:
        """Record ``unit`` as talk when it is; True when it was."""
        reason = chatter.reason_of(unit)
        if reason:
            self.filtered.append({"text": unit.strip().rstrip("。；;"), "reason": reason, "path": path,
                                  "heading": heading})
        return reason is not None

    def units(self, text: str) -> list[str]:
        """Sentences of a text; a short one leads into the next one of its own paragraph only."""
        return [unit for line in text.split("\n") for unit in merge_short(sentences(line))]

    def classified(self, text: str, path: list[str], heading: str) -> list[tuple[str, str]]:
        """(sentence, kind) of the sentences of ``text`` that are items, talk filtered out."""
        out = []
        for unit in self.units(text):
            kind = classify.kind_of(unit) if len(unit) >= MIN_ITEM else None
            if kind and not self._filter(unit, path, heading):
                out.append((unit, kind))
        return out

    def sentence_items(self, text: str, *, path: list[str], heading: str,
                       kinds: frozenset[str] | None = None) -> list[dict]:
        return [self.make(unit, kind=kind, path=path, heading=heading)
                for unit, kind in self.classified(text, path, heading) if kinds is None or kind in kinds]

    # -- points -----------------------------------------------------------------------------------
    def point_kind(self, heading: str, has_content: bool) -> str | None:
        """The kind of a point from its heading; None when the heading is no duty."""
        if chatter.reason_of(heading):
            return None
        kind = classify.kind_of(heading)
        if kind == "responsibility" and not classify.subject_owners(heading, self.vocabulary):
            kind = "task"
        if kind is None and has_content and len(heading) <= NOUN_HEADING_MAX and len(CJK.findall(heading)) >= 3 \
                and not NARRATIVE_HEADING.search(heading):
            kind = "task"  # a point named by a short phrase ("政治功能强", "开列问题清单") with its measures below
        return kind

    @staticmethod
    def names_shortcoming(heading: str) -> bool:
        return bool(classify.DEFICIENCY.search(classify.REMEDY.sub("", heading))) and not classify.MODAL.search(heading)

    def point_items(self, node: Node, path: list[str]) -> list[dict]:
        heading = node.heading
        found = self.classified(node.text, path, heading)
        kind = self.point_kind(heading, bool(node.text.strip())) if len(heading) >= 4 else None
        if kind is None:  # the heading is no duty: its sentences are the items
            return [self.make(unit, kind=k, path=path, heading=heading) for unit, k in found]
        full = node.body or heading
        # The outline shortens a long first clause for display ("……民主生…"); the title keeps it whole.
        title = clean_title(CLAUSE_END.split(full, maxsplit=1)[0] if heading.endswith("…") else heading)
        if kind == "task" and self.names_shortcoming(heading) and any(k == "problem" for _, k in found):
            kind = "problem"  # "组织生活不够规范。部分党支部……": the heading names what its sentences describe
        if kind == "problem":
            return [self.make(full, kind=kind, path=path, heading=heading, title=title)]
        # Shortcomings described under a duty are problems of their own; one merely named by a
        # measure ("围绕……不力的问题，列出问题清单") stays a measure.
        problems = [unit for unit, k in found if k == "problem" and classify.DESCRIPTIVE.search(unit)]
        # A row that names its own owner or deadline (a table's "……（责任单位：…；完成时限：…）") is a
        # point of its own, not a measure of the heading above it.
        rows = [(unit, k) for unit, k in found if unit not in problems and classify.LABEL_RE.search(unit)]
        measures = [unit.strip().rstrip("。；;") for unit, _ in found if unit not in problems and (unit, _) not in rows]
        item = self.make(full, kind=kind, path=path, heading=heading, title=title, measures=measures)
        return [item, *(self.make(unit, kind=k, path=path, heading=heading) for unit, k in rows),
                *(self.make(unit, kind="problem", path=path, heading=heading) for unit in problems)]

    def group_items(self, group: tuple[str, list[str]]) -> list[dict]:
        """Items of an unnumbered point (heading line, paragraphs) or of a paragraph without one."""
        heading, paras = group
        if not heading:
            return [item for para in paras for item in self.sentence_items(para, path=[], heading="")]
        node = Node(Marker("", "plain", None), 1, heading=heading, text="\n".join(paras),
                    body="\n".join([heading, *paras]))
        return self.point_items(node, [])

    def node_items(self, node: Node, path: list[str]) -> list[dict]:
        path = [*path, node.marker.text]
        if REVIEW_HEADING.search(node.heading):
            return []
        if not node.children:
            return self.point_items(node, path)
        made = self.sentence_items(node.text, path=path, heading=node.heading, kinds=frozenset({"problem"}))
        for child in node.children:
            made += self.node_items(child, path)
        return made


def _plain_heading(para: str) -> bool:
    """A short line alone, no sentence in it: a heading set apart without a number."""
    return 4 <= len(para) <= PLAIN_HEADING_MAX and not PLAIN_HEADING_BREAKS.search(para) \
        and len(CJK.findall(para)) >= 4 and marker_at_start(para) is None


def plain_points(paras: list[str]) -> list[tuple[str, list[str]]]:
    """A text without numbers may still set its points apart by heading lines ("推进工程化建设，锚定……"
    above its paragraph, as news reports of a speech do): (heading, paragraphs) groups when at least
    two such lines each head prose; otherwise every paragraph alone, without a heading."""
    heads = [i for i, para in enumerate(paras)
             if _plain_heading(para) and i + 1 < len(paras) and not _plain_heading(paras[i + 1])]
    if len(heads) < 2:
        return [("", paras)]
    groups = [("", paras[:heads[0]])]
    for k, start in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else len(paras)
        groups.append((paras[start], paras[start + 1:end]))
    return groups


def extract_items(outline: Outline, *, source: str, vocabulary: Vocabulary = GENERAL) -> tuple[list[dict], list[dict]]:
    """(every draft item, in document order, without repeats; the sentences filtered out as talk)."""
    maker = ItemMaker(source=source, vocabulary=vocabulary)
    if outline.roots:
        found = [item for root in outline.roots for item in maker.node_items(root, [])]
    else:
        found = [item for group in plain_points(outline.preamble) for item in maker.group_items(group)]
    unique = {}
    for item in found:
        unique.setdefault((item["text"], tuple(item["path"])), item)
    return list(unique.values()), maker.filtered
