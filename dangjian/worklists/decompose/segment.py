"""Text into paragraphs, paragraphs into sentences.

A whole speech pasted from a web page often arrives as one line, its paragraphs separated by a space
or by nothing at all. Here a line is cut at white space that ends a sentence, that precedes a marker
or "同志们", or that ends a short marked heading; cuts with no white space at all are left to the
outline parser, which knows the numbering sequence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .markers import Marker, marker_at_start

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = dict.fromkeys(map(ord, "\t\u00a0\u2002\u2003\u2009\u202f\u3000"), " ")
SENTENCE_END = "。！？!?；;"
SPACE_RUN = re.compile(r" +")
HEADING_MAX = 60
ADDRESS_RE = re.compile(r"同志们[，,：:！!]")
PARAGRAPH_END = "。！？!?；;：:…”」』）)"
WRAP_MIN, WRAP_LINES, WRAP_SLACK, WRAP_SHARE = 15, 5, 3, 0.3


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


def _wrap_width(paras: list[Para]) -> int | None:
    """The line width of text copied from a PDF (most lines within a few characters of it), or None."""
    lengths = [len(p.text) for p in paras if p.marker is None and len(p.text) >= WRAP_MIN]
    if len(lengths) < WRAP_LINES:
        return None
    counts = Counter(lengths)
    width, near = max(((w, sum(counts[w - d] for d in range(WRAP_SLACK + 1))) for w in counts), key=lambda x: x[1])
    return width if near >= WRAP_LINES and near >= len(lengths) * WRAP_SHARE else None


def unwrap_lines(paras: list[Para]) -> list[Para]:
    """Glue back the paragraphs of text whose lines were cut at one width (copied from a PDF): a line as
    wide as the others that does not end a sentence continues on the next line, unless that one opens
    with a marker."""
    width = _wrap_width(paras)
    if width is None:
        return paras
    out: list[Para] = []
    last_line = 0
    for para in paras:
        previous = out[-1] if out else None
        if previous is not None and last_line >= width - WRAP_SLACK and previous.text[-1] not in PARAGRAPH_END \
                and para.marker is None and not para.hint and marker_at_start(para.text) is None \
                and not ADDRESS_RE.match(para.text):
            previous.text += para.text
        else:
            out.append(Para(para.text, marker=para.marker, hint=para.hint))
        last_line = len(para.text)
    return out


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


OPENERS = {"“": "”", "（": "）", "(": ")"}
PAIR_LIMIT = 150


def sentences(text: str) -> list[str]:
    """Sentences cut at 。！？；; a break inside a short quotation or bracket does not cut."""
    out: list[str] = []
    start = 0
    closers: list[str] = []
    for i, char in enumerate(text):
        if char in OPENERS and text.find(OPENERS[char], i + 1, i + PAIR_LIMIT) != -1:
            closers.append(OPENERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == "\n" or (char in SENTENCE_END and not closers):
            piece = text[start:i + 1].strip()
            if piece:
                out.append(piece)
            start = i + 1
            closers.clear()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
