"""Pure rules of 通知公告: who a notice goes to. No database."""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.core.tree import depth_of

from .choices import Audience

TITLE_LIMIT, BODY_LIMIT = 200, 20_000


def recipients(sender_path: str, orgs: Iterable[tuple[int, str, bool]], audience: str) -> list[int]:
    """The ids of the organisations a notice from ``sender_path`` reaches: (id, path, has staff)
    rows of the subtree; the level right below, or every level. The sender itself and units
    without staff of their own (党小组, 党员中心户) are left out."""
    below = depth_of(sender_path) + 1
    out = []
    for pk, path, staffed in orgs:
        if path == sender_path or not path.startswith(sender_path) or not staffed:
            continue
        if audience == Audience.CHILDREN and depth_of(path) != below:
            continue
        out.append(pk)
    return out


def notice_errors(title: str, body: str, audience: str) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "标题不能为空"
    elif len(title) > TITLE_LIMIT:
        errors["title"] = f"标题最多 {TITLE_LIMIT} 个字"
    if not body.strip():
        errors["body"] = "正文不能为空"
    elif len(body) > BODY_LIMIT:
        errors["body"] = f"正文最多 {BODY_LIMIT} 个字"
    if audience not in Audience.values:
        errors["audience"] = "发送范围应为下一级党组织或全部下级党组织"
    return errors
