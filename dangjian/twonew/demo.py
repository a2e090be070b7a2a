"""Demo 两新 registry and 阵地: for each township-level committee a few dozen enterprises and social
organisations with realistic coverage gaps (large firms with their own branch, small ones in a
联合党支部 or with a 党建指导员, newer fields — 互联网, 新就业群体 — most often uncovered), a county
动态排查 round half done, and the service centres of towns, villages and communities with the
"六有" mostly met. Written in bulk; the same seed and day give the same data."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from dangjian.core.registry import register_demo
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS, NEW_ECONOMY_UNITS, UnitCategory
from dangjian.orgs.models import Organization

from . import rules
from .choices import CentreKind, Coverage, EntityKind
from .models import Centre, Check, Entity, Field, Round, Standard

TRADES = ["机械制造", "电子科技", "建材", "食品加工", "物流", "电子商务", "网络科技", "商贸", "建筑工程", "农业开发",
          "服装", "医药", "新能源", "文化传媒", "家政服务", "餐饮管理"]
BRANDS = ["宏达", "恒信", "鑫源", "华盛", "金泰", "永兴", "瑞丰", "天成", "博远", "嘉禾", "润通", "立信", "合力",
          "德润", "中鼎", "安泰", "佳和", "兴旺"]
SOCIAL = ["商会", "慈善协会", "养老服务中心", "青年志愿者协会", "个体劳动者协会", "幼儿园", "社会工作服务中心",
          "电商协会", "快递行业协会", "网约车驾驶员协会"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "海燕", "志强", "秀英", "卫东", "丽华", "国庆", "晓明", "玉兰", "振华", "春梅", "永刚"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _code(kind: str, serial: int, rng) -> str:
    head = "91" if kind == EntityKind.ENTERPRISE else "52"
    body = f"{head}3301{serial % 100:02d}" + "".join(rng.choice(rules.CREDIT_ALPHABET[:10]) for _ in range(3)) + \
        f"{serial:06d}"
    body = body[:17]
    return body + rules.credit_check_character(body)


def towns_of(root: Organization) -> list[Organization]:
    """Committees with branches directly below: the township level, at county or city scale."""
    parents = (Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS)
               .values_list("parent_id", flat=True).distinct())
    return list(Organization.objects.filter(pk__in=parents, kind__in=COMMITTEE_KINDS).order_by("path"))


def _coverage(rng, field_code: str, employees: int) -> str:
    gap = 0.35 if field_code in ("internet", "new_jobs") else 0.08
    if rng.random() < gap:
        return Coverage.NONE
    if employees >= 50 and rng.random() < 0.7:
        return Coverage.SEPARATE
    return rng.choice([Coverage.JOINT, Coverage.JOINT, Coverage.INSTRUCTOR])


def _entities(rng, towns, fields) -> list[Entity]:
    out, serial = [], 0
    for town in towns:
        branches = list(Organization.objects.filter(path__startswith=town.path, kind__in=BRANCH_KINDS)
                        .values_list("pk", "unit_category"))
        hosts = [pk for pk, cat in branches if cat in NEW_ECONOMY_UNITS] or [pk for pk, _ in branches]
        place = (town.short_name or town.name).replace("党委", "")
        for _ in range(rng.randint(20, 45)):
            serial += 1
            social = rng.random() < 0.25
            kind = EntityKind.SOCIAL if social else EntityKind.ENTERPRISE
            field = fields["social"] if social else fields[rng.choice(
                ["enterprise"] * 5 + ["building", "market", "internet", "new_jobs"])]
            employees = rng.choice([3, 8, 12, 20, 35, 60, 120, 300]) + rng.randint(0, 9)
            members = min(employees, rng.choice([0, 0, 1, 2, 3, 5, 8, 15]))
            coverage = _coverage(rng, field.code, employees)
            name = (f"{place}{rng.choice(SOCIAL)}" if social else
                    f"{place}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司")
            out.append(Entity(
                org=town, name=f"{name}（{serial}）" if social else name.replace("有限公司", f"{serial}有限公司"),
                credit_code=_code(kind, serial, rng), kind=kind, field=field, employees=employees,
                address=f"{place}{rng.randint(1, 300)}号", legal_representative=_name(rng), party_members=members,
                coverage=coverage,
                covering_org_id=rng.choice(hosts) if coverage in (Coverage.SEPARATE, Coverage.JOINT) and hosts
                else None,
                instructor_name=_name(rng) if coverage == Coverage.INSTRUCTOR else ""))
    return out


def _centres(rng, root, towns, standards) -> int:
    centres, links = [], []
    for town in towns:
        name = f"{town.short_name or town.name}党群服务中心"
        centres.append((Centre(org=town, kind=CentreKind.SERVICE_CENTRE, name=name,
                               area=rng.choice([300, 450, 600, 800])), 0.95))
    villages = Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS,
                                           unit_category__in=[UnitCategory.VILLAGE, UnitCategory.COMMUNITY])
    for org in villages.order_by("path"):
        if rng.random() < 0.88:
            community = org.unit_category == UnitCategory.COMMUNITY
            kind = CentreKind.SERVICE_CENTRE if community else CentreKind.ACTIVITY_ROOM
            name = f"{org.name.replace('党支部', '').replace('党委', '')}{CentreKind(kind).label}"
            centres.append((Centre(org=org, kind=kind, name=name, area=rng.choice([60, 80, 120, 200])), 0.7))
    Centre.objects.bulk_create([c for c, _ in centres], batch_size=2000)
    through = Centre.standards.through
    for centre, full in centres:
        chosen = standards if rng.random() < full else rng.sample(standards, rng.randint(2, len(standards) - 1))
        links += [through(centre_id=centre.pk, standard_id=s.pk) for s in chosen]
    through.objects.bulk_create(links, batch_size=5000)
    return len(centres)


def wipe() -> None:
    for model in (Check, Round, Entity, Centre):
        model.objects.all().delete()


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    rng = random.Random(seed * 17 + 2)
    fields = {f.code: f for f in Field.objects.all()}
    towns = towns_of(root)
    entities = _entities(rng, towns, fields)
    Entity.objects.bulk_create(entities, batch_size=2000)
    rnd = Round.objects.create(org=root, title=f"{today.year}年两新组织动态排查",
                               starts_on=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=25))
    Check.objects.bulk_create([Check(round=rnd, entity=e, changed=rng.random() < 0.1) for e in entities
                               if rng.random() < 0.55], batch_size=2000)
    centres = _centres(rng, root, towns, list(Standard.objects.filter(active=True)))
    if stdout is not None:
        uncovered = sum(1 for e in entities if e.coverage == Coverage.NONE)
        stdout.write(f"两新组织：{len(entities):,} 个（未覆盖 {uncovered:,} 个），阵地 {centres:,} 处\n")


register_demo("twonew", generate, wipe=wipe, after=("orgs",), label="两新组织与阵地")
