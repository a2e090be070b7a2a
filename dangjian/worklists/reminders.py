"""Reminders: items due within 7 days, overdue items (escalated to the level above), and 回头看
due — for the home page of each position, and as the daily text of ``dangjian worklist-reminders``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.actors import SYSTEM

from . import queries, rules


def home_reminders(org, day: str) -> dict:
    """The reminders shown on the home page for a position in ``org`` (its whole subtree) on the
    date ``day`` (ISO), as plain data: the shared summary of a large subtree (worklists/panels.py),
    compared field by field by ``dangjian verify-summaries``."""
    today = dt.date.fromisoformat(day)
    found = queries.reminders_for(SYSTEM, org, today=today)

    def row(item, **extra) -> dict:
        return {"pk": item.pk, "title": item.title, "org_name": item.org.display_name,
                "deadline": item.deadline, "closed_on": item.closed_on, **extra}

    return {
        "counts": found.counts,
        "empty": found.empty,
        "overdue": [row(i, overdue_days=rules.days_overdue(i.deadline, today), escalated=i.org_id != org.pk)
                    for i in found.overdue],
        "due_soon": [row(i) for i in found.due_soon],
        "review_due": [row(i) for i in found.review_due],
    }


def _line(item, today: dt.date, *, with_org: bool = False) -> str:
    where = f"［{item.org.display_name}］" if with_org else ""
    due = f"{item.deadline:%Y-%m-%d}" if item.deadline else "无时限"
    if rules.is_overdue(item.deadline, item.state, today):
        due += f"，已超期 {rules.days_overdue(item.deadline, today)} 天"
    return f"    - {where}{item.title}（{item.get_kind_display()}，{item.get_state_display()}，时限 {due}）"


def daily_report(*, today: dt.date | None = None, root=None) -> list[str]:
    """The daily reminder text, one block per organisation that has anything to do, in tree order."""
    today = today or timezone.localdate()
    by_org = queries.reminders_by_org(today=today, root=root)
    lines: list[str] = []
    for entry in sorted(by_org.values(), key=lambda e: e["org"].path):
        org = entry["org"]
        lines.append(f"{org.name}（{org.code}）")
        if entry["due_soon"]:
            lines.append(f"  7日内到期 {len(entry['due_soon'])} 项：")
            lines += [_line(i, today) for i in entry["due_soon"]]
        if entry["overdue"]:
            lines.append(f"  超期 {len(entry['overdue'])} 项：")
            lines += [_line(i, today) for i in entry["overdue"]]
        if entry["escalated"]:
            lines.append(f"  下级超期（请督办）{len(entry['escalated'])} 项：")
            lines += [_line(i, today, with_org=True) for i in entry["escalated"]]
        if entry["review_due"]:
            lines.append(f"  回头看到期 {len(entry['review_due'])} 项：")
            lines += [_line(i, today, with_org=True) for i in entry["review_due"]]
    return lines
