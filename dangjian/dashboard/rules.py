"""Pure functions of the dashboard: rolling figures up the tree, changes against a year ago, rates
and bar widths. Plain data in, plain data out; no database (docs/architecture.md「房间」)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from dangjian.core.tree import PATH_STEP, ancestors_and_self

Figures = dict[str, int]


def roll_up(own: Mapping[str, Mapping[str, int]], root_path: str) -> dict[str, Figures]:
    """Each organisation's figures over its whole subtree, from each organisation's own figures
    (by path). Only the ancestors at or below ``root_path`` receive a share. Bottom up: each
    organisation's total is added once to its parent's, so the work grows with the organisations'
    figures, not with their depth."""
    start = len(root_path)
    paths = {p for path in own for p in ancestors_and_self(path, from_length=start)}
    totals: dict[str, Figures] = {}
    out: dict[str, Figures] = {}
    for path in sorted(paths, key=len, reverse=True):
        figures = totals.pop(path, None) or defaultdict(int)
        for key, n in own.get(path, {}).items():
            if n:
                figures[key] += n
        if len(path) > start:
            parent = totals.get(path[:-PATH_STEP])
            if parent is None:  # handed on whole: this organisation's copy is taken below, before any sibling adds
                totals[path[:-PATH_STEP]] = figures
            else:
                for key, n in figures.items():
                    parent[key] += n
        out[path] = dict(figures)
    return out


def add_moves(subtree: dict[str, Figures], moves: Iterable[tuple[str, str]], root_path: str,
              into: str, out_of: str) -> None:
    """Count moves (from path, to path) as ``into`` for every subtree the move enters and
    ``out_of`` for every subtree it leaves: a move inside a subtree changes neither of its counts."""
    start = len(root_path)
    for from_path, to_path in moves:
        left = set(ancestors_and_self(from_path, from_length=start)) if from_path.startswith(root_path) else set()
        entered = set(ancestors_and_self(to_path, from_length=start)) if to_path.startswith(root_path) else set()
        for path in entered - left:
            if path in subtree:
                subtree[path][into] = subtree[path].get(into, 0) + 1
        for path in left - entered:
            if path in subtree:
                subtree[path][out_of] = subtree[path].get(out_of, 0) + 1


def children_paths(paths: Iterable[str], parent: str) -> list[str]:
    depth = len(parent) + PATH_STEP
    return sorted(p for p in paths if len(p) == depth and p.startswith(parent))


def change(now: int | float | None, before: int | float | None) -> dict | None:
    """The change of a figure since the earlier value: difference and its sign, or None when there
    is nothing to compare with."""
    if now is None or before is None:
        return None
    diff = now - before
    return {"before": before, "diff": diff, "sign": "up" if diff > 0 else "down" if diff < 0 else "same"}


def rate(part: int, whole: int) -> float | None:
    """Percent, one decimal (四舍五入), or None when nothing was owed."""
    if not whole:
        return None
    return (2000 * part + whole) // (2 * whole) / 10


def bar_step(value: float, largest: float) -> int:
    """Width of an in-cell bar in twentieths (the CSS classes ``w-0`` … ``w-20``)."""
    if not largest or value <= 0:
        return 0
    return max(1, min(20, round(20 * value / largest)))


def ratio(figures: Mapping[str, int], part: str, whole: str) -> float | None:
    return rate(figures.get(part, 0), figures.get(whole, 0))
