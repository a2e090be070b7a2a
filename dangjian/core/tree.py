"""The organisation tree's materialised path, as plain strings: no models, so pure rules may
import it. A path is ``PATH_STEP`` characters per level from the top ("0001", "00010003", …); an
organisation's subtree is every path that starts with its own."""

from __future__ import annotations

PATH_STEP = 4  # characters per level of the materialised path, base 36: 1.6 million siblings


def depth_of(path: str) -> int:
    """The level of a path: the top organisation is 1."""
    return len(path) // PATH_STEP


def parent_path(path: str) -> str:
    """The parent's path; "" for a top organisation."""
    return path[:-PATH_STEP]


def ancestors_and_self(path: str, *, from_length: int = PATH_STEP) -> list[str]:
    """The paths from the top (or from the ancestor ``from_length`` characters long) down to ``path``."""
    return [path[:end] for end in range(from_length, len(path) + 1, PATH_STEP)]
