"""Turn the old free-text 报到社区 (``members.Member.report_community``) into reports.

A text becomes an accepted report when it names exactly one community organisation (单位类别 村 or
社区, not a 党小组 or 党员中心户): its full name, its short name, or its name without the
party-organisation suffix (党支部、党总支、党委). The kind is 离退休 for retired members, otherwise 在职;
the report date is the day of the migration. Texts naming no community, or more than one, are left
as they are and counted: the migration prints "报到社区：转为报到 N 条，未匹配而保留 M 条". The text
field itself is not cleared (the members app still shows it) — on a fresh database both counts are 0.
Members who already have an open report are skipped (the migration can run again safely)."""

import datetime as dt

from django.db import migrations

SUFFIXES = ("党支部", "党总支", "党委")
COMMUNITY_UNITS = ("village", "community")
NOT_COMMUNITY_KINDS = ("group", "building_group", "central_household")


def forwards(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    Member = apps.get_model("members", "Member")
    CommunityReport = apps.get_model("community", "CommunityReport")
    names: dict[str, set[int]] = {}
    communities = (Organization.objects.filter(unit_category__in=COMMUNITY_UNITS)
                   .exclude(kind__in=NOT_COMMUNITY_KINDS).values_list("id", "name", "short_name"))
    for org_id, name, short_name in communities:
        keys = {name, short_name} | {name.removesuffix(s) for s in SUFFIXES if name.endswith(s)}
        for key in keys - {""}:
            names.setdefault(key.strip(), set()).add(org_id)
    open_members = set(CommunityReport.objects.filter(status__in=("requested", "accepted"))
                       .values_list("member_id", flat=True))
    today = dt.date.today()
    created, left = [], 0
    rows = (Member.objects.exclude(report_community="").filter(status="normal")
            .values_list("id", "report_community", "retired", "category", "org_id"))
    for member_id, text, retired, category, org_id in rows.iterator():
        matches = names.get(text.strip(), set()) - {org_id}
        if len(matches) != 1 or member_id in open_members:
            left += 1
            continue
        kind = "retired" if retired or category == "retired" else "in_service"
        created.append(CommunityReport(member_id=member_id, community_id=matches.pop(), kind=kind,
                                       reported_on=today, status="accepted", note="由原“报到社区”文字转入"))
    CommunityReport.objects.bulk_create(created, batch_size=2000)
    if created or left:
        print(f"\n  报到社区：转为报到 {len(created)} 条，未匹配而保留 {left} 条")


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
