"""The member picker field (``core.pickers``) as forms use it: the input holds the member's number,
or (typed without the script) a name that is unique among the members offered; the search is
``GET /api/members/picker``."""

from __future__ import annotations

from dangjian.core.pickers import PickerField

from .models import Member


def member_label(member: Member) -> str:
    return f"{member.name}（{member.org.display_name}）"


def member_picker(*, label: str, **kwargs) -> PickerField:
    """A picker of one member; set ``queryset`` and ``source_query`` (e.g. ``within``) in ``__init__``."""
    return PickerField(
        label=label, queryset=Member.objects.none(), source="api:member_picker", lookups=("pk", "name"),
        key="pk", value_field="id", describe=member_label, what="党员", placeholder="输入姓名查找", **kwargs,
    )
