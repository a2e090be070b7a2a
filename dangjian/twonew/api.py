"""The 两新组织 API: the registry with the list page's filters, coverage rates, 动态排查 progress and
confirmation; the same actions as the pages. Outside the scope 404, read-only 403, stale 409, bad 422."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.apikit import (
    WRITE_ERRORS,
    DbId,
    PageQuery,
    page_of,
    readable_or_404,
    reject_nulls,
    responses,
    subtree_root,
    writable_or_403,
    write_in_scope,
)
from dangjian.core.scoping import CHANGE
from dangjian.core.shortcuts import parse_id
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .models import CentrePhoto, Entity, Field
from .schemas import (
    CentreFilters,
    CentrePage,
    CentrePhotoOut,
    ConfirmIn,
    CoverageReport,
    EntityCreate,
    EntityFilters,
    EntityOut,
    EntityPage,
    EntityPatch,
    ProgressOut,
)

router = Router(tags=["两新组织"])
NULLABLE = {"covering_org", "field"}


def _entities():
    return Entity.objects.select_related("org", "field", "covering_org")


def _refs(user, data: dict) -> dict:
    if data.get("covering_org") is not None:
        org = Organization.objects.restrict(user, CHANGE).filter(pk=data["covering_org"]).first()
        if org is None:
            raise ValidationError({"covering_org": "所建党组织不存在，或不在您可维护的范围内"})
        data["covering_org"] = org
    if data.get("field") is not None:
        field = Field.objects.filter(pk=data["field"], active=True).first()
        if field is None:
            raise ValidationError({"field": "领域不存在或已停用"})
        data["field"] = field
    return data


def _round(user, round_id: int):
    rnd = queries.rounds_for(user).filter(pk=parse_id(round_id) or 0).first()
    if rnd is None:
        raise Http404("排查不存在，或不在您的管辖范围内")
    return rnd


@router.get("/entities", response=responses(EntityPage, errors=(401, 422)), summary="两新组织名录")
def list_entities(request, filters: Query[EntityFilters], page: Query[PageQuery]):
    root = subtree_root(request.user, filters.org) if filters.org else None
    coverage = "uncovered" if filters.coverage == "none" else filters.coverage
    qs = queries.filter_entities(_entities().restrict(request.user), org=root, coverage=coverage,
                                 field_id=filters.field, text=filters.q.strip())
    return page_of(qs.order_by("name", "id"), page)


@router.get("/entities/{int:entity_id}", response=responses(EntityOut), summary="两新组织详情")
def get_entity(request, entity_id: int):
    return readable_or_404(_entities(), request.user, entity_id)


@router.post("/entities", response=responses(EntityOut, status=201, errors=WRITE_ERRORS), summary="登记两新组织")
def create_entity(request, payload: EntityCreate):
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    data = _refs(request.user, payload.model_dump(exclude={"org", "org_code"}))
    entity = write_in_scope(request.user, _entities(), lambda: actions.entity_create(
        acting_user=request.user, org=org, **data))
    return Status(201, entity)


@router.patch("/entities/{int:entity_id}", response=responses(EntityOut, errors=WRITE_ERRORS), summary="修改两新组织")
def update_entity(request, entity_id: int, payload: EntityPatch):
    entity = readable_or_404(_entities(), request.user, entity_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable=NULLABLE)
    changes = _refs(request.user, changes)
    return write_in_scope(request.user, _entities(), lambda: actions.entity_update(
        acting_user=request.user, entity=entity, expected_version=payload.version, **changes),
        pk=entity_id, expected_version=payload.version)


@router.post("/rounds/{int:round_id}/entities/{int:entity_id}/confirm",
             response=responses(EntityOut, errors=WRITE_ERRORS), summary="动态排查：确认信息无变化")
def confirm_entity(request, round_id: int, entity_id: int, payload: ConfirmIn):
    rnd = _round(request.user, round_id)
    entity = readable_or_404(_entities(), request.user, entity_id)
    return write_in_scope(request.user, _entities(), lambda: actions.entity_confirm(
        acting_user=request.user, round=rnd, entity=entity, expected_version=payload.version, note=payload.note),
        pk=entity_id, expected_version=payload.version)


def _coverage_out(row) -> dict:
    c = row.counts
    return {"id": row.org_id, "name": row.name, "level": row.level, "total": c.total, "separate": c.separate,
            "joint": c.joint, "instructor": c.instructor, "uncovered": c.uncovered, "org_rate": c.org_rate,
            "work_rate": c.work_rate}


@router.get("/coverage", response=responses(CoverageReport), summary="覆盖率")
def coverage(request, org: DbId | None = None):
    """组织覆盖率、工作覆盖率：所选党组织（默认您管辖范围的最高一级）及其直接下级（各含全部下级），以及按领域。"""
    root = subtree_root(request.user, org)
    return {"by_org": [_coverage_out(r) for r in queries.coverage_by_org(request.user, root)],
            "by_field": [_coverage_out(r) for r in queries.coverage_by_field(request.user, root)]}


@router.get("/rounds/{int:round_id}/progress", response=responses(list[ProgressOut]), summary="动态排查进度")
def round_progress(request, round_id: int):
    rnd = _round(request.user, round_id)
    return [{"id": row.org_id, "name": row.name, "level": row.level, "total": p.total, "checked": p.checked,
             "remaining": p.remaining, "percent": p.percent} for row, p in queries.round_progress(request.user, rnd)]




# -- 阵地 and their photos ------------------------------------------------------------------------

def _centre_out(centre) -> dict:
    return {"id": centre.pk, "org": centre.org, "kind": centre.kind, "name": centre.name, "address": centre.address,
            "area": centre.area, "standards": [s.name for s in centre.standards.all()],
            "inspected_on": centre.inspected_on.isoformat() if centre.inspected_on else None,
            "inspection_note": centre.inspection_note, "photo_count": centre.photo_count, "version": centre.version,
            "campaign_check": centre.campaign_check.text if centre.campaign_check else None}


def _photo_out(photo) -> dict:
    return {"id": photo.pk, "file_name": photo.file_name, "file_type": photo.file_type, "file_size": photo.file_size,
            "caption": photo.caption, "uploaded_at": photo.uploaded_at.isoformat(),
            "url": reverse("twonew:centre_photo", args=[photo.pk])}


@router.get("/centres", response=responses(CentrePage, errors=(401, 404, 422)), summary="阵地名录")
def list_centres(request, filters: Query[CentreFilters], page: Query[PageQuery]):
    qs = queries.centres_for(request.user).annotate(photo_count=Count("photos"))
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=subtree_root(request.user, filters.org).path)
    found = page_of(qs.order_by("org__path", "kind", "id"), page)
    return {**found, "items": [_centre_out(c) for c in queries.with_inspections(found["items"])]}


@router.get("/centres/{int:centre_id}/photos", response=responses(list[CentrePhotoOut]), summary="阵地照片")
def list_centre_photos(request, centre_id: int):
    centre = readable_or_404(queries.centres_for(request.user), request.user, centre_id)
    return [_photo_out(p) for p in queries.centre_photos(request.user, centre)]


@router.post("/centres/{int:centre_id}/photos", response=responses(list[CentrePhotoOut], status=201,
                                                                      errors=WRITE_ERRORS), summary="上传阵地照片")
def upload_centre_photo(request, centre_id: int, file: File[UploadedFile], caption: Form[str] = ""):
    """multipart/form-data：`file` 为一张 JPEG 或 PNG 照片（按内容判断，不超过 10 MB），`caption` 可选说明（≤ 100 字）。
    每个阵地最多 12 张。返回上传后该阵地的全部照片。"""
    centre = writable_or_403(queries.centres_for(request.user), request.user, centre_id)
    actions.centre_add_photos(acting_user=request.user, centre=centre, photos=[file], caption=caption)
    return Status(201, [_photo_out(p) for p in queries.centre_photos(request.user, centre)])


@router.delete("/centres/photos/{int:photo_id}", response=responses(list[CentrePhotoOut], errors=WRITE_ERRORS),
               summary="删除阵地照片")
def remove_centre_photo(request, photo_id: int):
    """返回删除后该阵地的其余照片。"""
    photo = writable_or_403(CentrePhoto.objects.select_related("centre"), request.user, photo_id)
    actions.centre_remove_photo(acting_user=request.user, photo=photo)
    return [_photo_out(p) for p in queries.centre_photos(request.user, photo.centre)]
