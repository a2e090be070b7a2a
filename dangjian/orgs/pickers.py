"""The organisation picker field (``core.pickers``) as forms use it: the input holds the organisation
code, the search is ``GET /api/orgs/picker`` over the same organisations the field accepts."""

from __future__ import annotations

from dangjian.core.pickers import MultiPickerField, PickerField

from .models import Organization


def org_picker(*, label: str, queryset=None, writable: bool = True, source: str = "api:org_picker",
               multiple: bool = False, **kwargs) -> PickerField:
    """A picker of one organisation from ``queryset`` (set it in the form's ``__init__``, scoped to
    the user). ``writable`` makes the search list only organisations the user may change;
    ``multiple`` picks any number (the field's value is then a list)."""
    return (MultiPickerField if multiple else PickerField)(
        label=label, queryset=queryset if queryset is not None else Organization.objects.none(),
        source=source, source_query={"writable": "true"} if writable else None,
        lookups=("code", "pk", "name"), key="code", value_field="code", describe=lambda org: org.name_with_code,
        what="党组织", placeholder="输入名称或组织代码查找", **kwargs,
    )
