"""Writes of the 两新 registry, 动态排查 and 阵地: keyword-only, ``acting_user`` first, one audited
transaction each, scope checked with ``require``, a stale version refused (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dangjian.core.actors import user_or_none
from dangjian.core.documents import inspect_photo, upload_name
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, diff, record_change
from dangjian.core.scoping import CHANGE, allows, require
from dangjian.orgs.models import Organization

from . import rules
from .choices import Coverage, EntityKind
from .models import Centre, CentrePhoto, Check, Entity, Field, Round, Standard

ENTITY_FIELDS = ["name", "credit_code", "kind", "field", "employees", "address", "legal_representative",
                 "party_members", "coverage", "covering_org", "instructor", "instructor_name", "note"]
TEXT_LIMITS = {"name": 200, "address": 300, "legal_representative": 50, "instructor_name": 50, "note": 300}
CENTRE_FIELDS = ["kind", "name", "address", "area", "inspected_on", "inspection_note"]
# Enough for the sign, the rooms and each of the 六有 items; a gallery beyond that is not a record.
MAX_CENTRE_PHOTOS = 12


def entity_snapshot(entity: Entity) -> dict:
    data = {f: getattr(entity, f) for f in ENTITY_FIELDS if f not in ("field", "covering_org", "instructor")}
    data["org"] = entity.org.code if entity.org_id else None
    data["field"] = entity.field.name if entity.field_id else None
    data["covering_org"] = entity.covering_org.code if entity.covering_org_id else None
    data["instructor"] = entity.instructor_id
    return data


def _check_entity(values: dict, acting_user) -> dict:
    """The values to store, cleaned; a ValidationError naming every bad field."""
    errors = {}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors["name"] = "名称不能为空"
    code = rules.normalise_credit_code(values.get("credit_code", ""))
    values["credit_code"] = code
    problem = rules.credit_code_error(code)
    if problem:
        errors["credit_code"] = problem
    if values.get("kind") not in EntityKind.values:
        errors["kind"] = "类型应为非公有制企业或社会组织"
    if values.get("coverage") not in Coverage.values:
        errors["coverage"] = "覆盖方式不是可选值"
    for name, limit in TEXT_LIMITS.items():
        text = values.get(name) or ""
        values[name] = text.strip()
        if len(values[name]) > limit:
            errors[name] = f"最多 {limit} 个字（现为 {len(values[name])} 个字）"
    for name in ("employees", "party_members"):
        number = values.get(name) or 0
        if number < 0:
            errors[name] = "不能为负数"
        values[name] = number
    if values.get("party_members", 0) > values.get("employees", 0) > 0:
        errors["party_members"] = "党员人数不能多于从业人数"
    if values.get("instructor") is not None and not values.get("instructor_name"):
        values["instructor_name"] = values["instructor"].name
    errors.update(rules.coverage_error(values.get("coverage", ""), has_org=values.get("covering_org") is not None,
                                       has_instructor=bool(values.get("instructor_name"))))
    if values.get("coverage") == Coverage.NONE:
        values["covering_org"] = None
    if values.get("covering_org") is not None and values.get("coverage") in (Coverage.SEPARATE, Coverage.JOINT):
        require(acting_user, CHANGE, values["covering_org"], message="所建党组织不在您的管辖范围内")
    if errors:
        raise ValidationError(errors)
    return values


def _duplicate_code(code: str, pk: int | None = None) -> None:
    clash = Entity.objects.filter(credit_code=code).exclude(pk=pk).select_related("org").first()
    if clash is not None:
        raise ValidationError({"credit_code": f"该统一社会信用代码已登记（{clash.name}，属地：{clash.org.name}）"})


@audited_transaction()
def entity_create(*, acting_user, org, name: str, credit_code: str, kind: str, field: Field | None = None,
                  coverage: str = Coverage.NONE, **fields) -> Entity:
    require(acting_user, CHANGE, org, message="无权为该党组织登记两新组织")
    values = {k: v for k, v in fields.items() if k in ENTITY_FIELDS}
    values.update(name=name, credit_code=credit_code, kind=kind, coverage=coverage)
    values = _check_entity(values, acting_user)
    _duplicate_code(values["credit_code"])
    values["field"] = field or default_field(values["kind"])
    entity = Entity.objects.create(org=org, **values)
    record_change(actor=acting_user, action="twonew_entity_create", obj=entity, after=entity_snapshot(entity))
    return entity


def default_field(kind: str) -> Field:
    from .choices import DEFAULT_FIELD, FIELD_OF_KIND

    return (Field.objects.filter(code=FIELD_OF_KIND.get(kind, DEFAULT_FIELD)).first()
            or Field.objects.filter(code=DEFAULT_FIELD).first() or Field.objects.first())


def _lock(entity: Entity) -> Entity:
    return (Entity.objects.select_for_update(of=("self",)).select_related("org", "field", "covering_org")
            .get(pk=entity.pk))


def _check_version(locked, expected: int | None, snapshot: dict, submitted: dict) -> None:
    if expected is not None and locked.version != expected:
        raise VersionConflict("该记录已被他人修改，请刷新后重新操作", current={**snapshot, "version": locked.version},
                              submitted={**submitted, "version": expected})


def _apply(acting_user, locked: Entity, expected_version: int | None, changes: dict) -> tuple[dict, dict]:
    require(acting_user, CHANGE, locked.org, message="无权修改该两新组织")
    before = entity_snapshot(locked)
    _check_version(locked, expected_version, before, {k: str(v) for k, v in changes.items()})
    values = {f: getattr(locked, f) for f in ENTITY_FIELDS}
    values.update({k: v for k, v in changes.items() if k in ENTITY_FIELDS})
    values = _check_entity(values, acting_user)
    if values["credit_code"] != locked.credit_code:
        _duplicate_code(values["credit_code"], locked.pk)
    for key, value in values.items():
        setattr(locked, key, value)
    if locked.field_id is None:
        locked.field = default_field(locked.kind)
    return diff(before, entity_snapshot(locked))


@audited_transaction()
def entity_update(*, acting_user, entity: Entity, expected_version: int | None = None, **changes) -> Entity:
    locked = _lock(entity)
    old, new = _apply(acting_user, locked, expected_version, changes)
    if new:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="twonew_entity_update", obj=locked, before=old, after=new)
    return locked


# -- 动态排查 ------------------------------------------------------------------------------------

@audited_transaction()
def round_create(*, acting_user, org, title: str, due_on: dt.date, starts_on: dt.date | None = None) -> Round:
    require(acting_user, CHANGE, org, message="无权在该党组织发起动态排查")
    starts_on = starts_on or timezone.localdate()
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "名称不能为空"
    elif len(title) > 200:
        errors["title"] = "最多 200 个字"
    if due_on is None or due_on < starts_on:
        errors["due_on"] = "截止日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    made = Round.objects.create(org=org, title=title, due_on=due_on, starts_on=starts_on,
                                created_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="twonew_round_create", obj=made,
                  after={"org": org.code, "title": title, "starts_on": starts_on.isoformat(),
                         "due_on": due_on.isoformat()})
    return made


@audited_transaction()
def entity_confirm(*, acting_user, round: Round, entity: Entity, expected_version: int | None = None,
                   note: str = "", **changes) -> Check:
    """The township confirms the entry as it stands, or with ``changes``, for ``round``. Once per
    round; an entry outside the round's organisation is refused."""
    locked = _lock(entity)
    if not locked.org.path.startswith(round.org.path):
        raise ValidationError({"round": "该两新组织不在本次排查的范围内"})
    if Check.objects.filter(round=round, entity=locked).exists():
        raise ValidationError({"round": "该两新组织在本次排查中已核实"})
    old, new = _apply(acting_user, locked, expected_version, changes)
    if new:
        locked.version += 1
        locked.save()
    check = Check.objects.create(round=round, entity=locked, changed=bool(new), note=(note or "").strip()[:300],
                                 checked_by=user_or_none(acting_user))
    record_change(actor=acting_user, action="twonew_entity_confirm", obj=locked, before=old,
                  after={**new, "round": round.title}, note="信息有更新" if new else "信息无变化")
    return check


# -- 阵地 ---------------------------------------------------------------------------------------

def centre_snapshot(centre: Centre) -> dict:
    data = {f: getattr(centre, f) for f in CENTRE_FIELDS}
    data["inspected_on"] = centre.inspected_on.isoformat() if centre.inspected_on else None
    data["org"] = centre.org.code
    data["standards"] = sorted(centre.standards.values_list("name", flat=True)) if centre.pk else []
    return data


def _check_centre(values: dict) -> None:
    from .choices import CentreKind

    errors = {}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors["name"] = "名称不能为空"
    if values.get("kind") not in CentreKind.values:
        errors["kind"] = "类型应为党群服务中心或党员活动室"
    if (values.get("area") or 0) < 0:
        errors["area"] = "面积不能为负数"
    for name, limit in {"name": 200, "address": 300, "inspection_note": 300}.items():
        if len(values.get(name) or "") > limit:
            errors[name] = f"最多 {limit} 个字"
    if errors:
        raise ValidationError(errors)


@audited_transaction()
def centre_save(*, acting_user, org, centre: Centre | None = None, standards=(), expected_version: int | None = None,
                **fields) -> Centre:
    """Create (``centre`` None) or update a 阵地 of ``org``."""
    values = {k: v for k, v in fields.items() if k in CENTRE_FIELDS}
    if centre is None:
        require(acting_user, CHANGE, org, message="无权为该党组织登记阵地")
        values.setdefault("area", 0)
        _check_centre(values)
        locked, before = Centre(org=org, **values), {}
        locked.save()
    else:
        locked = Centre.objects.select_for_update(of=("self",)).select_related("org").get(pk=centre.pk)
        require(acting_user, CHANGE, locked.org, message="无权修改该阵地")
        before = centre_snapshot(locked)
        _check_version(locked, expected_version, before, {k: str(v) for k, v in values.items()})
        merged = {**{f: getattr(locked, f) for f in CENTRE_FIELDS}, **values}
        _check_centre(merged)
        for key, value in merged.items():
            setattr(locked, key, value)
    locked.standards.set([s for s in standards if isinstance(s, Standard)])
    old, new = diff(before, centre_snapshot(locked))
    if new and centre is not None:
        locked.version += 1
    locked.save()
    if new:
        record_change(actor=acting_user, action="twonew_centre_create" if centre is None else "twonew_centre_update",
                      obj=locked, before=old, after=new)
    return locked


@audited_transaction()
def centre_add_photos(*, acting_user, centre: Centre, photos: Sequence, caption: str = "") -> list[CentrePhoto]:
    """Photos of a 阵地, each checked by content (JPEG/PNG, ≤ 10 MB) before any is kept; at most
    ``MAX_CENTRE_PHOTOS`` per centre, counted under the centre's row lock so two uploads at once
    cannot pass the limit together."""
    locked = Centre.objects.select_for_update(of=("self",)).select_related("org").get(pk=centre.pk)
    require(acting_user, CHANGE, locked.org, message="无权为该阵地上传照片")
    caption = (caption or "").strip()
    if len(caption) > 100:
        raise ValidationError({"caption": "说明最多 100 个字"})
    if not photos:
        raise ValidationError({"photos": "请选择要上传的照片"})
    room = MAX_CENTRE_PHOTOS - locked.photos.count()
    if len(photos) > room:
        raise ValidationError({"photos": f"每个阵地最多 {MAX_CENTRE_PHOTOS} 张照片，还可上传 {max(room, 0)} 张"})
    checked = [(upload, *inspect_photo(upload)) for upload in photos]
    saved = []
    for upload, file_type, content in checked:
        photo = CentrePhoto(centre=locked, file_type=file_type, file_size=len(content), caption=caption,
                            file_name=upload_name(upload)[:200], uploaded_by=user_or_none(acting_user))
        photo.file.save(f"{locked.pk}.{file_type}", ContentFile(content), save=False)
        photo.save()
        saved.append(photo)
    record_change(actor=acting_user, action="twonew_centre_photos", obj=locked,
                  after={"photos": [p.file_name for p in saved], "caption": caption})
    return saved


@audited_transaction()
def centre_remove_photo(*, acting_user, photo: CentrePhoto) -> None:
    """Remove a photo of a 阵地 (the file goes with the record once the transaction commits)."""
    locked = CentrePhoto.objects.select_for_update(of=("self",)).select_related("centre__org").get(pk=photo.pk)
    require(acting_user, CHANGE, locked.centre.org, message="无权删除该阵地的照片")
    record_change(actor=acting_user, action="twonew_centre_photo_remove", obj=locked.centre,
                  before={"photo": locked.file_name, "caption": locked.caption})
    storage, name = locked.file.storage, locked.file.name
    locked.delete()
    transaction.on_commit(lambda: storage.delete(name))


# -- the county's lists: fields and 阵地 standards ------------------------------------------------

def _require_top(acting_user) -> None:
    """The lists are shared by the whole tree: only a level that may change a top organisation edits them."""
    if not any(allows(acting_user, CHANGE, org) for org in Organization.objects.filter(depth=1)):
        raise ActionDenied("只有最高一级党组织的管理人员可以修改领域和阵地标准")


@audited_transaction()
def list_entry_save(*, acting_user, model, name: str, active: bool = True, position: int = 100,
                    entry=None):
    """Add (``entry`` None) or change a field (``twonew.Field``) or a 阵地 standard (``twonew.Standard``)."""
    _require_top(acting_user)
    name = (name or "").strip()
    limit = model._meta.get_field("name").max_length
    if not name or len(name) > limit:
        raise ValidationError({"name": f"名称不能为空，最多 {limit} 个字"})
    clash = model.objects.filter(name=name).exclude(pk=getattr(entry, "pk", None)).exists()
    if clash:
        raise ValidationError({"name": f"“{name}”已存在"})
    before = {} if entry is None else {"name": entry.name, "active": entry.active, "position": entry.position}
    if entry is None:
        extra = {"code": f"custom-{model.objects.count() + 1}"} if model is Field else {}
        entry = model.objects.create(name=name, active=active, position=position, **extra)
    else:
        entry.name, entry.active, entry.position = name, active, position
        entry.save()
    old, new = diff(before, {"name": entry.name, "active": entry.active, "position": entry.position})
    if new:
        record_change(actor=acting_user, action="twonew_list_save", obj=entry, before=old, after=new)
    return entry
