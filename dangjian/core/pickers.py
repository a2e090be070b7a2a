"""Type-to-search pickers: a form field whose input is a plain text box (an organisation code, a
member's name or number) that the page script turns into a tom-select search backed by the API.

A select of every organisation or member in scope grew to thousands of options (a county has 1,176
organisations, 12,000 members; the decomposition review page repeated the list in every row). The
picker sends one text input and fetches at most a page of matches while the user types. Without
JavaScript the same input still submits: the field accepts what a person can type (see ``lookups``)
and answers a Chinese error naming what it could not find.

The page script (``static/js/site.js``) enhances every ``input[data-picker-url]``; the search
endpoints answer ``{"items": [{<value field>: …, "label": …}]}``.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.db.models import Model, QuerySet
from django.urls import reverse

# At most this many matches per search: enough to pick from, small enough to answer fast.
PICKER_LIMIT = 20


class PickerInput(forms.TextInput):
    """A text input carrying what the script needs: the search URL, the field of a search result
    that is the input's value, and the label of the current value."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.field = None  # the PickerField this input belongs to; set by the field

    def get_context(self, name, value, attrs):
        field = self.field
        obj = field.resolve_quietly(value) if field is not None else None
        if obj is not None:
            value = field.key_of(obj)
        context = super().get_context(name, value, attrs)
        if field is not None:
            widget_attrs = context["widget"]["attrs"]
            widget_attrs["data-picker-url"] = field.search_url()
            widget_attrs["data-picker-value"] = field.value_field
            widget_attrs.setdefault("placeholder", field.placeholder)
            widget_attrs["autocomplete"] = "off"
            if obj is not None:
                widget_attrs["data-picker-label"] = field.describe(obj)
        return context


class PickerField(forms.Field):
    """One record from ``queryset``, given as text.

    - ``source``: the URL name of the search endpoint, with ``source_query`` appended (a dict, e.g.
      ``{"within": org.pk}``), so the list offered is the same set this field accepts;
    - ``lookups``: the fields a typed value is matched against, in order (``"pk"`` only for digits);
      a value that matches two rows is refused as ambiguous rather than guessed;
    - ``key``: the field written into the input for a chosen row (``"code"``, ``"pk"``);
      ``value_field`` is its name in the search answer;
    - ``describe``: the label a person reads for a row.
    """

    widget = PickerInput

    def __init__(self, *, queryset: QuerySet, source: str, lookups=("pk",), key: str = "pk",
                 value_field: str = "id", describe=str, what: str = "记录", placeholder: str = "输入文字查找",
                 source_query: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source, self.source_query = source, dict(source_query or {})
        self.lookups, self.key, self.value_field = tuple(lookups), key, value_field
        self.describe, self.what, self.placeholder = describe, what, placeholder
        self.queryset = queryset
        # Rows already found, by the text that named them: set (to one dict) by a formset whose rows
        # share the field's queryset, so 80 drafts naming the same 责任单位 ask the database once.
        self.memo: dict | None = None

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        result.source_query = dict(self.source_query)
        result.memo = self.memo  # shared on purpose: see __init__
        return result

    @property
    def queryset(self) -> QuerySet:
        return self._queryset

    @queryset.setter
    def queryset(self, qs: QuerySet) -> None:
        self._queryset = qs
        self.widget.field = self

    def search_url(self) -> str:
        url = reverse(self.source)
        if self.source_query:
            from urllib.parse import urlencode

            url += "?" + urlencode(self.source_query)
        return url

    def key_of(self, obj: Model) -> str:
        return str(getattr(obj, self.key))

    def resolve(self, value) -> Model | None:
        """The row ``value`` names; None for an empty value; ValidationError if it names none or two."""
        if isinstance(value, Model):
            value = getattr(value, self.key)
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if self.memo is not None and text in self.memo:
            return self.memo[text]
        found = self._resolve_text(text)
        if self.memo is not None:
            self.memo[text] = found
        return found

    def _resolve_text(self, text: str) -> Model:
        for lookup in self.lookups:
            if lookup == "pk" and not (text.isdigit() and len(text) <= 18):  # past 2^63 no id exists
                continue
            found = list(self._queryset.filter(**{lookup: text})[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise forms.ValidationError(
                    f"“{text}”对应不止一个{self.what}，请从列表中选择，或输入编号", code="ambiguous")
        raise forms.ValidationError(
            f"没有找到“{text}”：请从列表中选择{self.what}（或输入准确的名称、代码），且须在您的管辖范围内",
            code="invalid_choice")

    def resolve_quietly(self, value) -> Model | None:
        try:
            return self.resolve(value)
        except (forms.ValidationError, ValueError, OverflowError):
            return None

    def to_python(self, value):
        return self.resolve(value)

    def prepare_value(self, value):
        if isinstance(value, Model):
            return self.key_of(value)
        return value

    def has_changed(self, initial, data) -> bool:
        return str(self.prepare_value(initial) or "") != str(data or "")


SEPARATORS = re.compile(r"[,，、;；\n]+")


class MultiPickerInput(PickerInput):
    """A picker input holding several values, separated by commas; the labels of the chosen rows
    travel as JSON so the script shows names, not codes."""

    def value_from_datadict(self, data, files, name):
        """One comma-separated value, or (a form posted without the script) several of the name."""
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return ",".join(str(v) for v in values if v not in (None, ""))

    def get_context(self, name, value, attrs):
        field = self.field
        chosen = field.resolve_many_quietly(value) if field is not None else []
        if chosen:
            value = ",".join(field.key_of(obj) for obj in chosen)
        elif isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        context = forms.TextInput.get_context(self, name, value, attrs)
        if field is not None:
            widget_attrs = context["widget"]["attrs"]
            widget_attrs["data-picker-url"] = field.search_url()
            widget_attrs["data-picker-value"] = field.value_field
            widget_attrs["data-picker-multiple"] = "true"
            widget_attrs.setdefault("placeholder", field.placeholder)
            widget_attrs["autocomplete"] = "off"
            widget_attrs["data-picker-options"] = json.dumps(
                [{field.value_field: field.key_of(obj), "label": field.describe(obj)} for obj in chosen],
                ensure_ascii=False)
        return context


class MultiPickerField(PickerField):
    """Any number of records from ``queryset``, given as text separated by commas (or 、 ，；); each
    part is resolved like ``PickerField`` resolves one, and the first part it cannot find is named."""

    widget = MultiPickerInput

    def __init__(self, *, max_items: int = 50, **kwargs):
        super().__init__(**kwargs)
        self.max_items = max_items

    @staticmethod
    def parts(value) -> list:
        if value is None or value == "":
            return []
        if isinstance(value, Model):
            return [value]
        if isinstance(value, list | tuple | QuerySet):
            return [v for v in value if v not in (None, "")]
        return [p.strip() for p in SEPARATORS.split(str(value)) if p.strip()]

    def resolve_many(self, value) -> list[Model]:
        parts = self.parts(value)
        if len(parts) > self.max_items:
            raise forms.ValidationError(f"最多选择 {self.max_items} 个{self.what}", code="max_items")
        found = []
        for part in parts:
            obj = self.resolve(part)
            if obj is not None and obj not in found:
                found.append(obj)
        return found

    def resolve_many_quietly(self, value) -> list[Model]:
        try:
            return self.resolve_many(value)
        except (forms.ValidationError, ValueError, OverflowError):
            return []

    def to_python(self, value):
        return self.resolve_many(value)

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        parts = self.parts(value)
        if parts and all(isinstance(p, Model) for p in parts):
            return ",".join(self.key_of(p) for p in parts)
        return value

    def has_changed(self, initial, data) -> bool:
        keys = {self.key_of(o) for o in self.resolve_many_quietly(initial)}
        return keys != {self.key_of(o) for o in self.resolve_many_quietly(data)}
