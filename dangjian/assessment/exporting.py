"""考核结果汇总表 (each organisation's score on every indicator) and 分类定级结果表 (score, 满意度,
grade, stage), streamed write-only; every string passes ``safe_cell`` via ``append_row``."""

from __future__ import annotations

from collections import defaultdict

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from .choices import Stage
from .models import Grade, Indicator, Score

STAGE_LABELS = dict(Stage.choices)


def _grades(scheme, user):
    return (Grade.objects.restrict(user).filter(scheme=scheme).select_related("org").order_by("org__path"))


def write_summary(target, scheme, user) -> int:
    indicators = list(Indicator.objects.filter(scheme=scheme))
    grades = list(_grades(scheme, user))
    points: dict[int, dict[int, object]] = defaultdict(dict)
    for grade_id, indicator_id, value in (Score.objects.filter(grade__in=grades).order_by()
                                          .values_list("grade_id", "indicator_id", "points")):
        points[grade_id][indicator_id] = value
    book = write_only_workbook()
    sheet = book.create_sheet("考核结果汇总表")
    sheet.append([f"{scheme.year}年 {scheme.name} 考核结果汇总表"])
    sheet.append(header_cells(sheet, ["序号", "党组织", "组织代码",
                                      *[f"{i.group}·{i.name}（{i.weight.normalize():f}）" for i in indicators],
                                      "总分", "等次"]))
    for number, g in enumerate(grades, start=1):
        append_row(sheet, [number, g.org.name, g.org.code,
                           *[_num(points[g.pk].get(i.pk)) for i in indicators], _num(g.score),
                           g.grade or g.suggested])
    book.save(target)
    return len(grades)


def write_grades(target, scheme, user) -> int:
    grades = list(_grades(scheme, user))
    book = write_only_workbook()
    sheet = book.create_sheet("分类定级结果表")
    sheet.append([f"{scheme.year}年 党组织分类定级结果表"])
    sheet.append(header_cells(sheet, ["序号", "党组织", "组织代码", "考核得分", "按分数应评等次", "群众满意度",
                                      "评定等次", "环节", "公示开始", "上报日期", "评定意见"]))
    for number, g in enumerate(grades, start=1):
        satisfaction = g.satisfaction
        append_row(sheet, [number, g.org.name, g.org.code, _num(g.score), g.suggested,
                           f"{satisfaction}%" if satisfaction is not None else "", g.grade,
                           STAGE_LABELS.get(g.stage, g.stage), g.publicity_start, g.reported_on, g.rating_note])
    book.save(target)
    return len(grades)


def _num(value):
    return float(value) if value is not None else None
