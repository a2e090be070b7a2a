"""Members already flagged 流出 get an open outflow, members flagged 流入 an inflow in their own
organisation, so the flag and the records agree from the start (docs/mobility.md「已有数据」).

The flag carries no date: the best available is the day the member record was last changed
(``updated_at``, at the latest the day the flag was set), which starts the 6-month and yearly clocks
no earlier than the truth would; the place is ``flow_place`` (or 未登记地点). Branches correct both."""

from django.db import migrations

UNKNOWN = "未登记地点"
CHUNK = 2000


def forward(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Outflow = apps.get_model("mobility", "Outflow")
    Inflow = apps.get_model("mobility", "Inflow")
    flagged = Member.objects.filter(flow_status__in=["out", "in"]).values_list(
        "id", "org_id", "flow_status", "flow_place", "updated_at", "name")
    outflows, inflows = [], []
    for member_id, org_id, status, place, updated_at, name in flagged.iterator(chunk_size=CHUNK):
        day = updated_at.date()
        if status == "out":
            outflows.append(Outflow(member_id=member_id, org_id=org_id, place=place or UNKNOWN, left_on=day,
                                    note="由原流动党员标记生成，外出日期为档案最后修改日期，请核实"))
        else:
            inflows.append(Inflow(member_id=member_id, org_id=org_id, name=name, origin_org="未登记",
                                  origin_place=place or UNKNOWN, arrived_on=day))
    Outflow.objects.bulk_create(outflows, batch_size=CHUNK)
    Inflow.objects.bulk_create(inflows, batch_size=CHUNK)


def backward(apps, schema_editor):
    apps.get_model("mobility", "Outflow").objects.filter(note__startswith="由原流动党员标记生成").delete()


class Migration(migrations.Migration):
    dependencies = [("mobility", "0001_initial"), ("members", "0005_status_change_dates")]
    operations = [migrations.RunPython(forward, backward)]
