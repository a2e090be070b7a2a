"""The decomposition page: a document in (upload or paste), the decomposer's draft items out, a
review where the user edits, drops, merges and assigns them, then every item created in one step.

The text analysis lives in ``dangjian.worklists.decompose``; this module only reads the upload,
calls it, and turns its JSON (title, noise, outline, items) into forms."""

from __future__ import annotations

import os
import zipfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import ActionDenied
from dangjian.core.shortcuts import apply_validation_error, change_scope_required

from . import actions, rules
from .choices import Kind, Recurrence
from .forms import DocumentForm, DraftHeaderForm, changeable_orgs, draft_formset

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
PREFIX = "d"
# Each draft posts about eleven fields and Django refuses a form of more than 1,000 fields
# (DATA_UPLOAD_MAX_NUMBER_FIELDS): a longer document is reviewed in parts.
MAX_DRAFTS = 80


class DocumentError(ValueError):
    """The document cannot be read or analysed; the message says why, in Chinese."""


def _decomposer():
    try:
        from dangjian.worklists import decompose as module
    except ImportError as exc:  # the analysis package is installed separately
        raise DocumentError("文件分解功能暂不可用（分解模块未安装）") from exc
    if not all(hasattr(module, name) for name in ("decompose", "decompose_file", "DecomposeError")):
        raise DocumentError("文件分解功能暂不可用（分解模块不完整）")
    return module


def scope_org_names(orgs) -> list[str]:
    """Names (full, short, unit) of the organisations a user works in: owners the decomposer may find
    beside its general vocabulary of organisations and posts."""
    return [name for row in orgs.values_list("name", "short_name", "unit_name") for name in row if name]


def decompose_text(text: str, *, org_names=()) -> dict:
    text = (text or "").strip()
    if not text:
        raise DocumentError("文件内容为空")
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(f"文件过长（{len(text)} 字），单次分解不超过 {MAX_TEXT_CHARS} 字")
    module = _decomposer()
    try:
        return module.decompose(text, org_names=org_names)
    except module.DecomposeError as exc:
        raise DocumentError(str(exc)) from exc


def _sniff_upload(name: str, head: bytes, content: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        try:
            import io

            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        raise DocumentError(f"“{name}”不是有效的 Word（.docx）文件")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError("不支持旧版 .doc 文件，请在 Word 中“另存为” .docx 后再上传")
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(f"“{name}”不是文本文件，请上传 .txt 或 .docx")
    return "txt"


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-16" or content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return text
    raise DocumentError("无法识别文件的文字编码，请另存为 UTF-8 编码的 .txt 后再上传")


def decompose_upload(upload, *, org_names=()) -> tuple[dict, str]:
    """(decomposition, plain text) of an uploaded .txt or .docx, checked by content and size."""
    name = os.path.basename(getattr(upload, "name", "") or "文件")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 5 MB")
    if upload.size == 0:
        raise DocumentError("文件为空")
    upload.seek(0)
    content = upload.read()
    if _sniff_upload(name, content[:8], content) == "txt":
        text = _decode(content)
        return decompose_text(text, org_names=org_names), text
    module = _decomposer()
    try:
        result = module.decompose_file(content, filename=name, org_names=org_names)
    except module.DecomposeError as exc:
        raise DocumentError(str(exc)) from exc
    return result, outline_text(result.get("outline") or [])


def outline_text(nodes: list, lines: list | None = None) -> str:
    """The document's text rebuilt from the outline (for a .docx, whose text we do not hold)."""
    lines = [] if lines is None else lines
    for node in nodes:
        head = " ".join(p for p in (node.get("marker", ""), node.get("heading", "")) if p).strip()
        if head:
            lines.append(head)
        if node.get("text"):
            lines.append(node["text"])
        outline_text(node.get("children") or [], lines)
    return "\n".join(lines)


# -- drafts ------------------------------------------------------------------------------------------

RECURRENCES = {value for value in Recurrence.values if value}


def draft_initial(result: dict, *, default_org, today) -> list[dict]:
    """One row per draft item, then one unkept row per sentence filtered out as talk (its reason
    shown, struck through, restored by ticking 保留)."""
    out = []
    for item in result.get("items") or []:
        kind = item.get("kind") if item.get("kind") in Kind.values else Kind.TASK
        frequency = item.get("frequency") if item.get("frequency") in RECURRENCES else ""
        text = (item.get("text") or "").strip()
        title = (item.get("title") or "").strip()
        out.append({
            "keep": True, "selected": False, "kind": kind, "title": title[:300] if title != text else "",
            "text": text, "measures": "\n".join(m.strip() for m in item.get("measures") or [] if m.strip()),
            "org": default_org.pk if default_org else None,
            "deadline": rules.deadline_from_text(item.get("deadline"), today),
            "recurrence": frequency, "person_names": "、".join(item.get("owners") or [])[:300],
            "path": " › ".join(str(p) for p in item.get("path") or []),
            "mechanisms": "、".join(item.get("mechanisms") or []), "filtered": "",
        })
    for talk in result.get("filtered") or []:
        out.append({
            "keep": False, "selected": False, "kind": Kind.TASK, "title": "", "text": (talk.get("text") or "").strip(),
            "measures": "", "org": default_org.pk if default_org else None, "deadline": None, "recurrence": "",
            "person_names": "", "path": " › ".join(str(p) for p in talk.get("path") or []), "mechanisms": "",
            "filtered": (talk.get("reason") or "非事项")[:40],
        })
    return out


def _raw(form, name):
    value = form[name].value()
    return value if value is not None else ""


def _as_initial(form) -> dict:
    return {name: _raw(form, name) for name in form.fields}


def merge_selected(formset) -> tuple[list[dict], int]:
    """The drafts with every selected one merged into the first selected: texts joined, owners
    and mechanisms united, the earliest deadline kept. Returns (drafts, number merged)."""
    rows = [_as_initial(form) for form in formset.forms]
    chosen = [i for i, row in enumerate(rows) if row.get("selected") in (True, "on", "true", "True")]
    if len(chosen) < 2:
        return rows, 0
    first = rows[chosen[0]]
    for i in chosen[1:]:
        other = rows[i]
        first["text"] = f"{first['text']}\n{other['text']}".strip()
        first["measures"] = f"{first.get('measures') or ''}\n{other.get('measures') or ''}".strip()
        first["person_names"] = "、".join(dict.fromkeys(
            p for p in f"{first['person_names']}、{other['person_names']}".split("、") if p.strip()))[:300]
        first["mechanisms"] = "、".join(dict.fromkeys(
            p for p in f"{first['mechanisms']}、{other['mechanisms']}".split("、") if p.strip()))
        deadlines = [d for d in (first.get("deadline"), other.get("deadline")) if d]
        first["deadline"] = min(str(d) for d in deadlines) if deadlines else ""
    first["selected"] = False
    merged = [row for i, row in enumerate(rows) if i not in chosen[1:]]
    return merged, len(chosen)


def _drafts_to_create(formset) -> list[dict]:
    return [
        {**form.cleaned_data,
         "measures": [m.strip() for m in form.cleaned_data.get("measures", "").splitlines() if m.strip()]}
        for form in formset.forms if form.cleaned_data.get("keep")
    ]


def _review(request, header, formset, *, status=200, noise=None):
    return render(request, "worklists/decompose_review.html", {
        "header": header, "formset": formset, "noise": noise or [],
    }, status=status)


@change_scope_required
def decompose_page(request):
    user = request.user
    step = request.POST.get("step", "")
    orgs = changeable_orgs(user)
    if request.method != "POST" or step == "":
        form = DocumentForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            return _read(request, form, orgs)
        return render(request, "worklists/decompose.html", {"form": form, "can_create": orgs.exists()})
    if not orgs.exists():
        return render(request, "worklists/decompose.html", {"form": DocumentForm(), "can_create": False},
                      status=403)
    header = DraftHeaderForm(request.POST, user=user)
    formset = draft_formset(request.POST, prefix=PREFIX, user=user)
    if step == "merge":
        rows, merged = merge_selected(formset)
        if merged:
            messages.success(request, f"已将 {merged} 条合并为 1 条")
        else:
            messages.error(request, "请至少勾选两条要合并的事项")
        header.is_valid()
        return _review(request, header, draft_formset(initial=rows, prefix=PREFIX, user=user))
    return _create(request, header, formset)


def _read(request, form, orgs):
    if not form.is_valid():
        return render(request, "worklists/decompose.html", {"form": form, "can_create": orgs.exists()}, status=400)
    upload = form.cleaned_data.get("file")
    org_names = scope_org_names(orgs)
    try:
        if upload:
            result, text = decompose_upload(upload, org_names=org_names)
        else:
            text = form.cleaned_data["text"]
            result = decompose_text(text, org_names=org_names)
    except DocumentError as exc:
        form.add_error(None, str(exc))
        return render(request, "worklists/decompose.html", {"form": form, "can_create": orgs.exists()}, status=400)
    default_org = orgs.first()
    initial = draft_initial(result, default_org=default_org, today=timezone.localdate())
    if len(initial) > MAX_DRAFTS:
        messages.warning(request, f"识别出 {len(initial)} 条（含已滤除的语句），一次最多核对 {MAX_DRAFTS} 条："
                                  f"下面是前 {MAX_DRAFTS} 条，其余请把文件的后半部分另行粘贴分解")
        initial = initial[:MAX_DRAFTS]
    header = DraftHeaderForm(user=request.user, initial={
        "title": (result.get("title") or "未命名文件")[:300], "document_org": default_org.pk if default_org else None,
        "source_text": text, "file_name": upload.name if upload else "",
    })
    formset = draft_formset(initial=initial, prefix=PREFIX, user=request.user)
    if not any(row["keep"] for row in initial):
        messages.error(request, "未从文件中识别出清单事项，请检查文件内容")
    return _review(request, header, formset, noise=result.get("noise") or [])


def _create(request, header, formset):
    if not (header.is_valid() and formset.is_valid()):
        return _review(request, header, formset, status=400)
    drafts = _drafts_to_create(formset)
    if not drafts:
        messages.error(request, "没有保留任何事项")
        return _review(request, header, formset, status=400)
    data = header.cleaned_data
    try:
        document, items = actions.items_create_from_draft(
            acting_user=request.user, document_org=data["document_org"], title=data["title"],
            text=data.get("source_text") or "", file_name=data.get("file_name") or "", drafts=drafts,
            today=timezone.localdate(),
        )
    except (ValidationError, ActionDenied) as exc:
        if isinstance(exc, ValidationError):
            apply_validation_error(header, exc)
        else:
            header.add_error(None, str(exc))
        return _review(request, header, formset, status=400)
    messages.success(request, f"已根据《{document.title}》建立 {len(items)} 条清单事项")
    return redirect(reverse("worklists:list") + f"?document={document.pk}")
