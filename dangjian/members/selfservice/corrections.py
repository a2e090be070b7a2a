"""Which items of their record a member may ask to correct, and how a proposed value is read, shown
and checked. Pure functions over plain values: the form, the actions and the tests share them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangjian.core.idnumbers import id_number_error, mask_id_number, mask_phone, normalise

from ..choices import ETHNICITY_CHOICES, Category, Education, Gender
from ..rules import PHONE_LENGTH

TEXT, CHOICE, DATE, ID_NUMBER, PHONE = "text", "choice", "date", "id_number", "phone"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the Member field (id_number and phone: the action's keyword)
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 200
    required: bool = True

    @property
    def sensitive(self) -> bool:
        return self.kind in (ID_NUMBER, PHONE)


# The member's own facts. Party status, membership type, flow and contact flags are the
# organisation's decisions, not data a member corrects.
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in [
    FieldSpec("name", "姓名", TEXT, max_length=50),
    FieldSpec("gender", "性别", CHOICE, tuple(Gender.choices)),
    FieldSpec("ethnicity", "民族", CHOICE, tuple(ETHNICITY_CHOICES)),
    FieldSpec("id_number", "公民身份号码", ID_NUMBER, max_length=18),
    FieldSpec("birth_date", "出生日期", DATE),
    FieldSpec("education", "学历", CHOICE, tuple(Education.choices), required=False),
    FieldSpec("category", "人员类别", CHOICE, tuple(Category.choices), required=False),
    FieldSpec("work_unit", "工作单位", TEXT, required=False),
    FieldSpec("job_title", "职务", TEXT, max_length=100, required=False),
    FieldSpec("phone", "手机号码", PHONE, max_length=11, required=False),
    FieldSpec("address", "家庭住址", TEXT, max_length=300, required=False),
    FieldSpec("joined_on", "入党日期", DATE),
    FieldSpec("confirmed_on", "转正日期", DATE, required=False),
]}


def canonical(spec: FieldSpec, value) -> str:
    """The stored text form of a value: choice codes, ISO dates, normalised ID numbers."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return normalise(text) if spec.kind == ID_NUMBER else text


def display(spec: FieldSpec, text: str) -> str:
    """How a canonical value reads on screen and in the audit log: labels, dates, masks."""
    if not text:
        return "（空）"
    if spec.kind == CHOICE:
        return dict(spec.choices).get(text, text)
    if spec.kind == ID_NUMBER:
        return mask_id_number(text)
    if spec.kind == PHONE:
        return mask_phone(text)
    return text


def to_python(spec: FieldSpec, text: str):
    """The value the member edit action takes."""
    if spec.kind == DATE:
        return dt.date.fromisoformat(text) if text else None
    return text


def proposal_error(spec: FieldSpec, text: str, *, current: str, today: dt.date) -> str | None:
    """Why a proposed value cannot be filed (Chinese), or None. Checks that need the whole record
    (the ID number against the birth date, join age) run again when the request is accepted."""
    if text == current:
        return f"{spec.label}与当前登记的内容相同，无需更正"
    if not text and spec.required:
        return f"请填写正确的{spec.label}"
    if len(text) > spec.max_length:
        return f"{spec.label}不能超过{spec.max_length}个字符"
    if spec.kind == ID_NUMBER:
        return id_number_error(text, today=today)
    if spec.kind == PHONE and text and (not text.isdigit() or len(text) != PHONE_LENGTH or text[0] != "1"):
        return "手机号码应为以1开头的11位数字"
    if spec.kind == DATE and text and dt.date.fromisoformat(text) > today:
        return f"{spec.label}不能晚于今天"
    if spec.kind == CHOICE and text and text not in dict(spec.choices):
        return f"请从列表中选择{spec.label}"
    return None
