"""Materialised-path arithmetic: pure functions over strings."""

from __future__ import annotations

import string

from dangjian.core.tree import PATH_STEP

DIGITS = string.digits + string.ascii_uppercase
MAX_STEP = len(DIGITS) ** PATH_STEP - 1


def encode_step(number: int) -> str:
    if not 0 <= number <= MAX_STEP:
        raise ValueError("同一上级下的组织数量超出上限")
    out = ""
    for _ in range(PATH_STEP):
        number, rem = divmod(number, len(DIGITS))
        out = DIGITS[rem] + out
    return out


def decode_step(step: str) -> int:
    value = 0
    for ch in step:
        value = value * len(DIGITS) + DIGITS.index(ch)
    return value


def next_child_path(parent_path: str, last_child_path: str | None) -> str:
    """The path for a new child after ``last_child_path`` (the greatest existing child path)."""
    if last_child_path is None:
        return parent_path + encode_step(1)
    return parent_path + encode_step(decode_step(last_child_path[-PATH_STEP:]) + 1)


def is_descendant_path(path: str, ancestor: str) -> bool:
    return path.startswith(ancestor)
