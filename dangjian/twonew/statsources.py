"""The 两新 registry's figures on the 数据看板 and in the 党内统计 基层党组织 table
(``core.registry.register_statistics``): units, those that should have a party organisation of
their own (应建, ``rules.should_have_org``), and of those the ones that have one (单独 or 联合建立).
Each figure is crossed with the 单位类别 the table's rows use (企业 → 非公企业, 社会组织 → 社会组织).
One grouped query for a whole subtree; the dashboard sums the figures up the tree and freezes them
in its snapshots. Units are counted as the registry stands."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from dangjian.core.registry import RecordList, register_statistics
from dangjian.core.scoping import VIEW
from dangjian.orgs.choices import UnitCategory

from .choices import ORG_COVERED, EntityKind
from .models import Entity
from .rules import SHOULD_HAVE_MEMBERS

NAME = "twonew"
UNIT_OF_KIND = {EntityKind.ENTERPRISE: UnitCategory.PRIVATE_ENTERPRISE,
                EntityKind.SOCIAL: UnitCategory.SOCIAL_ORGANIZATION}
KIND_OF_UNIT = {unit.value: kind.value for kind, unit in UNIT_OF_KIND.items()}
SHOULD = Q(party_members__gte=SHOULD_HAVE_MEMBERS)
BUILT = Q(coverage__in=ORG_COVERED)
# figure → (Chinese, condition over the units)
FIGURES = {
    f"{NAME}:units": ("两新组织数", Q()),
    f"{NAME}:should": ("应建立党组织的单位", SHOULD),
    f"{NAME}:should_built": ("应建单位中已建立党组织的", SHOULD & BUILT),
    f"{NAME}:should_missing": ("应建未建的单位", SHOULD & ~BUILT),
    f"{NAME}:built": ("已建立党组织的单位（单独、联合建立）", BUILT),
}


def count(root, day) -> dict[int, dict[str, int]]:
    columns = {f"c{i}": Count("pk", filter=cond) for i, (_, cond) in enumerate(FIGURES.values())}
    rows = (Entity.objects.filter(org__path__startswith=root.path).order_by().values("org_id", "kind")
            .annotate(**columns))
    out: dict[int, dict[str, int]] = {}
    for row in rows:
        figures = out.setdefault(row["org_id"], {})
        unit = UNIT_OF_KIND.get(row["kind"])
        for i, key in enumerate(FIGURES):
            n = row[f"c{i}"]
            if n:
                figures[key] = figures.get(key, 0) + n
                if unit:
                    figures[f"{key}@{unit}"] = figures.get(f"{key}@{unit}", 0) + n
    return out


def labels() -> dict[str, str]:
    return {key: label for key, (label, _) in FIGURES.items()}


def records(user, org, key: str, day) -> RecordList | None:
    base, _, unit = key.partition("@")
    if base not in FIGURES or (unit and unit not in KIND_OF_UNIT):
        return None
    label, condition = FIGURES[base]
    qs = Entity.objects.restrict(user, VIEW).filter(condition, org__path__startswith=org.path)
    if unit:
        qs = qs.filter(kind=KIND_OF_UNIT[unit])
    qs = qs.select_related("org", "covering_org").order_by("org__path", "name", "id")
    return RecordList(label, ["名称", "统一社会信用代码", "属地党组织", "类型", "党员人数", "覆盖方式", "所建党组织"],
                      qs, _cells)


def _cells(entity: Entity) -> list[tuple[str, str | None]]:
    return [(entity.name, reverse("twonew:detail", args=[entity.pk])), (entity.credit_code, None),
            (entity.org.name, None), (entity.get_kind_display(), None), (str(entity.party_members), None),
            (entity.get_coverage_display(), None), (entity.covering_org.name if entity.covering_org else "—", None)]


register_statistics(NAME, count, labels, records)
