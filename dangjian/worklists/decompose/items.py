"""Draft work items from the outline: one per classified sentence, found at the leaves (and in a
section's own text), each carrying its path, owners, frequency, deadline and mechanisms."""

from __future__ import annotations

from . import classify
from .mechanisms import find_mechanisms, mechanism_link
from .outline import Node, Outline
from .segment import sentences

SHORT_SENTENCE = 10
MIN_ITEM = 6


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


def make_item(text: str, *, kind: str, path: list[str], heading: str, source: str) -> dict:
    text = text.strip().rstrip("。；;")
    mechanisms = find_mechanisms(text)
    return {
        "kind": kind,
        "text": text,
        "path": path,
        "owners": classify.owners_of(text),
        "frequency": classify.frequency_of(text),
        "deadline": classify.deadline_of(text),
        "mechanisms": mechanisms,
        "source": source,
        "mechanism_links": [mechanism_link(name) for name in mechanisms],
        "heading": heading,
    }


def items_from_text(text: str, *, path: list[str], heading: str, source: str) -> list[dict]:
    """Items of a section's text. A short sentence leads into the next one of its own paragraph only:
    a short line above a paragraph ("党课讲稿") is not part of its first sentence."""
    out = []
    units = [unit for line in text.split("\n") for unit in merge_short(sentences(line))]
    for unit in units:
        kind = classify.kind_of(unit) if len(unit) >= MIN_ITEM else None
        if kind:
            out.append(make_item(unit, kind=kind, path=path, heading=heading, source=source))
    return out


def _node_items(node: Node, path: list[str], source: str) -> list[dict]:
    path = [*path, node.marker.text]
    made = items_from_text(node.text, path=path, heading=node.heading, source=source)
    kind = classify.kind_of(node.heading) if not made and not node.children and len(node.heading) >= 4 else None
    if kind:  # a leaf whose only content is its heading ("二要强化执法监督，加大……")
        made = [make_item(node.heading, kind=kind, path=path, heading=node.heading, source=source)]
    for child in node.children:
        made += _node_items(child, path, source)
    return made


def extract_items(outline: Outline, *, source: str) -> list[dict]:
    """Every draft item, in document order, without repeats."""
    if outline.roots:
        found = [item for root in outline.roots for item in _node_items(root, [], source)]
    else:
        found = [item for para in outline.preamble
                 for item in items_from_text(para, path=[], heading="", source=source)]
    unique = {}
    for item in found:
        unique.setdefault((item["text"], tuple(item["path"])), item)
    return list(unique.values())
