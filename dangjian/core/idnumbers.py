"""公民身份号码 (GB 11643-1999): check digit, embedded birth date and gender. Pure functions."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# ASCII digits only: ``\d`` would also match other scripts' digits (٣, ３), which ``int`` accepts.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Trimmed, spaces removed, upper case; full-width digits and Ｘ (typed with a Chinese input
    method) become their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def id_number_error(raw: str, *, today: dt.date | None = None) -> str | None:
    """Why ``raw`` is not a valid 18-digit number, in Chinese; ``None`` when it is."""
    value = normalise(raw)
    if not value:
        return "公民身份号码不能为空"
    if not _SHAPE.fullmatch(value):
        return "公民身份号码应为18位，前17位为数字，末位为数字或X"
    birth = birth_date_of(value)
    if birth is None:
        return "公民身份号码中的出生日期无效"
    if birth > (today or dt.date.today()) or birth.year < 1900:
        return "公民身份号码中的出生日期不在合理范围内"
    if check_char(value[:17]) != value[17]:
        return "公民身份号码校验位错误"
    return None


def birth_date_of(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_of(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd: male)."""
    return "M" if int(value[16]) % 2 == 1 else "F"


def make_id_number(area: str, birth: dt.date, sequence: int, gender: str) -> str:
    """A well-formed number for demo data and tests: area (6 digits), birth date, a sequence."""
    seq = sequence % 500 * 2 + (1 if gender == "M" else 0)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def mask_id_number(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]
