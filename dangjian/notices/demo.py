"""Demo 通知公告: the county sends a few notices to its townships over the last months (one asks for a
receipt, most townships have given it), and each township sends one to its branches asking for a
receipt, about two thirds given. Written through the actions, so each recipient's 待办 is real; the
publication dates are then spread over the past weeks. Same seed and day → same data."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import register_demo
from dangjian.inbox.models import InboxItem
from dangjian.orgs.choices import COMMITTEE_KINDS
from dangjian.orgs.models import Organization

from . import actions
from .choices import Audience
from .models import Notice, Recipient

COUNTY_NOTICES = [
    ("关于开展党员组织关系集中排查的通知",
     "请各乡镇党委于本月底前完成辖区党员组织关系排查，对失联党员逐一登记，结果报县委组织部。", True),
    ("关于做好年度党费收缴工作的通知",
     "各基层党组织要按规定标准按月收缴党费，及时公示收缴情况，杜绝以代缴代扣代替党员本人交纳。", False),
    ("关于组织开展“三会一课”制度落实情况督查的通知",
     "县委组织部将于下月采取随机抽查方式督查，请各支部如实记录，严禁补记录、凑次数。", False),
]
TOWN_NOTICE = ("关于报送本季度主题党日活动计划的通知", "请各党支部于本周五前报送本季度主题党日活动计划，并在平台登记。")


def wipe() -> None:
    InboxItem.objects.filter(source__startswith="notices:").delete()
    Recipient.objects.all().delete()
    Notice.objects.all().delete()


def count() -> int:
    return Notice.objects.count()


def _confirm_share(rng: random.Random, notice: Notice, share: float) -> int:
    recipients = list(notice.recipients.select_related("notice", "org").order_by("org__path"))
    chosen = [r for r in recipients if rng.random() < share]
    for recipient in chosen:
        actions.notice_confirm(acting_user=SYSTEM, recipient=recipient)
    return len(chosen)


def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    rng = random.Random(seed * 37 + 11)
    made: list[tuple[Notice, int]] = []
    for days_ago, (title, body, receipt) in zip((60, 30, 9), COUNTY_NOTICES, strict=True):
        notice = actions.notice_publish(acting_user=SYSTEM, org=root, title=title, body=body,
                                        audience=Audience.CHILDREN, receipt_required=receipt)
        made.append((notice, days_ago))
        if receipt:
            _confirm_share(rng, notice, 0.85)
    towns = Organization.objects.filter(parent=root, kind__in=COMMITTEE_KINDS).order_by("path")
    confirmed = 0
    for town in towns:
        try:
            notice = actions.notice_publish(acting_user=SYSTEM, org=town, title=TOWN_NOTICE[0], body=TOWN_NOTICE[1],
                                            audience=Audience.SUBTREE, receipt_required=True)
        except ValidationError:  # a township without branches has nobody to notify
            continue
        made.append((notice, rng.randint(2, 6)))
        confirmed += _confirm_share(rng, notice, 0.65)
    now = timezone.now()
    for notice, days_ago in made:
        published = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        Notice.objects.filter(pk=notice.pk).update(published_at=published)
    if stdout is not None:
        stdout.write(f"通知公告：{len(made)} 条，回执 {confirmed} 个党组织\n")


register_demo("notices", generate, wipe=wipe, count=count, after=("orgs",), label="通知公告")
