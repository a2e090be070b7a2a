"""Text into paragraphs, paragraphs into sentences.

A whole speech pasted from a web page often arrives as one line, its paragraphs separated by a space
or by nothing at all. Here a line is cut at white space that ends a sentence, that precedes a marker
or "同志们", or that ends a short marked heading; cuts with no white space at all are left to the
outline parser, which knows the numbering sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markers import Marker, marker_at_start

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = dict.fromkeys(map(ord, "\t\u00a0\u2002\u2003\u2009\u202f\u3000"), " ")
SENTENCE_END = "。！？!?；;"
SPACE_RUN = re.compile(r" +")
HEADING_MAX = 60
ADDRESS_RE = re.compile(r"同志们[，,：:！!]")


@dataclass
class Para:
    """A paragraph: its text, a marker already known (Word's list numbering, or a cut made at a marker)
    and a hint from the document's styles ("title")."""

    text: str
    marker: Marker | None = None
    hint: str = ""


def normalize(text: str) -> str:
    """Unify line ends and white space; drop invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text.translate(ZERO_WIDTH).translate(SPACES)


def text_to_paras(text: str) -> list[Para]:
    return [Para(line) for line in normalize(text).split("\n")]


def _cut_here(before: str, after: str) -> bool:
    """Is the white space between ``before`` and ``after`` a paragraph break?"""
    last = before[-1]
    if last in SENTENCE_END or last in "：:" or (last in "”’\"" and len(before) > 1 and before[-2] in SENTENCE_END):
        return True
    if ADDRESS_RE.match(after) or marker_at_start(after) is not None:
        return True
    opened = marker_at_start(before)
    return opened is not None and len(before) <= HEADING_MAX and not any(c in before for c in "。！？!?")


def split_at_spaces(text: str) -> list[str]:
    """Cut one line at the white space that separates paragraphs glued into it."""
    pieces = SPACE_RUN.split(text.strip())
    if len(pieces) == 1:
        return pieces
    out: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        if current and piece and _cut_here(current, piece):
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    out.append(current)
    return [p for p in out if p]


def split_paragraphs(paras: list[Para]) -> list[Para]:
    out: list[Para] = []
    for para in paras:
        if para.marker is not None or para.hint:
            out.append(para)
            continue
        out.extend(Para(piece) for piece in split_at_spaces(para.text))
    return out


def _closes_quote(text: str, start: int, limit: int = 150) -> bool:
    end = text.find("”", start, start + limit)
    return end != -1


def sentences(text: str) -> list[str]:
    """Sentences cut at 。！？；; a break inside a short quotation does not cut."""
    out: list[str] = []
    start = 0
    depth = 0
    for i, char in enumerate(text):
        if char == "“" and _closes_quote(text, i):
            depth += 1
        elif char == "”" and depth:
            depth -= 1
        elif char == "\n" or (char in SENTENCE_END and not depth):
            piece = text[start:i + 1].strip()
            if piece:
                out.append(piece)
            start = i + 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
