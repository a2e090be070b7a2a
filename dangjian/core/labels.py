"""One label registry: the Chinese a person reads for every code the records carry — the action of
a change record (``member_update`` → 修改党员信息), its object type (``members.member`` → 党员), the
fields it changed (``education`` → 学历) and their values (``primary`` → 小学及以下).

- Object types, field names and choice values come from the models themselves (``verbose_name``,
  field ``choices``), so a new field is labelled without touching this file.
- Actions, and fields or values recorded that are not model fields, are registered by each app in
  its ``labels.py`` (found like ``demo.py`` and ``panels.py``, see core/registry.py) through
  ``register_actions`` / ``register_fields`` / ``register_values``.

Every change log, the audit log (display and filters) and the rules page read through here; a code
without a label is shown as it is, never hidden.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import autodiscover_modules

_actions: dict[str, str] = {}
_fields: dict[str, str] = {}
_values: dict[str, dict[str, str]] = {}
_discovered = False

# The core's own actions: data handed out or taken in (history.record_export), the audit log's upkeep.
_actions.update({
    "export": "导出", "import": "导入", "audit_archive": "归档审计日志", "data_key_rotate": "轮换数据密钥",
})
_fields.update({"rows": "行数", "filters": "筛选条件", "note": "说明"})


def register_actions(labels: dict[str, str]) -> None:
    _actions.update(labels)


def register_fields(labels: dict[str, str]) -> None:
    """Labels of keys recorded in change records that are not fields of the record's model."""
    _fields.update(labels)


def register_values(field: str, choices) -> None:
    """Value labels of a recorded key that is not a model field with choices (``[(code, label)]``)."""
    _values.setdefault(field, {}).update({str(code): str(label) for code, label in choices})


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("labels")


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str):
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def action_label(code: str) -> str:
    _discover()
    return _actions.get(code, code)


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(object_type: str, name: str) -> str:
    # the record's own model first: registered labels are for keys that are no field of it, and
    # one app's "kind" (材料类别) must not rename another model's "kind" (组织类型)
    _discover()
    field = _field(object_type, name)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return _fields.get(name, name)


def value_label(object_type: str, name: str, value) -> str:
    """A recorded value as a person reads it: a choice's label, 是/否, a list joined; else as is."""
    _discover()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_label(object_type, name, v) for v in value) or "—"
    field = _field(object_type, name)
    # a relation (reverse or forward) has no choices of its own: its recorded value is a name already
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else _values.get(name, {})
    return str(choices.get(value, choices.get(str(value), value)))


def codes_for(label: str, *, kind: str) -> list[str]:
    """The codes labelled ``label`` (an audit filter typed in Chinese), else those whose label
    contains it; ``kind`` is ``"action"`` or ``"object_type"``."""
    _discover()
    text = label.strip()
    if not text:
        return []
    if kind == "action":
        named = _actions.items()
    else:
        named = [(f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name)) for m in apps.get_models()]
    exact = [code for code, name in named if name == text]
    return exact or [code for code, name in named if text in name]


def labelled_changes(object_type: str, before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(field label, old value label, new value label) for each key of a change record."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(field_label(object_type, k), value_label(object_type, k, before.get(k)),
             value_label(object_type, k, after.get(k))) for k in keys]
