"""decompose(): text to {title, noise, outline, items, filtered}; decompose_file(): the same from a .txt or .docx.

``org_names`` (the names of the organisations in the user's scope) widen the owner vocabulary: a
phrase is an owner when it names one of them or is built from the organisation and post words."""

from __future__ import annotations

from collections.abc import Iterable

from .clean import LENGTH_NOTE, clean
from .errors import DecomposeError
from .items import extract_items
from .outline import build_outline
from .owners import GENERAL, Vocabulary
from .readers import MAX_TEXT_CHARS, read_document
from .segment import Para, split_paragraphs, text_to_paras, unwrap_lines


def _check_size(chars: int) -> None:
    if chars > MAX_TEXT_CHARS:
        raise DecomposeError(f"文字过长（{chars} 字），单次分解不超过 {MAX_TEXT_CHARS} 字，请拆分后再分解")


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise DecomposeError("分解的内容必须是文字")
    _check_size(len(text))
    if not text.strip():
        raise DecomposeError("内容为空，没有可分解的文字")


def _drop_repeated_title(paras: list[Para], titles: tuple[str, ...], noise: list[str]) -> list[Para]:
    """Download sites repeat the title (and a "4120字范文稿" note) at the head of the text; the copy
    is not part of the body."""
    for i, para in enumerate(paras[:3]):
        title = next((t for t in titles if t and para.marker is None and para.text.startswith(t)), None)
        if title is None:
            continue
        rest = para.text[len(title):]
        note = LENGTH_NOTE.match(rest)
        noise.append(title + (note.group(0) if note else ""))
        rest = rest[note.end():].strip() if note else rest.strip()
        return paras[:i] + ([Para(rest)] if rest else []) + paras[i + 1:]
    return paras


def decompose_paras(paras: list[Para], *, source: str = "", org_names: Iterable[str] = ()) -> dict:
    cleaned = clean(paras)
    body = split_paragraphs(unwrap_lines(cleaned.paras))
    body = _drop_repeated_title(body, (cleaned.raw_title, cleaned.title), cleaned.noise)
    if not body:
        raise DecomposeError("去除广告、网站信息等无关内容后，没有可分解的正文")
    outline = build_outline(body)
    vocabulary = Vocabulary(org_names) if org_names else GENERAL
    items, filtered = extract_items(outline, source=source, vocabulary=vocabulary)
    return {
        "title": cleaned.title,  # none rather than a guess: a file name or an agenda line is no title
        "noise": cleaned.noise,
        "outline": [root.to_dict() for root in outline.roots],
        "items": items,
        "filtered": filtered,
        "preamble": "\n".join(outline.preamble),
        "closing": "\n".join(outline.closing),
    }


def decompose(text: str, *, source: str = "", org_names: Iterable[str] = ()) -> dict:
    """Decompose a document's text into title, noise, outline and draft items (the JSON of issue 4)."""
    _check_text(text)
    return decompose_paras(text_to_paras(text), source=source, org_names=org_names)


def decompose_file(path_or_bytes, *, filename: str = "", org_names: Iterable[str] = ()) -> dict:
    """Decompose a .txt (UTF-8, UTF-8 with BOM, GB18030, UTF-16) or .docx given as a path, bytes or an
    open binary file. The content decides the format, not the name; ``filename`` names the source."""
    paras, name = read_document(path_or_bytes, filename=filename)
    _check_size(sum(len(p.text) for p in paras))
    if not any(p.text.strip() for p in paras):
        raise DecomposeError("文件中没有文字")
    return decompose_paras(paras, source=name, org_names=org_names)
