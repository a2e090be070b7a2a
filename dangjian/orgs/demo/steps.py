"""The organisation tree with its members, terms and posts, as the first demo step."""

from __future__ import annotations

import datetime as dt

from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization

from .generate import LoadResult, load_demo
from .scales import SCALES
from .store import wipe_party_data


def count() -> int:
    return Organization.objects.count()


def wipe() -> None:
    wipe_party_data()


def generate(*, scale: str, seed: int, today: dt.date, stdout=None, verbosity: int = 1, **_) -> None:
    say = stdout.write if stdout is not None and verbosity >= 1 else None
    result = load_demo(scale, seed=seed, anchor=today, progress=say)
    if stdout is not None:
        stdout.write(summary(result, SCALES[scale].label, seed, today))


def summary(result: LoadResult, label: str, seed: int, anchor: dt.date) -> str:
    lines = [f"演示数据已生成（{label}规模，种子 {seed}，参照日期 {anchor:%Y-%m-%d}）："]
    for kind in OrgKind:
        if result.orgs_by_kind[kind]:
            lines.append(f"  {kind.label}：{result.orgs_by_kind[kind]:,} 个")
    lines.append(f"  党组织合计 {result.orgs_by_kind.total():,} 个；党员 {result.members:,} 名；"
                 f"届次 {result.terms:,} 个；委员 {result.posts:,} 人次")
    lines.append(f"  用时 {result.seconds:.1f} 秒")
    return "\n".join(lines)
