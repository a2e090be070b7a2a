"""Demo work waiting for the demo accounts (README's table): a 销号 request the town returned
with its reason, in the branch the demo secretary logs into, and one awaiting the town's review.
Here, beside the demo accounts, because only this layer knows which seats they take; the items go
through the lists' own actions, which put them in the 待办 of the people concerned."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import register_demo
from dangjian.worklists import actions
from dangjian.worklists.choices import Kind, Priority, Source

from .demo_accounts import NoDemoData, demo_logins


def _secretary_branch():
    try:
        return next(login.org for login in demo_logins() if login.username == "secretary")
    except (NoDemoData, StopIteration):
        return None


def generate(*, today: dt.date, stdout=None, **_) -> None:
    branch = _secretary_branch()
    if branch is None or branch.parent_id is None:
        return
    started = today - dt.timedelta(days=30)
    returned = actions.item_create(
        acting_user=SYSTEM, org=branch, kind=Kind.PROBLEM, title="党员活动室设施陈旧、功能不全",
        symptoms="活动室桌椅破损，无投影设备，党员学习教育难以开展", measures=["更新桌椅和学习设备", "完善制度上墙"],
        source=Source.SUPERVISION, deadline=today + dt.timedelta(days=20), priority=Priority.HIGH,
        person_names="支部书记", today=today,
    )
    returned = actions.item_claim(acting_user=SYSTEM, item=returned, today=started)
    returned = actions.item_submit(acting_user=SYSTEM, item=returned, today=today - dt.timedelta(days=3),
                                   evidence_text="已更换桌椅，添置投影仪一台。")
    actions.item_reject(acting_user=SYSTEM, item=returned, today=today - dt.timedelta(days=1),
                        reason=f"{branch.parent.display_name}审核：佐证只有文字说明，请补充整改后的现场照片和设备采购凭证")
    waiting = actions.item_create(
        acting_user=SYSTEM, org=branch, kind=Kind.PROBLEM, title="党费收缴台账不完整",
        measures=["逐月补齐党费收缴记录"], source=Source.SELF_CHECK, deadline=today + dt.timedelta(days=10),
        person_names="组织委员", today=today,
    )
    waiting = actions.item_claim(acting_user=SYSTEM, item=waiting, today=started)
    actions.item_submit(acting_user=SYSTEM, item=waiting, today=today - dt.timedelta(days=2),
                        evidence_text="已补齐今年 1 月至今的党费收缴台账，经支委会核对。")
    if stdout is not None:
        stdout.write(f"  演示账号的待办：{branch.display_name}有一项被退回整改、一项待乡镇审核")


register_demo("demo_seats", generate, after=("worklists",), label="演示账号的待办")
