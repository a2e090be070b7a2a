"""``dangjian verify-summaries``: prove that every subtree summary held in the shared cache equals a
full recompute from the database (dangjian/core/summaries.py). Only subtrees larger than
``SUMMARY_MIN_ORGS`` organisations are ever cached, so those are the ones looked up. A difference is
listed and the command exits non-zero; nothing is changed."""

from __future__ import annotations

from collections import Counter

from django.core.management import BaseCommand, CommandError

from dangjian.core.registry import dashboard_panels, panels
from dangjian.core.summaries import SUMMARY_MIN_ORGS, summary_kinds, verify
from dangjian.core.tree import ancestors_and_self
from dangjian.orgs.models import Organization


def cacheable_orgs() -> list[Organization]:
    """The organisations whose subtree is large enough to be summarised in the cache: subtree sizes
    from one query over the paths."""
    sizes: Counter[str] = Counter()
    for path in Organization.objects.values_list("path", flat=True):
        sizes.update(ancestors_and_self(path))
    large = [path for path, n in sizes.items() if n > SUMMARY_MIN_ORGS]
    return list(Organization.objects.filter(path__in=large).order_by("path"))


class Command(BaseCommand):
    help = "核对缓存中的每一份子树汇总与从数据库完整重算的结果一致（不一致时列出并以非零状态退出）"

    def handle(self, *args, **opts):
        panels()  # the apps register their summaries beside their home-page panels
        dashboard_panels()  # and beside their dashboard panels
        checks = verify(cacheable_orgs())
        wrong = [c for c in checks if not c.equal]
        for c in wrong:
            self.stderr.write(f"不一致：{c.name}（组织路径 {c.org_path}，{c.variant}）")
        kinds = "、".join(k.name for k in summary_kinds())
        if wrong:
            raise CommandError(f"{len(wrong)} 份汇总与重算结果不一致（共核对 {len(checks)} 份）")
        self.stdout.write(self.style.SUCCESS(f"已核对缓存中的 {len(checks)} 份汇总（{kinds}），全部与重算结果一致"))
