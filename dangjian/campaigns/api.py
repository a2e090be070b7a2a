"""The campaigns API: every page's reads and writes through the same queries and actions. A campaign
the user may not open is 404; a refusal of rights 403; a stale version 409; bad input 422."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, responses
from dangjian.core.errors import ActionDenied
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.core.shortcuts import parse_id
from dangjian.orgs.models import Organization

from . import actions, queries
from .models import Application, Finding, Objection
from .schemas import (
    AnswerIn,
    ApplicationIn,
    ApplicationOut,
    CampaignCreate,
    CampaignDetail,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    CheckOut,
    ChosenIn,
    CountOut,
    FindingIn,
    FindingOut,
    GrantIn,
    GrantOut,
    KindsIn,
    RankOut,
    ReviewIn,
    ReviewOut,
    RevisitIn,
    SampleIn,
    ScoresIn,
    StageIn,
    TargetOut,
    TitleOut,
    TitlePage,
    ToItemIn,
)

router = Router(tags=["督查观摩评选"])
MANAGER_ONLY = "只有组织单位（对其有修改权限的岗位）可以进行此操作"


def _id(value) -> int:
    """An id from the path the databases can hold, else 404 (past 2^63 - 1 SQLite's driver fails)."""
    pk = parse_id(value)
    if pk is None:
        raise Http404("未找到")
    return pk


def _open(request, campaign_id):
    return queries.campaign_or_404(request.user, campaign_id, timezone.localdate())


def _managed(request, campaign_id):
    campaign, access = _open(request, campaign_id)
    if not access.manager:
        raise ActionDenied(MANAGER_ONLY)
    return campaign, access


def _org(user, pk, action=CHANGE, field="org") -> Organization:
    org = Organization.objects.restrict(user, action).filter(pk=pk).first() if parse_id(pk) else None
    if org is None:
        raise ValidationError({field: f"党组织 {pk} 不存在或不在您可维护的范围内"})
    return org


def _target(request, campaign, access, target_id):
    target = queries.targets_for(request.user, access).filter(pk=_id(target_id)).first()
    if target is None:
        raise Http404("未找到该对象")
    return target


def _detail(campaign, access, user):
    campaign.access = {"organiser": access.organiser, "manager": access.manager, "roles": sorted(access.roles),
                       "inspected": access.inspected}
    campaign.targets_list = list(queries.targets_for(user, access))
    campaign.sheet_list = list(campaign.sheet.items.all()) if campaign.sheet_id else []
    return {**CampaignOut.from_orm(campaign).model_dump(), "access": campaign.access,
            "targets": campaign.targets_list, "sheet": campaign.sheet_list}


@router.get("/campaigns", response=responses(CampaignPage, errors=(401, 422)), summary="督查、观摩、评选列表")
def list_campaigns(request, page: Query[PageQuery]):
    """组织单位在您管辖范围内的、授权给您的（活动期间）、以您管辖的党组织为对象的（随机暗访到访前除外），以及您可申报的评选。"""
    return page_of(queries.campaigns_for(request.user).order_by("-starts_on", "-id"), page)


@router.post("/campaigns", response=responses(CampaignDetail, status=201, errors=WRITE_ERRORS), summary="新建")
def create_campaign(request, payload: CampaignCreate):
    org = _org(request.user, payload.org)
    scope_org = _org(request.user, payload.scope_org, field="scope_org") if payload.scope_org else None
    revisits = None
    if payload.revisits:
        revisits = queries.campaigns_for(request.user).filter(pk=payload.revisits).first()
        if revisits is None:
            raise ValidationError({"revisits": "没有这个督查，或不在您的管辖范围内"})
    fields = payload.model_dump(exclude={"org", "scope_org", "sheet", "revisits"})
    campaign = actions.campaign_create(acting_user=request.user, org=org, scope_org=scope_org, revisits=revisits,
                                       sheet_items=[i.model_dump() for i in payload.sheet], **fields)
    campaign, access = _open(request, campaign.pk)
    return Status(201, _detail(campaign, access, request.user))


@router.get("/campaigns/{int:campaign_id}", response=responses(CampaignDetail), summary="活动详情")
def get_campaign(request, campaign_id: int):
    campaign, access = _open(request, campaign_id)
    return _detail(campaign, access, request.user)


@router.patch("/campaigns/{int:campaign_id}", response=responses(CampaignDetail, errors=WRITE_ERRORS),
              summary="修改活动设置")
def update_campaign(request, campaign_id: int, payload: CampaignPatch):
    campaign, _ = _managed(request, campaign_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True, exclude={"version"}).items() if v is not None}
    actions.campaign_update(acting_user=request.user, campaign=campaign, expected_version=payload.version, **changes)
    campaign, access = _open(request, campaign_id)
    return _detail(campaign, access, request.user)


@router.post("/campaigns/{int:campaign_id}/close", response=responses(CampaignDetail, errors=WRITE_ERRORS),
             summary="结束活动（授权随之终止）")
def close_campaign(request, campaign_id: int):
    campaign, _ = _managed(request, campaign_id)
    actions.campaign_close(acting_user=request.user, campaign=campaign)
    campaign, access = _open(request, campaign_id)
    return _detail(campaign, access, request.user)


@router.post("/campaigns/{int:campaign_id}/targets/sample", response=responses(list[TargetOut], errors=WRITE_ERRORS),
             summary="分层随机抽取对象")
def sample_targets(request, campaign_id: int, payload: SampleIn):
    """按乡镇和组织类型分层、按比例抽取；种子、总体和结果留痕，之后对象不能调换。"""
    campaign, _ = _managed(request, campaign_id)
    return actions.targets_sample(acting_user=request.user, campaign=campaign, size=payload.size, seed=payload.seed,
                                  kinds=payload.kinds)


@router.get("/campaigns/{int:campaign_id}/targets/check", response=responses(CheckOut), summary="重新验证抽取结果")
def check_sample(request, campaign_id: int):
    campaign, _ = _open(request, campaign_id)
    ok, message = actions.sample_check(campaign)
    return {"ok": ok, "message": message}


@router.post("/campaigns/{int:campaign_id}/targets/kinds", response=responses(CountOut, errors=WRITE_ERRORS),
             summary="按组织类型全部选取")
def kinds_targets(request, campaign_id: int, payload: KindsIn):
    campaign, _ = _managed(request, campaign_id)
    return {"added": actions.targets_by_kinds(acting_user=request.user, campaign=campaign, kinds=payload.kinds)}


@router.post("/campaigns/{int:campaign_id}/targets/chosen", response=responses(CountOut, errors=WRITE_ERRORS),
             summary="指定名单")
def chosen_targets(request, campaign_id: int, payload: ChosenIn):
    campaign, _ = _managed(request, campaign_id)
    orgs = list(Organization.objects.restrict(request.user, VIEW).filter(pk__in=payload.orgs))
    missing = set(payload.orgs) - {o.pk for o in orgs}
    if missing:
        raise ValidationError({"orgs": f"党组织 {sorted(missing)[:20]} 不存在或不在您的管辖范围内"})
    return {"added": actions.targets_choose(acting_user=request.user, campaign=campaign, orgs=orgs)}


@router.get("/campaigns/{int:campaign_id}/grants", response=responses(list[GrantOut], errors=(401, 403, 404)),
            summary="督查人员和评委")
def list_grants(request, campaign_id: int):
    campaign, access = _open(request, campaign_id)
    if not access.organiser:
        raise ActionDenied("授权名单只对组织单位开放")
    return [{"id": g.pk, "username": g.user.username, "role": g.role, "home_org": g.home_org, "revoked": g.revoked}
            for g in campaign.participants.select_related("user", "home_org")]


@router.post("/campaigns/{int:campaign_id}/grants", response=responses(GrantOut, status=201, errors=WRITE_ERRORS),
             summary="授权督查人员或评委")
def create_grant(request, campaign_id: int, payload: GrantIn):
    """可来自范围以外；只能查看本活动的对象、记录自己的发现和评分；活动期间有效，活动结束即终止。"""
    campaign, _ = _managed(request, campaign_id)
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": "没有这个用户"})
    home = Organization.objects.filter(pk=payload.home_org).first() if payload.home_org else None
    if payload.home_org and home is None:
        raise ValidationError({"home_org": "没有这个党组织"})
    grant = actions.participant_grant(acting_user=request.user, campaign=campaign, user=user, role=payload.role,
                                      home_org=home)
    return Status(201, {"id": grant.pk, "username": user.username, "role": grant.role, "home_org": home,
                        "revoked": grant.revoked})


@router.delete("/campaigns/{int:campaign_id}/grants/{int:grant_id}", response=responses(GrantOut, errors=WRITE_ERRORS),
               summary="终止授权")
def revoke_grant(request, campaign_id: int, grant_id: int):
    campaign, _ = _managed(request, campaign_id)
    grant = get_object_or_404(campaign.participants.select_related("user", "home_org"), pk=_id(grant_id))
    actions.participant_revoke(acting_user=request.user, grant=grant)
    return {"id": grant.pk, "username": grant.user.username, "role": grant.role, "home_org": grant.home_org,
            "revoked": True}


def _finding_out(row) -> dict:
    f = row.finding
    return {"id": f.pk, "target": f.target, "sheet_item": f.sheet_item.title if f.sheet_item_id else None,
            "score": f.score, "text": f.text, "is_problem": f.is_problem, "deadline": f.deadline, "item": f.item_id,
            "status": row.status, "status_label": row.status_label, "inspector_name": f.inspector_name,
            "photos": f.photos.count()}


@router.get("/campaigns/{int:campaign_id}/findings", response=responses(list[FindingOut]),
            summary="督查通报：每条发现及其问题清单事项的状态")
def list_findings(request, campaign_id: int):
    campaign, access = _open(request, campaign_id)
    findings = queries.findings_for(request.user, access).prefetch_related("photos")
    return [_finding_out(r) for r in queries.report_rows(findings)]


@router.post("/campaigns/{int:campaign_id}/targets/{int:target_id}/findings",
             response=responses(FindingOut, status=201, errors=WRITE_ERRORS), summary="现场记录发现")
def create_finding(request, campaign_id: int, target_id: int, payload: Form[FindingIn],
                   photos: File[list[UploadedFile]] = None):
    """表单格式（multipart/form-data），可附多张现场照片（JPEG/PNG，按内容检查，每张不超过 10 MB）。
    组织单位记录的问题直接转为问题清单事项；其他督查人员记录的由组织单位一步转入。"""
    campaign, access = _open(request, campaign_id)
    target = _target(request, campaign, access, target_id)
    sheet_item = None
    if payload.sheet_item:
        sheet_item = campaign.sheet.items.filter(pk=payload.sheet_item).first() if campaign.sheet_id else None
        if sheet_item is None:
            raise ValidationError({"sheet_item": "检查项目不属于本活动的评分表"})
    finding = actions.finding_record(acting_user=request.user, target=target, sheet_item=sheet_item,
                                     score=payload.score, text=payload.text, is_problem=payload.is_problem,
                                     deadline=payload.deadline, photos=photos or [])
    row = queries.report_rows(Finding.objects.filter(pk=finding.pk).select_related("target__org", "sheet_item", "item"))
    return Status(201, _finding_out(row[0]))


@router.post("/campaigns/{int:campaign_id}/findings/{int:finding_id}/item",
             response=responses(FindingOut, errors=WRITE_ERRORS), summary="发现转为问题清单事项")
def finding_item(request, campaign_id: int, finding_id: int, payload: ToItemIn):
    campaign, _ = _managed(request, campaign_id)
    finding = get_object_or_404(Finding, campaign=campaign, pk=_id(finding_id))
    actions.finding_to_item(acting_user=request.user, finding=finding, deadline=payload.deadline)
    row = queries.report_rows(Finding.objects.filter(pk=finding.pk).select_related("target__org", "sheet_item", "item"))
    return _finding_out(row[0])


@router.post("/campaigns/{int:campaign_id}/findings/{int:finding_id}/revisit",
             response=responses(FindingOut, status=201, errors=WRITE_ERRORS), summary="整改回头看")
def revisit_finding(request, campaign_id: int, finding_id: int, payload: RevisitIn):
    campaign, access = _open(request, campaign_id)
    finding = get_object_or_404(Finding, campaign_id=campaign.revisits_id, pk=_id(finding_id))
    result = actions.revisit_item(acting_user=request.user, campaign=campaign, finding=finding,
                                  reopen=payload.reopen, reason=payload.reason)
    row = queries.report_rows(Finding.objects.filter(pk=result.pk).select_related("target__org", "sheet_item", "item"))
    return Status(201, _finding_out(row[0]))


@router.put("/campaigns/{int:campaign_id}/targets/{int:target_id}/scores",
            response=responses(dict[int, float], errors=WRITE_ERRORS), summary="评委评分（本人的评分表）")
def put_scores(request, campaign_id: int, target_id: int, payload: ScoresIn):
    campaign, access = _open(request, campaign_id)
    target = _target(request, campaign, access, target_id)
    rows = actions.scores_record(acting_user=request.user, target=target, scores=payload.scores)
    return {r.sheet_item_id: float(r.score) for r in rows}


@router.get("/campaigns/{int:campaign_id}/ranking", response=responses(list[RankOut], errors=(401, 403, 404)),
            summary="评分汇总与排名")
def get_ranking(request, campaign_id: int):
    campaign, access = _open(request, campaign_id)
    if not access.organiser:
        raise ActionDenied("评分汇总只对组织单位开放")
    return [{"place": r.place, "target": r.target, "judges": r.judges, "totals": r.totals, "combined": r.combined,
             "grade": r.grade, "grade_label": r.grade_label} for r in queries.ranking(campaign)]


def _application(request, application_id):
    application = get_object_or_404(Application.objects.select_related("org"), pk=_id(application_id))
    campaign, access = _open(request, application.campaign_id)
    if not access.sees_all_targets and not queries.targets_for(request.user, access).filter(
            pk=application.target_id).exists():
        raise Http404("未找到")
    return application, campaign, access


def _application_out(application):
    application.refresh_from_db()
    return {**{f: getattr(application, f) for f in (
        "id", "campaign_id", "org", "name", "description", "state", "screening_note", "publicity_starts_on",
        "publicity_ends_on")}, "objections": list(application.objections.all())}


@router.post("/campaigns/{int:campaign_id}/applications",
             response=responses(ApplicationOut, status=201, errors=WRITE_ERRORS), summary="评选申报")
def create_application(request, campaign_id: int, payload: ApplicationIn):
    campaign, _ = _open(request, campaign_id)
    org = _org(request.user, payload.org)
    application = actions.application_submit(acting_user=request.user, campaign=campaign, org=org, name=payload.name,
                                             description=payload.description)
    return Status(201, _application_out(application))


@router.get("/applications/{int:application_id}", response=responses(ApplicationOut), summary="申报详情")
def get_application(request, application_id: int):
    application, _, _ = _application(request, application_id)
    return _application_out(application)


STAGES = ("pass", "reject", "publicity", "objection", "name", "decline")


@router.post("/applications/{int:application_id}/{stage}", response=responses(ApplicationOut, errors=WRITE_ERRORS),
             summary="评选流程：pass 初审通过、reject 不通过、publicity 公示、objection 登记异议、"
                     "name 命名、decline 不予命名")
def application_stage(request, application_id: int, stage: str, payload: StageIn):
    application, campaign, access = _application(request, application_id)
    if stage not in STAGES:
        raise Http404("没有这个操作")
    if not access.manager:
        raise ActionDenied(MANAGER_ONLY)
    user, p = request.user, payload
    if stage in ("pass", "reject"):
        actions.application_screen(acting_user=user, application=application, passed=stage == "pass", note=p.note)
    elif stage == "publicity":
        if not p.starts_on or not p.ends_on:
            raise ValidationError({"ends_on": "请填写公示开始和结束日期"})
        actions.publicity_start(acting_user=user, application=application, starts_on=p.starts_on,
                                ends_on=p.ends_on)
    elif stage == "objection":
        actions.objection_add(acting_user=user, application=application, text=p.text, raised_by=p.raised_by,
                              received_on=p.received_on)
    elif stage == "name":
        actions.application_name(acting_user=user, application=application, certificate_no=p.certificate_no)
    else:
        actions.application_decline(acting_user=user, application=application, note=p.note)
    return _application_out(application)


@router.post("/objections/{int:objection_id}/answer", response=responses(ApplicationOut, errors=WRITE_ERRORS),
             summary="答复公示异议")
def answer_objection(request, objection_id: int, payload: AnswerIn):
    objection = get_object_or_404(Objection, pk=_id(objection_id))
    application, _, access = _application(request, objection.application_id)
    if not access.manager:
        raise ActionDenied(MANAGER_ONLY)
    actions.objection_answer(acting_user=request.user, objection=objection, answer=payload.answer)
    return _application_out(application)


def _title_out(title) -> dict:
    return {"id": title.pk, "org": title.org, "name": title.name, "campaign_id": title.campaign_id,
            "certificate_no": title.certificate_no, "named_on": title.named_on, "state": title.state,
            "withdrawn_on": title.withdrawn_on, "reviews": list(title.reviews.all())}


@router.get("/titles", response=responses(TitlePage, errors=(401, 422)), summary="命名称号")
def list_titles(request, page: Query[PageQuery]):
    result = page_of(queries.titles_for(request.user).prefetch_related("reviews").order_by("-named_on", "-id"), page)
    result["items"] = [_title_out(t) for t in result["items"]]
    return result


@router.post("/titles/{int:title_id}/reviews", response=responses(ReviewOut, status=201, errors=WRITE_ERRORS),
             summary="年度复评（保留或摘牌）")
def review_title(request, title_id: int, payload: ReviewIn):
    title = queries.titles_for(request.user).filter(pk=_id(title_id)).first()
    if title is None:
        raise Http404("未找到")
    review = actions.title_review(acting_user=request.user, title=title, year=payload.year, kept=payload.kept,
                                  note=payload.note)
    return Status(201, review)


@router.get("/titles/{int:title_id}", response=responses(TitleOut), summary="称号详情")
def get_title(request, title_id: int):
    title = queries.titles_for(request.user).filter(pk=_id(title_id)).first()
    if title is None:
        raise Http404("未找到")
    return _title_out(title)


