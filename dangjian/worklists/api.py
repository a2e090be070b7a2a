"""The 三单 API: the list page's filters, the same actions as the pages. Lookups go through
``restrict``: an id outside the user's scope is 404; a refusal of rights is 403; a stale version 409;
bad input 422 with Chinese messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.accounts.queries import scope_root
from dangjian.apikit import (
    WRITE_ERRORS,
    PageQuery,
    PickerOut,
    PickerQuery,
    page_of,
    readable_or_404,
    reject_nulls,
    responses,
    write_in_scope,
)
from dangjian.core.scoping import VIEW
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import referenced_org

from . import actions, queries
from .choices import Transition
from .decompose_views import DocumentError, decompose_text, decompose_upload, scope_org_names
from .forms import assignable_users, changeable_orgs, person_label, person_search
from .models import WorkItem
from .schemas import (
    DecomposeIn,
    EvidenceOut,
    ItemCreate,
    ItemDetail,
    ItemFilters,
    ItemPage,
    ItemPatch,
    ProgressIn,
    ProgressOut,
    ReviewIn,
    RollupOut,
    StepOut,
    SubmitIn,
    TransitionIn,
)

router = Router(tags=["三单管理"])
NULLABLE = {"deadline"}


def _items():
    return WorkItem.objects.select_related("org")


def _item(request, item_id: int) -> WorkItem:
    return readable_or_404(_items(), request.user, item_id)


def _orgs(user, ids: list[int]) -> list[Organization]:
    found = list(Organization.objects.restrict(user, VIEW).filter(pk__in=ids))
    missing = set(ids) - {o.pk for o in found}
    if missing:
        raise ValidationError({"orgs": f"党组织 {sorted(missing)} 不存在或不在您的管辖范围内"})
    return found


def _persons(user, ids: list[int]):
    found = list(assignable_users(user).filter(pk__in=ids))
    missing = set(ids) - {u.pk for u in found}
    if missing:
        raise ValidationError({"persons": f"用户 {sorted(missing)} 不存在或不在您的管辖范围内"})
    return found


@router.get("/persons", response=responses(PickerOut, errors=(401, 422)), summary="查找责任人（选择框）",
            url_name="worklist_person_picker")
def pick_persons(request, query: Query[PickerQuery]):
    """填写责任人时的查找：在您有修改权限的党组织及其下级担任岗位、用户名或姓名包含输入文字的用户。"""
    users = person_search(assignable_users(request.user), query.q, limit=query.limit)
    return {"items": [{"id": u.pk, "label": person_label(u)} for u in users]}


def _filter(filters: ItemFilters) -> queries.ItemFilter:
    return queries.ItemFilter(**{k: v for k, v in filters.model_dump().items() if v is not None})


@router.get("/items", response=responses(ItemPage, errors=(401, 422)), summary="清单事项列表")
def list_items(request, filters: Query[ItemFilters], page: Query[PageQuery]):
    """您管辖范围内的事项，筛选条件与三单管理页面相同，按完成时限排序。"""
    qs = queries.filter_items(queries.items_for(request.user), _filter(filters), user=request.user)
    return page_of(qs.order_by("deadline", "id"), page)


@router.get("/items/{int:item_id}", response=responses(ItemDetail), summary="清单事项详情")
def get_item(request, item_id: int):
    return _item(request, item_id)


@router.post("/items", response=responses(ItemDetail, status=201, errors=WRITE_ERRORS), summary="新建清单事项")
def create_item(request, payload: ItemCreate):
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    fields = payload.model_dump(exclude={"org", "org_code", "orgs", "persons"})
    orgs, persons = _orgs(request.user, payload.orgs), _persons(request.user, payload.persons)
    item = write_in_scope(request.user, _items(), lambda: actions.item_create(
        acting_user=request.user, org=org, orgs=orgs, persons=persons, **fields))
    return Status(201, item)


@router.patch("/items/{int:item_id}", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="修改清单事项")
def update_item(request, item_id: int, payload: ItemPatch):
    """只修改提交的字段。`version` 必填：与当前版本不同时返回 409 和双方内容。"""
    item = _item(request, item_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable=NULLABLE)
    if "orgs" in changes:
        changes["orgs"] = _orgs(request.user, changes["orgs"])
    if "persons" in changes:
        changes["persons"] = _persons(request.user, changes["persons"])
    return write_in_scope(
        request.user, _items(),
        lambda: actions.item_update(acting_user=request.user, item=item, expected_version=payload.version, **changes),
        pk=item_id, expected_version=payload.version,
    )


def _transition(request, item_id: int, transition: str, payload: TransitionIn):
    item = _item(request, item_id)
    return write_in_scope(
        request.user, _items(),
        lambda: actions.item_transition(acting_user=request.user, item=item, transition=transition,
                                        reason=payload.reason, expected_version=payload.version),
        pk=item_id, expected_version=payload.version,
    )


@router.post("/items/{int:item_id}/claim", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="认领")
def claim_item(request, item_id: int, payload: TransitionIn):
    """待认领 → 整改中。须有该事项责任单位的修改权限。"""
    return _transition(request, item_id, Transition.CLAIM, payload)


@router.post("/items/{int:item_id}/submit", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="申请销号")
def submit_item(request, item_id: int, payload: SubmitIn):
    """整改中 → 申请销号。须有佐证材料：可在此提交文字佐证，或先上传佐证文件。"""
    item = _item(request, item_id)
    return write_in_scope(
        request.user, _items(),
        lambda: actions.item_submit(acting_user=request.user, item=item, evidence_text=payload.evidence_text,
                                    note=payload.note, expected_version=payload.version),
        pk=item_id, expected_version=payload.version,
    )


@router.post("/items/{int:item_id}/approve", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="审核销号")
def approve_item(request, item_id: int, payload: TransitionIn):
    """申请销号 → 已销号。只能由责任单位的上级党组织办理，责任单位自己不能销号。"""
    return _transition(request, item_id, Transition.APPROVE, payload)


@router.post("/items/{int:item_id}/reject", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="退回整改")
def reject_item(request, item_id: int, payload: TransitionIn):
    """申请销号 → 整改中，`reason` 必填。由上级党组织办理。"""
    return _transition(request, item_id, Transition.REJECT, payload)


@router.post("/items/{int:item_id}/review", response=responses(ItemDetail, errors=WRITE_ERRORS), summary="回头看")
def review_item(request, item_id: int, payload: ReviewIn):
    """已销号事项到回头看日期后，上级党组织复查：通过，或重新整改（须填写原因）。"""
    transition = Transition.REOPEN if payload.outcome == "reopen" else Transition.REVIEW_PASS
    return _transition(request, item_id, transition, TransitionIn(version=payload.version, reason=payload.reason))


@router.get("/items/{int:item_id}/progress", response=responses(list[ProgressOut]), summary="进展时间线")
def list_progress(request, item_id: int):
    return list(_item(request, item_id).progress.all()[:500])


@router.post("/items/{int:item_id}/progress", response=responses(ProgressOut, status=201, errors=WRITE_ERRORS),
             summary="报告进展")
def add_progress(request, item_id: int, payload: ProgressIn):
    item = _item(request, item_id)
    return Status(201, actions.progress_add(acting_user=request.user, item=item, text=payload.text))


@router.post("/items/{int:item_id}/evidence", response=responses(EvidenceOut, status=201, errors=WRITE_ERRORS),
             summary="上传佐证材料")
def add_evidence(request, item_id: int, text: Form[str] = "", file: File[UploadedFile] = None):
    """multipart/form-data：`text` 佐证说明，`file` 文件（PDF、JPEG、PNG、.docx、.xlsx，按内容检查，≤ 20 MB）。"""
    item = _item(request, item_id)
    return Status(201, actions.evidence_add(acting_user=request.user, item=item, text=text, upload=file))


@router.get("/items/{int:item_id}/steps", response=responses(list[StepOut]), summary="办理记录")
def list_steps(request, item_id: int):
    return list(_item(request, item_id).steps.all()[:1000])


@router.get("/rollup", response=responses(list[RollupOut]), summary="销号率和超期统计")
def rollup(request, org: int | None = None):
    """指定党组织（默认为您的最高岗位党组织）及其直接下级，每行含其全部下级的事项。"""
    root = readable_or_404(Organization.objects, request.user, org) if org is not None else scope_root(request.user)
    if root is None:
        return []
    return [{**row.__dict__, "close_rate": row.close_rate}
            for row in queries.rollup(request.user, root, today=timezone.localdate())]


def _decomposed(call):
    try:
        return call()
    except DocumentError as exc:
        raise ValidationError({"text": str(exc)})


@router.post("/decompose", summary="分解文件（文本）")
def decompose(request, payload: DecomposeIn):
    """把讲话稿、工作要点等全文分解为清单草稿（不保存）。返回 title、noise、outline、items（每条含 title、
    measures）、filtered（滤除的语句及原因）；责任主体也从本人范围内党组织的名称中识别。"""
    names = scope_org_names(changeable_orgs(request.user))
    return _decomposed(lambda: decompose_text(payload.text, org_names=names))


@router.post("/decompose/file", summary="分解文件（上传 .txt 或 .docx）")
def decompose_file(request, file: File[UploadedFile]):
    names = scope_org_names(changeable_orgs(request.user))
    return _decomposed(lambda: decompose_upload(file, org_names=names)[0])
