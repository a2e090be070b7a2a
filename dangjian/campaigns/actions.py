"""Writes of the campaigns: keyword-only, atomic (``audited_transaction``), first ``acting_user``.
The organiser's writes check ``core.scoping.require`` on the organising organisation; an inspector's
or judge's writes check the campaign's own grant (``queries.active_grants``) instead — the grant
lets them write their own findings and scores and nothing else."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.core.actors import SYSTEM, actor_name, user_or_none
from dangjian.core.calendar import work_calendar
from dangjian.core.documents import inspect_document, inspect_photo, upload_name
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.scoping import CHANGE, allows, require
from dangjian.orgs.models import Organization
from dangjian.worklists import actions as item_actions
from dangjian.worklists import rules as item_rules
from dangjian.worklists.choices import Kind, Source, State

from . import queries, rules
from .choices import (
    MAX_SAMPLE,
    OBSERVATION_KINDS,
    SELECTION_KINDS,
    ApplicationState,
    CampaignKind,
    CombineMethod,
    Role,
    Schedule,
    TargetMethod,
    TitleState,
)
from .models import (
    Application,
    ApplicationFile,
    Campaign,
    Finding,
    FindingPhoto,
    JudgeScore,
    Objection,
    Participant,
    ScoreSheet,
    SheetItem,
    Target,
    Title,
    TitleReview,
)

MAX_PHOTOS = 9
TEXT_LIMIT = 5000
SETTINGS_FIELDS = ["title", "ends_on", "combine_method", "trim_min_judges", "advanced_share", "lagging_share",
                   "requirements", "schedule", "checks_centres"]


def _manage(user, campaign: Campaign, message: str = "无权管理该活动（需要对组织单位有修改权限）") -> None:
    require(user, CHANGE, campaign.org, message=message)


def _open(campaign: Campaign) -> None:
    if campaign.closed:
        raise ValidationError({"campaign": "该活动已结束，不能再修改"})


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: f"“{value}”不是数字"}) from None


def _text(value: str, field: str, label: str, *, required: bool = False, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label}不能为空"})
    if len(value) > limit:
        raise ValidationError({field: f"{label}最多 {limit} 个字（现为 {len(value)} 个字）"})
    return value


# -- score sheets and campaigns ------------------------------------------------------------------------

def parse_sheet_lines(text: str) -> list[dict]:
    """评分表 typed as lines ``项目|满分|评分说明``; each bad line is reported with its number."""
    items, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) < 2 or not parts[0]:
            errors.append(f"第 {number} 行：应为“项目|满分|评分说明”")
            continue
        try:
            score = Decimal(parts[1])
        except InvalidOperation:
            errors.append(f"第 {number} 行：满分“{parts[1]}”不是数字")
            continue
        items.append({"title": parts[0], "max_score": score, "guidance": parts[2] if len(parts) > 2 else ""})
    if errors:
        raise ValidationError({"sheet": errors})
    return items


@audited_transaction()
def sheet_create(*, acting_user, org: Organization, name: str, items: Sequence[dict]) -> ScoreSheet:
    require(acting_user, CHANGE, org, message="无权为该党组织制定评分表")
    name = _text(name, "name", "评分表名称", required=True, limit=200)
    if not items:
        raise ValidationError({"sheet": "评分表至少要有一个项目"})
    errors = []
    for number, item in enumerate(items, start=1):
        if not str(item.get("title") or "").strip():
            errors.append(f"第 {number} 项：项目名称不能为空")
        score = _decimal(item.get("max_score"), "sheet")
        if score is None or score <= 0 or score > 1000:
            errors.append(f"第 {number} 项：满分应为 0 至 1000 之间的正数")
    if errors:
        raise ValidationError({"sheet": errors})
    sheet = ScoreSheet.objects.create(name=name, org=org)
    SheetItem.objects.bulk_create([
        SheetItem(sheet=sheet, position=i, title=str(item["title"]).strip()[:300],
                  max_score=_decimal(item["max_score"], "sheet"), guidance=str(item.get("guidance") or "")[:2000])
        for i, item in enumerate(items, start=1)])
    record_change(actor=acting_user, action="campaign_sheet_create", obj=sheet,
                  after={"name": name, "items": [str(i["title"]) for i in items]})
    return sheet


def _check_settings(fields: dict) -> None:
    errors = {}
    if "kind" in fields and fields["kind"] not in CampaignKind.values:
        errors["kind"] = "类型不是可选值"
    if "combine_method" in fields and fields["combine_method"] not in CombineMethod.values:
        errors["combine_method"] = "合成方法应为平均分或去掉最高最低分后平均"
    if "schedule" in fields and (fields["schedule"] or "") not in Schedule.values:
        errors["schedule"] = "周期应为每季度、每半年或不定期"
    if "trim_min_judges" in fields and not 3 <= int(fields["trim_min_judges"]) <= 50:
        errors["trim_min_judges"] = "去掉最高最低分的最少评委数应在 3 至 50 之间"
    shares = rules.shares_error(int(fields.get("advanced_share", 0)), int(fields.get("lagging_share", 0)))
    if shares:
        errors["advanced_share"] = shares
    if fields.get("starts_on") and fields.get("ends_on") and fields["ends_on"] < fields["starts_on"]:
        errors["ends_on"] = "结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)


def campaign_snapshot(c: Campaign) -> dict:
    return {"kind": c.kind, "title": c.title, "org": c.org.code, "scope_org": c.scope_org.code,
            "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(), "schedule": c.schedule,
            "combine_method": c.combine_method, "trim_min_judges": c.trim_min_judges,
            "advanced_share": c.advanced_share, "lagging_share": c.lagging_share, "closed": c.closed,
            "checks_centres": c.checks_centres}


@audited_transaction()
def campaign_create(*, acting_user, org: Organization, kind: str, title: str, starts_on: dt.date,
                    ends_on: dt.date, scope_org: Organization | None = None, sheet: ScoreSheet | None = None,
                    sheet_items: Sequence[dict] = (), revisits: Campaign | None = None, **settings) -> Campaign:
    require(acting_user, CHANGE, org, message="无权以该党组织名义组织督查、观摩或评选")
    scope_org = scope_org or org
    if not scope_org.path.startswith(org.path):
        raise ValidationError({"scope_org": "范围应为组织单位本身或其下级党组织"})
    fields = {k: v for k, v in settings.items() if k in SETTINGS_FIELDS}
    fields.update(kind=kind, title=_text(title, "title", "名称", required=True, limit=200),
                  starts_on=starts_on, ends_on=ends_on)
    _check_settings({"advanced_share": 30, "lagging_share": 10, **fields})
    if kind == CampaignKind.REVISIT:
        if revisits is None:
            raise ValidationError({"revisits": "整改回头看要指明回头看哪一次督查"})
        if not allows(acting_user, CHANGE, revisits.org):
            raise ActionDenied("无权对该次督查开展回头看")
    if sheet_items:
        sheet = sheet_create(acting_user=acting_user, org=org, name=f"{fields['title']}评分表", items=sheet_items)
    campaign = Campaign.objects.create(org=org, scope_org=scope_org, sheet=sheet, revisits=revisits,
                                       created_by=user_or_none(acting_user), **fields)
    record_change(actor=acting_user, action="campaign_create", obj=campaign, after=campaign_snapshot(campaign))
    return campaign


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("org", "scope_org").get(
        pk=campaign.pk)


@audited_transaction()
def campaign_update(*, acting_user, campaign: Campaign, expected_version: int | None = None, **changes) -> Campaign:
    locked = _lock(campaign)
    _manage(acting_user, locked)
    _open(locked)
    if expected_version is not None and expected_version != locked.version:
        raise VersionConflict("该活动已被他人修改，请刷新后重新操作",
                              current={**campaign_snapshot(locked), "version": locked.version},
                              submitted={**{k: str(v) for k, v in changes.items()}, "version": expected_version})
    changes = {k: v for k, v in changes.items() if k in SETTINGS_FIELDS}
    before = campaign_snapshot(locked)
    for key, value in changes.items():
        setattr(locked, key, value)
    _check_settings({"starts_on": locked.starts_on, "ends_on": locked.ends_on, "advanced_share": locked.advanced_share,
                     "lagging_share": locked.lagging_share, **changes})
    after = campaign_snapshot(locked)
    old = {k: v for k, v in before.items() if after[k] != v}
    if old:
        locked.version += 1
        locked.save()
        record_change(actor=acting_user, action="campaign_update", obj=locked, before=old,
                      after={k: after[k] for k in old})
    return locked


@audited_transaction()
def campaign_close(*, acting_user, campaign: Campaign) -> Campaign:
    """结束活动: the grants of inspectors and judges end with it (each revocation audited)."""
    locked = _lock(campaign)
    _manage(acting_user, locked)
    _open(locked)
    locked.closed = True
    locked.version += 1
    locked.save()
    for grant in locked.participants.filter(revoked=False).select_related("user"):
        grant.revoked = True
        grant.save(update_fields=["revoked"])
        record_change(actor=acting_user, action="campaign_revoke", obj=locked,
                      after={"user": grant.user.username, "role": grant.role}, note="活动结束，授权随之终止")
    record_change(actor=acting_user, action="campaign_close", obj=locked, before={"closed": False},
                  after={"closed": True})
    return locked


# -- targets -----------------------------------------------------------------------------------------

def _no_targets_yet(campaign: Campaign) -> None:
    if campaign.target_method == TargetMethod.SAMPLE:
        raise ValidationError({"targets": "对象已随机抽取，不能再增减或调换（抽取结果可以重新验证）"})


def _in_scope(campaign: Campaign, orgs: Iterable[Organization]) -> None:
    outside = [o.name for o in orgs if not o.path.startswith(campaign.scope_org.path)]
    if outside:
        raise ValidationError({"orgs": f"不在本次活动范围内：{'、'.join(outside[:10])}"})


def _add_targets(acting_user, campaign: Campaign, org_ids: Sequence[int], method: str, strata=None) -> int:
    existing = set(campaign.targets.values_list("org_id", flat=True))
    start = campaign.targets.count()
    new = [Target(campaign=campaign, org_id=pk, stratum=(strata or {}).get(pk, ""), draw_order=start + i)
           for i, pk in enumerate(pk for pk in org_ids if pk not in existing)]
    Target.objects.bulk_create(new)
    campaign.target_method = method
    campaign.version += 1
    campaign.save()
    record_change(actor=acting_user, action="campaign_targets", obj=campaign,
                  after={"method": method, "added": len(new)})
    return len(new)


@audited_transaction()
def targets_by_kinds(*, acting_user, campaign: Campaign, kinds: Sequence[str]) -> int:
    locked = _lock(campaign)
    _manage(acting_user, locked)
    _open(locked)
    _no_targets_yet(locked)
    if not kinds:
        raise ValidationError({"kinds": "请选择至少一种组织类型"})
    ids = [c.org_id for c in queries.sample_candidates(locked, list(kinds))]
    locked.target_kinds = list(kinds)
    return _add_targets(acting_user, locked, ids, TargetMethod.TYPES)


@audited_transaction()
def targets_choose(*, acting_user, campaign: Campaign, orgs: Sequence[Organization]) -> int:
    locked = _lock(campaign)
    _manage(acting_user, locked)
    _open(locked)
    _no_targets_yet(locked)
    if not orgs:
        raise ValidationError({"orgs": "请选择至少一个党组织"})
    _in_scope(locked, orgs)
    return _add_targets(acting_user, locked, [o.pk for o in orgs], TargetMethod.CHOSEN)


@audited_transaction()
def targets_sample(*, acting_user, campaign: Campaign, size: int, kinds: Sequence[str] = (),
                   seed: int | None = None) -> list[Target]:
    """分层随机抽取: ``size`` organisations of the given types, by township and type, with a recorded
    seed. The population, seed and result are stored and audited; the draw happens once."""
    locked = _lock(campaign)
    _manage(acting_user, locked)
    _open(locked)
    if locked.targets.exists():
        raise ValidationError({"targets": "已确定对象，不能再抽取"})
    if not 1 <= int(size) <= MAX_SAMPLE:
        raise ValidationError({"size": f"抽取数量应在 1 至 {MAX_SAMPLE} 之间"})
    seed = int(seed) if seed is not None else secrets.randbelow(10**12)
    population = queries.sample_candidates(locked, list(kinds))
    if not population:
        raise ValidationError({"kinds": "范围内没有符合条件的党组织"})
    drawn = rules.stratified_sample(population, int(size), seed)
    ids = [c.org_id for c in drawn]
    locked.target_kinds = list(kinds)
    locked.sample_size = int(size)
    locked.sample_seed = seed
    locked.sample_population = [[c.org_id, c.township, c.kind] for c in population]
    locked.sample_fingerprint = rules.draw_fingerprint(ids, seed, int(size))
    _add_targets(acting_user, locked, ids, TargetMethod.SAMPLE, strata={c.org_id: c.stratum for c in drawn})
    record_change(actor=acting_user, action="campaign_sample", obj=locked,
                  after={"seed": seed, "size": int(size), "population": len(population), "kinds": list(kinds),
                         "fingerprint": locked.sample_fingerprint})
    return list(locked.targets.order_by("draw_order"))


def sample_check(campaign: Campaign) -> tuple[bool, str]:
    """Re-run the recorded draw (same population, seed and size) and compare it with the stored
    targets in draw order and with the fingerprint recorded at the draw."""
    if campaign.target_method != TargetMethod.SAMPLE or campaign.sample_seed is None:
        return False, "本活动的对象不是随机抽取的"
    population = [rules.Candidate(org_id=a, township=b, kind=c) for a, b, c in campaign.sample_population]
    again = [c.org_id for c in rules.stratified_sample(population, campaign.sample_size, campaign.sample_seed)]
    stored = list(campaign.targets.order_by("draw_order").values_list("org_id", flat=True))
    if again != stored:
        return False, "重新抽取的结果与保存的对象不一致：对象可能被调换"
    if rules.draw_fingerprint(again, campaign.sample_seed, campaign.sample_size) != campaign.sample_fingerprint:
        return False, "抽取结果摘要不一致：记录可能被改动"
    return True, f"已按种子 {campaign.sample_seed} 重新抽取，{len(stored)} 个对象与保存的一致"


@audited_transaction()
def targets_for_revisit(*, acting_user, campaign: Campaign) -> int:
    """整改回头看: the targets are the organisations whose items from the earlier campaign are closed."""
    locked = _lock(campaign)
    _manage(acting_user, locked)
    if locked.kind != CampaignKind.REVISIT or locked.revisits_id is None:
        raise ValidationError({"kind": "只有整改回头看可以按已销号事项确定对象"})
    ids = list(Finding.objects.filter(campaign_id=locked.revisits_id, item__state=State.CLOSED)
               .values_list("target__org_id", flat=True).distinct())
    return _add_targets(acting_user, locked, ids, TargetMethod.CHOSEN)


# -- grants -----------------------------------------------------------------------------------------

@audited_transaction()
def participant_grant(*, acting_user, campaign: Campaign, user, role: str,
                      home_org: Organization | None = None) -> Participant:
    locked = _lock(campaign)
    _manage(acting_user, locked, "无权为该活动指定督查人员或评委")
    _open(locked)
    if role not in Role.values:
        raise ValidationError({"role": "角色应为督查人员或评委"})
    grant, created = Participant.objects.get_or_create(campaign=locked, user=user, role=role,
                                                       defaults={"home_org": home_org})
    if not created and grant.revoked:
        grant.revoked = False
        grant.save(update_fields=["revoked"])
    elif not created:
        raise ValidationError({"user": f"{user.username} 已是本活动的{Role(role).label}"})
    record_change(actor=acting_user, action="campaign_grant", obj=locked,
                  after={"user": user.username, "role": role, "until": locked.ends_on.isoformat(),
                         "home_org": home_org.code if home_org else None})
    return grant


@audited_transaction()
def participant_revoke(*, acting_user, grant: Participant) -> Participant:
    locked = _lock(grant.campaign)
    _manage(acting_user, locked)
    grant.revoked = True
    grant.save(update_fields=["revoked"])
    record_change(actor=acting_user, action="campaign_revoke", obj=locked,
                  after={"user": grant.user.username, "role": grant.role})
    return grant


# -- findings on site --------------------------------------------------------------------------------

def may_inspect(user, campaign: Campaign, today: dt.date | None = None) -> bool:
    if user is SYSTEM or allows(user, CHANGE, campaign.org):
        return True
    return queries.active_grants(user, today).filter(campaign=campaign, role=Role.INSPECTOR).exists()


@audited_transaction()
def finding_record(*, acting_user, target: Target, text: str = "", sheet_item: SheetItem | None = None,
                   score=None, is_problem: bool = False, deadline: dt.date | None = None,
                   photos: Sequence = (), to_item: bool = True, today: dt.date | None = None) -> Finding:
    """A finding on site. A problem found by someone who may also change the target's lists (the
    organiser) becomes a 三单 problem item at once (unless ``to_item`` is false); otherwise it waits
    for the organiser's one step."""
    today = today or timezone.localdate()
    campaign = _lock(target.campaign)
    _open(campaign)
    if campaign.kind in SELECTION_KINDS:
        raise ValidationError({"campaign": "评选活动不记录督查发现，请评委评分"})
    if not may_inspect(acting_user, campaign, today):
        raise ActionDenied("您不是本活动的督查人员，或授权已过期")
    text = _text(text, "text", "发现情况")
    score = _decimal(score, "score")
    if sheet_item is not None:
        if sheet_item.sheet_id != campaign.sheet_id:
            raise ValidationError({"sheet_item": "检查项目不属于本活动的评分表"})
        error = rules.score_error(score, sheet_item.max_score)
        if error:
            raise ValidationError({"score": error})
    if not text and score is None:
        raise ValidationError({"text": "请填写发现情况或得分"})
    if is_problem and not text:
        raise ValidationError({"text": "存在问题时请写明问题"})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"每条发现最多 {MAX_PHOTOS} 张照片"})
    checked = [(upload, *inspect_photo(upload)) for upload in photos]
    finding = Finding.objects.create(
        campaign=campaign, target=target, sheet_item=sheet_item, score=score, text=text, is_problem=is_problem,
        deadline=deadline, inspector=user_or_none(acting_user), inspector_name=actor_name(acting_user))
    for upload, file_type, content in checked:
        photo = FindingPhoto(finding=finding, file_type=file_type, file_size=len(content),
                             file_name=upload_name(upload)[:200])
        photo.file.save(f"{finding.pk}.{file_type}", ContentFile(content), save=False)
        photo.save()
    if target.visited_at is None:
        Target.objects.filter(pk=target.pk).update(visited_at=timezone.now())
        target.visited_at = timezone.now()
    record_change(actor=acting_user, action="campaign_finding", obj=finding,
                  after={"target": target.org.code, "score": str(score) if score is not None else None,
                         "is_problem": is_problem, "text": text[:200], "photos": len(checked)})
    if is_problem and to_item and allows(acting_user, CHANGE, campaign.org):
        finding_to_item(acting_user=acting_user, finding=finding, deadline=deadline, today=today)
        finding.refresh_from_db()
    return finding


@audited_transaction()
def finding_to_item(*, acting_user, finding: Finding, deadline: dt.date | None = None,
                    today: dt.date | None = None):
    """A problem found becomes a 三单 problem item in one step: the target as the responsible
    organisation, a deadline, the campaign as its source (through worklists' own actions)."""
    # of=self: PostgreSQL locks no row on the nullable side of an outer join (sheet_item)
    locked = Finding.objects.select_for_update(of=("self",)).select_related(
        "campaign__org", "target__org", "sheet_item").get(pk=finding.pk)
    campaign = locked.campaign
    _manage(acting_user, campaign, "只有组织单位可以把督查发现转为问题清单")
    if locked.item_id:
        raise ValidationError({"item": "该发现已转为问题清单事项"})
    deadline = deadline or locked.deadline
    if deadline is None:
        raise ValidationError({"deadline": "请填写整改时限"})
    if campaign.document_id is None:
        campaign.document = item_actions.document_create(
            acting_user=acting_user, org=campaign.org, title=f"{campaign.get_kind_display()}：{campaign.title}")
        Campaign.objects.filter(pk=campaign.pk).update(document=campaign.document)
    heading = locked.sheet_item.title if locked.sheet_item_id else campaign.get_kind_display()
    item = item_actions.item_create(
        acting_user=acting_user, org=locked.target.org, kind=Kind.PROBLEM, source=Source.SUPERVISION,
        document=campaign.document, title=f"{heading}：{item_rules.title_from_text(locked.text, 200)}"[:300],
        symptoms=locked.text[:5000], description=f"来源：{campaign.title}", deadline=deadline, today=today)
    locked.item = item
    locked.deadline = deadline
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="campaign_to_item", obj=locked, after={"item": item.pk})
    return item


@audited_transaction()
def revisit_item(*, acting_user, campaign: Campaign, finding: Finding, reopen: bool, reason: str = "",
                 today: dt.date | None = None) -> Finding:
    """整改回头看: a closed item from the earlier campaign is checked again on site; it passes, or it
    is reopened (worklists' 回头看, which checks the reviewer is the level above)."""
    locked = _lock(campaign)
    _open(locked)
    finding = Finding.objects.select_related("item", "target__org").get(pk=finding.pk)
    if locked.kind != CampaignKind.REVISIT or finding.campaign_id != locked.revisits_id:
        raise ValidationError({"finding": "该发现不属于本次回头看的督查"})
    if not may_inspect(acting_user, locked, today):
        raise ActionDenied("您不是本次回头看的督查人员")
    if finding.item_id is None or finding.item.state != State.CLOSED:
        raise ValidationError({"finding": "只有已销号的事项才能回头看"})
    reason = _text(reason, "reason", "回头看意见", required=reopen)
    item_actions.item_review(acting_user=acting_user, item=finding.item, reopen=reopen, reason=reason, today=today)
    target, _ = Target.objects.get_or_create(campaign=locked, org=finding.target.org)
    result = Finding.objects.create(
        campaign=locked, target=target, text=reason or "回头看通过，整改成果巩固", is_problem=reopen,
        item=finding.item, deadline=finding.item.deadline, inspector=user_or_none(acting_user),
        inspector_name=actor_name(acting_user))
    Target.objects.filter(pk=target.pk, visited_at__isnull=True).update(visited_at=timezone.now())
    record_change(actor=acting_user, action="campaign_revisit", obj=result,
                  after={"item": finding.item_id, "reopen": reopen})
    return result


# -- judges' sheets ------------------------------------------------------------------------------------

def judge_conflict(user, target: Target, home_org: Organization | None) -> bool:
    paths = queries.positions_paths(user) + ([home_org.path] if home_org else [])
    return rules.is_own_org(paths, target.org.path)


@audited_transaction()
def scores_record(*, acting_user, target: Target, scores: dict, today: dt.date | None = None) -> list[JudgeScore]:
    """A judge's own sheet for one target: ``scores`` maps sheet items to scores. Only a judge granted
    by the campaign, during its period, never on their own organisation."""
    campaign = _lock(target.campaign)
    _open(campaign)
    if campaign.kind not in OBSERVATION_KINDS | SELECTION_KINDS:
        raise ValidationError({"campaign": "督查活动不由评委评分，请记录督查发现"})
    grant = queries.active_grants(acting_user, today).filter(campaign=campaign, role=Role.JUDGE) \
        .select_related("home_org").first()
    if grant is None:
        raise ActionDenied("您不是本活动的评委，或授权已过期")
    if judge_conflict(acting_user, target, grant.home_org):
        raise ActionDenied(f"评委不能为本单位评分（{target.org.name}）")
    stage = Application.objects.filter(target=target).values_list("state", flat=True).first()
    if stage is not None and stage != ApplicationState.SCREENED:
        raise ValidationError({"scores": "该申报尚未通过初审或已结束评审"})
    items = {i.pk: i for i in SheetItem.objects.filter(sheet_id=campaign.sheet_id)}
    errors, clean = [], {}
    for key, raw in scores.items():
        item = items.get(getattr(key, "pk", key))
        if item is None:
            errors.append(f"评分项目 {key} 不属于本活动的评分表")
            continue
        value = _decimal(raw, "scores")
        if value is None:
            continue
        error = rules.score_error(value, item.max_score)
        if error:
            errors.append(f"{item.title}：{error}")
        clean[item] = value
    if errors:
        raise ValidationError({"scores": errors})
    out = []
    for item, value in clean.items():
        row, _ = JudgeScore.objects.update_or_create(
            target=target, judge=acting_user, sheet_item=item, defaults={"score": value, "campaign": campaign})
        out.append(row)
    record_change(actor=acting_user, action="campaign_score", obj=campaign,
                  after={"target": target.org.code, "total": str(sum(clean.values(), Decimal(0)))})
    return out


# -- 评选 -----------------------------------------------------------------------------------------------

def _lock_application(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("campaign__org", "org", "target") \
        .get(pk=application.pk)


def _stage(application: Application, *states: str) -> None:
    if application.state not in states:
        raise ValidationError({"state": f"申报当前为“{application.get_state_display()}”，不能进行此操作"})


@audited_transaction()
def application_submit(*, acting_user, campaign: Campaign, org: Organization, name: str, description: str,
                       files: Sequence = ()) -> Application:
    require(acting_user, CHANGE, org, message="无权以该党组织名义申报")
    campaign = _lock(campaign)
    _open(campaign)
    if campaign.kind not in SELECTION_KINDS:
        raise ValidationError({"campaign": "只有评选活动可以申报"})
    _in_scope(campaign, [org])
    if campaign.targets.filter(org=org).exists():
        raise ValidationError({"org": f"{org.name}已申报本次评选"})
    name = _text(name, "name", "名称", required=True, limit=200)
    description = _text(description, "description", "申报材料", required=True)
    checked = [(upload, *inspect_document(upload)) for upload in files]
    target = Target.objects.create(campaign=campaign, org=org, draw_order=campaign.targets.count())
    application = Application.objects.create(campaign=campaign, target=target, org=org, name=name,
                                             description=description)
    for upload, file_type, content in checked:
        stored = ApplicationFile(application=application, file_type=file_type, file_size=len(content),
                                 file_name=upload_name(upload, "材料")[:200])
        stored.file.save(f"{application.pk}.{file_type}", ContentFile(content), save=False)
        stored.save()
    if campaign.target_method != TargetMethod.APPLIED:
        Campaign.objects.filter(pk=campaign.pk).update(target_method=TargetMethod.APPLIED)
    record_change(actor=acting_user, action="campaign_apply", obj=application,
                  after={"org": org.code, "name": name, "files": len(checked)})
    return application


@audited_transaction()
def application_screen(*, acting_user, application: Application, passed: bool, note: str = "") -> Application:
    locked = _lock_application(application)
    _manage(acting_user, locked.campaign)
    _stage(locked, ApplicationState.SUBMITTED)
    note = _text(note, "note", "初审意见", required=not passed)
    before = locked.state
    locked.state = ApplicationState.SCREENED if passed else ApplicationState.REJECTED
    locked.screening_note = note
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="campaign_screen", obj=locked, before={"state": before},
                  after={"state": locked.state}, note=note[:500])
    return locked


@audited_transaction()
def publicity_start(*, acting_user, application: Application, starts_on: dt.date, ends_on: dt.date) -> Application:
    """公示: at least 5 working days (core.workdays over the stored holidays and make-up days)."""
    locked = _lock_application(application)
    _manage(acting_user, locked.campaign)
    _stage(locked, ApplicationState.SCREENED)
    # the span first: a nonsense span reads no calendar
    error = rules.publicity_span_error(starts_on, ends_on) or rules.publicity_error(
        starts_on, ends_on, work_calendar(starts_on, ends_on))
    if error:
        raise ValidationError({"ends_on": error})
    locked.state = ApplicationState.PUBLICITY
    locked.publicity_starts_on, locked.publicity_ends_on = starts_on, ends_on
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="campaign_publicity", obj=locked,
                  before={"state": ApplicationState.SCREENED},
                  after={"state": locked.state, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return locked


@audited_transaction()
def objection_add(*, acting_user, application: Application, text: str, raised_by: str = "",
                  received_on: dt.date | None = None) -> Objection:
    locked = _lock_application(application)
    _manage(acting_user, locked.campaign)
    _stage(locked, ApplicationState.PUBLICITY)
    objection = Objection.objects.create(application=locked, text=_text(text, "text", "异议内容", required=True),
                                         raised_by=(raised_by or "")[:100],
                                         received_on=received_on or timezone.localdate())
    record_change(actor=acting_user, action="campaign_objection", obj=locked, after={"objection": objection.text[:200]})
    return objection


@audited_transaction()
def objection_answer(*, acting_user, objection: Objection, answer: str, today: dt.date | None = None) -> Objection:
    locked = _lock_application(objection.application)
    _manage(acting_user, locked.campaign)
    objection.answer = _text(answer, "answer", "答复", required=True)
    objection.answered_on = today or timezone.localdate()
    objection.save(update_fields=["answer", "answered_on"])
    record_change(actor=acting_user, action="campaign_objection_answer", obj=locked,
                  after={"answer": objection.answer[:200]})
    return objection


@audited_transaction()
def application_name(*, acting_user, application: Application, certificate_no: str,
                     today: dt.date | None = None) -> Title:
    """命名: after the 公示 period, with every objection answered; the certificate is recorded."""
    today = today or timezone.localdate()
    locked = _lock_application(application)
    _manage(acting_user, locked.campaign)
    _stage(locked, ApplicationState.PUBLICITY)
    open_objections = locked.objections.filter(answered_on__isnull=True).count()
    error = rules.naming_error(today, locked.publicity_ends_on, open_objections)
    if error:
        raise ValidationError({"state": error})
    certificate_no = _text(certificate_no, "certificate_no", "证书编号", required=True, limit=50)
    if Title.objects.filter(certificate_no=certificate_no).exists():
        raise ValidationError({"certificate_no": f"证书编号 {certificate_no} 已使用"})
    locked.state = ApplicationState.NAMED
    locked.version += 1
    locked.save()
    title = Title.objects.create(org=locked.org, campaign=locked.campaign, application=locked, name=locked.name,
                                 certificate_no=certificate_no, named_on=today)
    record_change(actor=acting_user, action="campaign_name", obj=title,
                  after={"org": locked.org.code, "name": title.name, "certificate_no": certificate_no})
    return title


@audited_transaction()
def application_decline(*, acting_user, application: Application, note: str) -> Application:
    """Not named (an objection upheld, the scores too low): the application ends here."""
    locked = _lock_application(application)
    _manage(acting_user, locked.campaign)
    _stage(locked, ApplicationState.SCREENED, ApplicationState.PUBLICITY)
    note = _text(note, "note", "不予命名的理由", required=True)
    before = locked.state
    locked.state = ApplicationState.NOT_NAMED
    locked.screening_note = note
    locked.version += 1
    locked.save()
    record_change(actor=acting_user, action="campaign_decline", obj=locked, before={"state": before},
                  after={"state": locked.state}, note=note[:500])
    return locked


@audited_transaction()
def title_review(*, acting_user, title: Title, year: int, kept: bool, note: str = "",
                 today: dt.date | None = None) -> TitleReview:
    """动态管理: the yearly 复评 keeps the title or withdraws it (摘牌)."""
    title = Title.objects.select_for_update(of=("self",)).select_related("campaign__org").get(pk=title.pk)
    require(acting_user, CHANGE, title.campaign.org, message="只有命名单位可以复评")
    if title.state == TitleState.WITHDRAWN:
        raise ValidationError({"state": "该称号已摘牌"})
    if title.reviews.filter(year=year).exists():
        raise ValidationError({"year": f"{year} 年度已复评"})
    note = _text(note, "note", "复评意见", required=not kept)
    today = today or timezone.localdate()
    review = TitleReview.objects.create(title=title, year=year, kept=kept, note=note, reviewed_on=today)
    if not kept:
        title.state = TitleState.WITHDRAWN
        title.withdrawn_on = today
        title.save(update_fields=["state", "withdrawn_on"])
    record_change(actor=acting_user, action="campaign_title_review", obj=title,
                  after={"year": year, "kept": kept}, note=note[:500])
    return review
