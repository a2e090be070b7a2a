"""Usernames as people see them (pure functions, no database).

A username is kept in one normal form — Unicode NFKC, then case-folded, without surrounding spaces —
so "ＣＯＵＮＴＹ" (full-width), "County" and "county" are one account, not three that look alike.
Letters are limited to the Latin alphabet and Chinese characters: a Cyrillic "с" or a Greek "ο" inside
a Latin name looks identical on screen (a confusable) and is how an impostor account is made.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 150
ALLOWED = re.compile(r"[a-z0-9@.+\-_\u3400-\u4dbf\u4e00-\u9fff]+")


def normalised_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").casefold().strip()


def lockout_key(raw: str) -> str:
    """The name failed logins are counted under: the normal form, so a login typed as "ＣＯＵＮＴＹ"
    or "County" counts against the account "county" (and a name never stored cannot dodge it)."""
    return normalised_username(raw)[:MAX_LENGTH]


def username_error(raw: str) -> str | None:
    """Why ``raw`` cannot be a username, in Chinese; None when it can (in its normal form)."""
    name = normalised_username(raw)
    if not name:
        return "用户名不能为空"
    if len(name) > MAX_LENGTH:
        return f"用户名最多 {MAX_LENGTH} 个字符"
    if ALLOWED.fullmatch(name):
        return None
    odd = next(c for c in name if not ALLOWED.fullmatch(c))
    if odd.isalpha():
        script = unicodedata.name(odd, "").split(" ")[0] or "其他"
        return (f"用户名中的“{odd}”不是英文字母或汉字（{script} 字母，外形可能与英文字母相同），"
                "只能使用英文字母、数字、汉字和 @ . + - _")
    return f"用户名不能包含“{odd}”，只能使用英文字母、数字、汉字和 @ . + - _"
