"""党内统计 tables defined as data: each table is rows × columns, and each cell is the figure key
that fills it (``figures.py``); checks are the table's internal identities. Pure: filling and
checking take plain dicts of figures, so every cell and identity is tested without a database.

Layouts follow the public descriptions of the yearly 党内统计 forms a county 组织部 files upward:
党员 by 性别、民族、年龄、学历、党龄 and 职业(人员类别), 党员队伍变化 (增加: 发展、转入、恢复党籍; 减少:
死亡、出党、停止党籍、转出), 基层党组织 by type and by the kind of unit, and 村(社区)党组织书记 by age,
education and 一肩挑. A row of a "by category" table adds ``@<类别>`` to the column's key."""

from __future__ import annotations

from dataclasses import dataclass, field

from dangjian.members.choices import AGE_BANDS, PARTY_AGE_BANDS, SECRETARY_AGE_BANDS, Category, Education, Gender
from dangjian.orgs.choices import OrgKind, UnitCategory

NONE = "none"


@dataclass(frozen=True)
class Row:
    label: str
    suffix: str = ""  # "@<category>" for a row of one category; "" for 总计
    org_path: str = ""  # rows that are organisations (the changes table): whose figures fill the row


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class Sum:
    """``total`` equals the sum of ``parts`` — columns in every row (``axis="col"``), or rows (by
    index) in every column (``axis="row"``)."""

    total: str | int
    parts: tuple
    axis: str = "col"
    name: str = ""


@dataclass(frozen=True)
class Balance:
    """opening + increase − decrease = closing, in every row."""

    opening: str
    increase: str
    decrease: str
    closing: str
    name: str = "上年底数 + 增加 − 减少 = 本年底数"


@dataclass(frozen=True)
class Table:
    code: str
    number: str
    title: str
    columns: list[Col]
    rows: list[Row] = field(default_factory=list)
    by_org: bool = False  # rows are the organisation and its children (filled by the caller)
    checks: list = field(default_factory=list)
    note: str = ""


@dataclass
class Filled:
    table: Table
    rows: list[Row]
    cells: list[list[int]]  # rows × columns
    failures: list[dict]  # {"check": name, "row": i, "col": j, "expected": n, "actual": m}

    def failed_cells(self) -> set[tuple[int, int]]:
        return {(f["row"], f["col"]) for f in self.failures}

    def failure_texts(self) -> list[str]:
        return [f"{self.rows[x['row']].label} / {self.table.columns[x['col']].label}：{x['check']}，"
                f"应为 {x['expected']}，实为 {x['actual']}" for x in self.failures]


def _category_rows() -> list[Row]:
    return [Row("总计")] + [Row(label, f"@{v}") for v, label in Category.choices] + [Row("未填写", f"@{NONE}")]


def _col_keys(prefix: str, n: int) -> tuple:
    return tuple(f"{prefix}:{i}" for i in range(n))


EDU_KEYS = tuple(f"edu:{v}" for v in Education.values) + (f"edu:{NONE}",)
ALL_ROWS = tuple(range(1, len(Category.choices) + 2))

MEMBERS = Table(
    code="members", number="党统1表", title="党员基本情况",
    columns=[Col("total", "党员总数"), Col("gender:F", "女", "其中"), Col("minority", "少数民族", "其中"),
             Col("type:probationary", "预备党员", "其中")]
    + [Col(f"age:{i}", label, "年龄") for i, (label, _, _) in enumerate(AGE_BANDS)]
    + [Col(f"edu:{v}", label, "学历") for v, label in Education.choices] + [Col(f"edu:{NONE}", "未填写", "学历")],
    rows=_category_rows(),
    checks=[Sum("total", ("gender:M", "gender:F"), name="党员总数 = 男 + 女"),
            Sum("total", _col_keys("age", len(AGE_BANDS)), name="党员总数 = 各年龄段之和"),
            Sum("total", EDU_KEYS, name="党员总数 = 各学历之和"),
            Sum(0, ALL_ROWS, axis="row", name="总计 = 各人员类别之和")],
    note="行为党员的职业（人员类别），列为性别、民族、年龄、学历；只计党籍状态正常的党员。",
)

PARTY_AGE = Table(
    code="party_age", number="党统2表", title="党员党龄和队伍构成",
    columns=[Col("total", "党员总数"), Col("type:full", "正式党员", "类型"),
             Col("type:probationary", "预备党员", "类型")]
    + [Col(f"pa:{i}", label, "党龄") for i, (label, _, _) in enumerate(PARTY_AGE_BANDS)]
    + [Col("flow_out", "流出党员", "其中"), Col("retired", "离退休党员", "其中")],
    rows=_category_rows(),
    checks=[Sum("total", ("type:full", "type:probationary"), name="党员总数 = 正式 + 预备"),
            Sum("total", _col_keys("pa", len(PARTY_AGE_BANDS)), name="党员总数 = 各党龄段之和"),
            Sum(0, ALL_ROWS, axis="row", name="总计 = 各人员类别之和")],
    note="党龄自入党之日起算至统计截止日期。",
)

CHANGES = Table(
    code="changes", number="党统3表", title="党员队伍变化情况",
    columns=[Col("opening", "上年底党员数"), Col("increase", "合计", "增加"), Col("chg:develop", "发展党员", "增加"),
             Col("chg:transfer_in", "转入", "增加"), Col("chg:restore", "恢复党籍", "增加"),
             Col("decrease", "合计", "减少"), Col("chg:death", "死亡", "减少"), Col("chg:expel", "出党", "减少"),
             Col("chg:suspend", "停止党籍", "减少"), Col("chg:transfer_out", "转出", "减少"),
             Col("total", "本年底党员数")],
    by_org=True,
    checks=[Sum("increase", ("chg:develop", "chg:transfer_in", "chg:restore"), name="增加合计 = 各项之和"),
            Sum("decrease", ("chg:death", "chg:expel", "chg:suspend", "chg:transfer_out"), name="减少合计 = 各项之和"),
            Balance("opening", "increase", "decrease", "total")],
    note="上年底党员数取上一年末快照；本年变化取党籍状态变更、组织关系转接和入党日期的记录。"
         "两者不相等说明有变化没有登记，请按标出的行核对。",
)

ORG_KINDS = [k for k in OrgKind if k not in (OrgKind.GROUP, OrgKind.BUILDING_GROUP, OrgKind.CENTRAL_HOUSEHOLD)]
# 两新 units (figures the 两新 registry registers, ``twonew/statsources.py``)
UNITS = "twonew"
ORGS = Table(
    code="orgs", number="党统4表", title="基层党组织情况",
    columns=[Col("org_base", "合计")] + [Col(f"kind:{k.value}", k.label, "组织类型") for k in ORG_KINDS]
    + [Col(f"{UNITS}:units", "单位数", "两新组织"), Col(f"{UNITS}:should", "应建立党组织的", "两新组织"),
       Col(f"{UNITS}:should_built", "其中已建立", "两新组织"), Col(f"{UNITS}:should_missing", "其中未建立", "两新组织"),
       Col(f"{UNITS}:built", "已建立党组织的（单独、联合）", "两新组织")],
    rows=[Row("总计")] + [Row(label, f"@{v}") for v, label in UnitCategory.choices] + [Row("未填写", f"@{NONE}")],
    checks=[Sum("org_base", tuple(f"kind:{k.value}" for k in ORG_KINDS), name="合计 = 各组织类型之和"),
            Sum(f"{UNITS}:should", (f"{UNITS}:should_built", f"{UNITS}:should_missing"), name="应建 = 已建 + 未建"),
            Sum(0, tuple(range(1, len(UnitCategory.choices) + 2)), axis="row", name="总计 = 各单位类别之和")],
    note="行为所在单位类别，列为组织类型；党小组、党员中心户不计入基层党组织。两新组织取自两新组织名录（按属地党组织计）："
         "党员 3 人以上的单位应建立党组织（应建），单独建立、联合建立的为已建立；"
         "企业计入非公企业行，社会组织计入社会组织行。",
)

VILLAGE = Table(
    code="village_secretaries", number="党统5表", title="村(社区)党组织书记情况",
    columns=[Col("vsec", "书记人数")]
    + [Col(f"vsec_age:{i}", label, "年龄") for i, (label, _, _) in enumerate(SECRETARY_AGE_BANDS)]
    + [Col(f"vsec_edu:{v}", label, "学历") for v, label in Education.choices]
    + [Col(f"vsec_edu:{NONE}", "未填写", "学历"), Col("vsec_head", "一肩挑", "其中")],
    rows=[Row("总计"), Row("村", f"@{UnitCategory.VILLAGE}"), Row("社区", f"@{UnitCategory.COMMUNITY}")],
    checks=[Sum("vsec", _col_keys("vsec_age", len(SECRETARY_AGE_BANDS)), name="书记人数 = 各年龄段之和"),
            Sum("vsec", tuple(f"vsec_edu:{v}" for v in Education.values) + (f"vsec_edu:{NONE}",),
                name="书记人数 = 各学历之和"),
            Sum(0, (1, 2), axis="row", name="总计 = 村 + 社区")],
    note="本届班子中党籍状态正常的书记；一肩挑指书记兼任村(居)委会主任。",
)

DEV = "dev"  # the year's new members (figures.develop_columns)
DEVELOP = Table(
    code="develop", number="党统6表", title="发展党员情况",
    columns=[Col(f"{DEV}:total", "发展党员数"), Col(f"{DEV}:gender:F", "女", "其中"),
             Col(f"{DEV}:minority", "少数民族", "其中")]
    + [Col(f"{DEV}:age:{i}", label, "年龄") for i, (label, _, _) in enumerate(AGE_BANDS)]
    + [Col(f"{DEV}:edu:{v}", label, "学历") for v, label in Education.choices]
    + [Col(f"{DEV}:edu:{NONE}", "未填写", "学历")],
    rows=_category_rows(),
    checks=[Sum(f"{DEV}:total", tuple(f"{DEV}:gender:{v}" for v in Gender.values), name="发展党员数 = 男 + 女"),
            Sum(f"{DEV}:total", _col_keys(f"{DEV}:age", len(AGE_BANDS)), name="发展党员数 = 各年龄段之和"),
            Sum(f"{DEV}:total", tuple(f"{DEV}:{k}" for k in EDU_KEYS), name="发展党员数 = 各学历之和"),
            Sum(0, ALL_ROWS, axis="row", name="总计 = 各人员类别之和")],
    note="本年 1 月 1 日至统计截止日期入党的党员（党员档案的入党日期），行为职业（人员类别），年龄按统计截止日期计算；"
         "发展党员数与党统3表的“发展党员”相同。",
)

RECRUIT = "recruit"  # figures the 发展党员 app registers (recruitment/statsources.py)
STAGE_KEYS = tuple(f"{RECRUIT}:stage:{i}" for i in range(1, 6))
PIPELINE = Table(
    code="pipeline", number="党统7表", title="发展党员工作情况",
    columns=[Col(f"{RECRUIT}:{key}", label, "本年") for key, label in (
        ("applied", "递交入党申请书"), ("activists", "确定入党积极分子"), ("candidates", "确定发展对象"),
        ("admitted", "接收预备党员"), ("confirmed", "预备党员转正"), ("extended", "延长预备期"),
        ("cancelled", "取消预备党员资格"))]
    + [Col(f"{RECRUIT}:in_progress", "合计", "截止日在册")]
    + [Col(key, label, "截止日在册") for key, label in zip(
        STAGE_KEYS, ("入党申请人", "入党积极分子", "发展对象", "预备党员接收", "预备期考察"), strict=True)],
    by_org=True,
    checks=[Sum(f"{RECRUIT}:in_progress", STAGE_KEYS, name="在册合计 = 各阶段之和")],
    note="取自发展党员档案：本年各列为本年 1 月 1 日至统计截止日期完成该步骤的人数（按步骤日期）；"
         "在册各列为截止日仍在进行或处于预备期、已递交申请的对象，按档案现在所处的阶段计。",
)

TABLES = [MEMBERS, PARTY_AGE, CHANGES, ORGS, VILLAGE, DEVELOP, PIPELINE]
BY_CODE = {t.code: t for t in TABLES}
HIDDEN_KEYS = {"gender:M"}  # checked but not a column


def derived(figures: dict[str, int]) -> dict[str, int]:
    """Figures the tables compute from others: increase / decrease totals, base organisations."""
    out = dict(figures)
    out["increase"] = sum(figures.get(f"chg:{k}", 0) for k in ("develop", "transfer_in", "restore"))
    out["decrease"] = sum(figures.get(f"chg:{k}", 0) for k in ("death", "expel", "suspend", "transfer_out"))
    out[f"{RECRUIT}:in_progress"] = sum(figures.get(k, 0) for k in STAGE_KEYS)
    for key, n in figures.items():
        if key.startswith("kind:") and any(key == f"kind:{k.value}" or key.startswith(f"kind:{k.value}@")
                                           for k in ORG_KINDS):
            suffix = key[key.index("@"):] if "@" in key else ""
            out[f"org_base{suffix}"] = out.get(f"org_base{suffix}", 0) + n
    return out


def cell_key(row: Row, col: Col) -> str:
    return f"{col.key}{row.suffix}"


def fill(table: Table, figures: dict[str, int] | None = None, *,
         org_rows: list[tuple[Row, dict[str, int]]] | None = None) -> Filled:
    """The table's cells from one organisation's figures (``figures``), or, for a table by
    organisation, from each row's own figures (``org_rows``); then its identities checked."""
    if table.by_org:
        rows = [row for row, _ in org_rows or []]
        sources = [derived(f) for _, f in org_rows or []]
    else:
        rows = table.rows
        sources = [derived(figures or {})] * len(rows)
    cells = [[source.get(cell_key(row, col), 0) for col in table.columns]
             for row, source in zip(rows, sources, strict=True)]
    filled = Filled(table, rows, cells, [])
    filled.failures = check(table, rows, sources, cells)
    return filled


def check(table: Table, rows: list[Row], sources: list[dict], cells: list[list[int]]) -> list[dict]:
    col_index = {c.key: j for j, c in enumerate(table.columns)}
    failures = []
    for rule in table.checks:
        if isinstance(rule, Balance):
            for i, source in enumerate(sources):
                key = rows[i].suffix
                expected = (source.get(rule.opening + key, 0) + source.get(rule.increase + key, 0)
                            - source.get(rule.decrease + key, 0))
                actual = source.get(rule.closing + key, 0)
                if expected != actual:
                    failures.append({"check": rule.name, "row": i, "col": col_index[rule.closing],
                                     "expected": expected, "actual": actual})
        elif rule.axis == "col":
            for i, source in enumerate(sources):
                key = rows[i].suffix
                expected = sum(source.get(p + key, 0) for p in rule.parts)
                actual = source.get(rule.total + key, 0)
                if expected != actual:
                    failures.append({"check": rule.name, "row": i, "col": col_index[rule.total],
                                     "expected": expected, "actual": actual})
        else:
            for j in range(len(table.columns)):
                expected = sum(cells[i][j] for i in rule.parts if i < len(cells))
                if rule.total < len(cells) and cells[rule.total][j] != expected:
                    failures.append({"check": rule.name, "row": rule.total, "col": j,
                                     "expected": expected, "actual": cells[rule.total][j]})
    return failures
