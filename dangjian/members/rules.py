"""Checks on one member's data. Pure functions over plain values: the form, the API and the Excel
importer all call these, so a rule is written once and tested without a database."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from dangjian.core.idnumbers import birth_date_of, gender_of, id_number_error, normalise

from .choices import MembershipType

MIN_JOIN_AGE = 18
PHONE_LENGTH = 11
MAX_NAME_LENGTH = 50
# Characters that reorder the text around them on screen: "张三\u202e..." can display as another name.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class FieldError:
    field: str  # model field name
    message: str  # Chinese, says what is wrong and why


def name_error(name: str) -> str | None:
    """Why ``name`` cannot be a member's name, in Chinese; None when it can. Refused: nothing visible
    (only spaces, only a zero-width character), text-direction controls, other invisible control
    characters, more than 50 characters. The middle dot of minority names (·) is ordinary text."""
    text = name or ""
    if any(c in BIDI_CONTROLS for c in text):
        return "姓名不能包含文字方向控制字符（会使显示的姓名与实际内容不一致）"
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        return "姓名不能包含不可见的控制字符（如零宽空格）"
    if not text.strip():
        return "姓名不能为空（不能只有空格）"
    if len(text) > MAX_NAME_LENGTH:
        return f"姓名最多 {MAX_NAME_LENGTH} 个字（现为 {len(text)} 个字）"
    return None


def years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def member_errors(
    *,
    id_number: str,
    birth_date: dt.date | None,
    gender: str | None,
    joined_on: dt.date | None,
    confirmed_on: dt.date | None,
    membership_type: str,
    phone: str = "",
    today: dt.date | None = None,
) -> list[FieldError]:
    """Every inconsistency in one member's data, each tied to the field to correct."""
    today = today or dt.date.today()
    errors: list[FieldError] = []
    id_problem = id_number_error(id_number, today=today)
    if id_problem:
        errors.append(FieldError("id_number", id_problem))
    else:
        value = normalise(id_number)
        if birth_date and birth_date != birth_date_of(value):
            expected = birth_date_of(value)
            errors.append(FieldError("birth_date", f"出生日期与公民身份号码不符（号码中为{expected:%Y-%m-%d}）"))
        if gender and gender != gender_of(value):
            errors.append(FieldError("gender", "性别与公民身份号码不符"))
    if joined_on:
        if joined_on > today:
            errors.append(FieldError("joined_on", "入党日期不能晚于今天"))
        if birth_date and years_between(birth_date, joined_on) < MIN_JOIN_AGE:
            errors.append(FieldError("joined_on", f"入党时未满{MIN_JOIN_AGE}周岁"))
    if confirmed_on:
        if joined_on and confirmed_on <= joined_on:
            errors.append(FieldError("confirmed_on", "转正日期应晚于入党日期"))
        if confirmed_on > today:
            errors.append(FieldError("confirmed_on", "转正日期不能晚于今天"))
        if membership_type == MembershipType.PROBATIONARY:
            errors.append(FieldError("confirmed_on", "预备党员不应有转正日期"))
    elif membership_type == MembershipType.FULL and joined_on and years_between(joined_on, today) >= 1:
        # 预备期一年: a full member who joined over a year ago has a confirmation date.
        errors.append(FieldError("confirmed_on", "正式党员应填写转正日期"))
    if phone and (not phone.isdigit() or len(phone) != PHONE_LENGTH or not phone.startswith("1")):
        errors.append(FieldError("phone", "手机号码应为以1开头的11位数字"))
    return errors


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return years_between(birth_date, today)
