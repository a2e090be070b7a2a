"""The fields and the 阵地 standards a county starts with; it edits them afterwards."""

from django.db import migrations

FIELDS = [
    ("enterprise", "非公有制企业", 10),
    ("social", "社会组织", 20),
    ("building", "商务楼宇", 30),
    ("market", "商圈市场", 40),
    ("internet", "互联网企业", 50),
    ("new_jobs", "新就业群体（快递、外卖、网约车）", 60),
    ("other", "其他", 90),
]
STANDARDS = ["有场所", "有设施", "有标志", "有党旗", "有书报", "有制度"]


def seed(apps, schema_editor):
    Field = apps.get_model("twonew", "Field")
    Standard = apps.get_model("twonew", "Standard")
    for code, name, position in FIELDS:
        Field.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for position, name in enumerate(STANDARDS, start=1):
        Standard.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("twonew", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
