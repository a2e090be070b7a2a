"""The decomposer scored on a corpus: real texts, each beside a hand-written expectation.

A corpus is a directory of ``NAME.txt`` (the text as published) and ``NAME.json``::

    {"source": "https://…", "kind": "领导讲话", "title": "…" or "",
     "outline": [[level, marker, heading prefix], …],   # every numbered point, in order
     "items": [[kind, point], …]}                         # what a clerk would list

An expected outline node is found when a produced node has its level and marker and a heading that
starts with its prefix; outline accuracy is found nodes over expected nodes plus nodes produced in
excess. An expected item is found when an unused produced item has its kind and a title that
contains its point; precision is found items over produced items, recall over expected items.
Texts are compared after NFKC (full-width punctuation as ASCII) and without white space.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .pipeline import decompose

SPACE = re.compile(r"\s+")
MARKER_TAIL = re.compile(r"[、,.:：，．\s]+$")


def norm(text: str) -> str:
    return SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def norm_marker(marker: str) -> str:
    return MARKER_TAIL.sub("", norm(marker))


@dataclass
class TextScore:
    name: str
    title_ok: bool
    outline_found: int
    outline_expected: int
    outline_extra: int
    items_found: int
    items_expected: int
    items_produced: int
    missed: list[tuple[str, str]] = field(default_factory=list)
    unexpected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def outline_total(self) -> int:
        return self.outline_expected + self.outline_extra


def flatten(nodes: list[dict]) -> list[tuple[int, str, str]]:
    out = []
    for node in nodes:
        out.append((node["level"], norm_marker(node["marker"]), norm(node["heading"])))
        out += flatten(node["children"])
    return out


def match_outline(expected: list, produced: list[tuple[int, str, str]]) -> int:
    """Expected nodes found in order among the produced ones."""
    found, start = 0, 0
    for level, marker, prefix in expected:
        marker, prefix = norm_marker(marker), norm(prefix)
        for i in range(start, len(produced)):
            p_level, p_marker, p_heading = produced[i]
            if p_level == level and p_marker == marker and p_heading.startswith(prefix):
                found, start = found + 1, i + 1
                break
    return found


def match_items(expected: list, produced: list[dict]) -> tuple[int, list, list]:
    """(found, expected items missed, produced items unexpected), matching one to one."""
    used: set[int] = set()
    missed = []
    for kind, point in expected:
        point = norm(point)
        hit = next((i for i, item in enumerate(produced) if i not in used and item["kind"] == kind
                    and point in norm(item.get("title") or item["text"])), None)
        if hit is None:
            missed.append((kind, point))
        else:
            used.add(hit)
    unexpected = [(item["kind"], item.get("title") or item["text"]) for i, item in enumerate(produced) if i not in used]
    return len(used), missed, unexpected


def score_text(name: str, text: str, expected: dict) -> TextScore:
    result = decompose(text, source=f"{name}.txt")
    produced_outline = flatten(result["outline"])
    outline_found = match_outline(expected["outline"], produced_outline)
    found, missed, unexpected = match_items(expected["items"], result["items"])
    return TextScore(
        name=name,
        title_ok=norm(result["title"]) == norm(expected["title"]),
        outline_found=outline_found,
        outline_expected=len(expected["outline"]),
        outline_extra=len(produced_outline) - outline_found,
        items_found=found,
        items_expected=len(expected["items"]),
        items_produced=len(result["items"]),
        missed=missed,
        unexpected=unexpected,
    )


def load_corpus(directory: Path) -> list[tuple[str, str, dict]]:
    out = []
    for expectation in sorted(directory.glob("*.json")):
        text = expectation.with_suffix(".txt").read_text(encoding="utf-8")
        out.append((expectation.stem, text, json.loads(expectation.read_text(encoding="utf-8"))))
    return out


@dataclass
class CorpusScore:
    texts: list[TextScore]

    @staticmethod
    def _ratio(numerator: int, denominator: int) -> float:
        return numerator / denominator if denominator else 1.0

    @property
    def precision(self) -> float:
        return self._ratio(sum(t.items_found for t in self.texts), sum(t.items_produced for t in self.texts))

    @property
    def recall(self) -> float:
        return self._ratio(sum(t.items_found for t in self.texts), sum(t.items_expected for t in self.texts))

    @property
    def outline_accuracy(self) -> float:
        return self._ratio(sum(t.outline_found for t in self.texts), sum(t.outline_total for t in self.texts))

    @property
    def titles_right(self) -> int:
        return sum(t.title_ok for t in self.texts)


def score_corpus(directory: Path) -> CorpusScore:
    return CorpusScore([score_text(name, text, expected) for name, text, expected in load_corpus(directory)])
