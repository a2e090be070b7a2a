"""Who can own an item: a vocabulary of organisations and posts, and the names of the scope's own
organisations. A phrase is an owner only when it is built from these words, optionally led by
qualifiers (各级, 全县, 被巡察…) and places (县直, 乡镇…): "各级党组织", "党组（党委）书记",
"县直机关各单位", "班子成员". Fragments that merely end in a role word ("而是要用品格和人格带班子",
"就是每个党支部") are not owners.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dangjian.orgs.choices import OrgKind, Post, UnitCategory

from .words import either

QUALIFIERS = either("""
    各 各级 各类 全体 全 所有 广大 相关 有关 其他 其余 每个 每名 每位 每一个 每一名 本 我 被巡察 基层 直属 所属 下属
    牵头 责任 主责 配合 涉及 全县 全市 全区 全镇 全乡 全省 全系统 全局 机关 党员 领导
""")
PLACES = either("""
    县 市 区 省 乡镇 镇 乡 街道 村 社区 县直 市直 区直 省直 县级 市级 区级 镇级 乡级 村级 县委 市委 区委 镇党委
    县政府 市政府 局 局属 委属 所属单位
    区政府 集团公司 集团 公司 企业 两新 行业 系统 机关 部门 镇街 乡镇（街道） 乡镇(街道) 村（社区） 村(社区)
""")
_ROLE_WORDS = """
    纪检监察机关 纪检监察部门 组织部门 宣传部门 统战部门 政法部门 财政部门 人社部门 民政部门 职能部门 主管部门 行业部门
    业务部门 责任部门 牵头部门 部门 机关 单位 成员单位 责任单位 牵头单位 党校 党委 党工委 党（工）委 党(工)委 党组
    党总支 党支部 支部 党组织 基层党组织 纪工委 工委 纪委 监委 纪委监委 组织部 宣传部 统战部 政法委 领导小组 办公室
    巡察办 巡察组
    督导组 班子成员 领导班子 班子 成员 副书记 书记 支部书记 第一书记 组织委员 宣传委员 纪检委员 委员 负责同志 负责人
    主要负责人 主要负责同志 主要领导 分管领导 一把手 第一责任人 责任人 领导干部 党员干部 党员 干部 乡镇 街道 团委
    共青团组织
    共青团 工会 妇联 群团组织 纪检组 纪检监察组 科室 责任科室 党小组 村委会 居委会 两委 村“两委” 党务工作者 组织员
    各单位 各部门 各支部 各党支部 领导
"""
ROLE = either(_ROLE_WORDS + " ".join(c.label for c in (*OrgKind, *Post, *UnitCategory)))
BRACKETED = r"(?:[（(][^（()）]{1,8}[)）]|“[^”]{1,8}”)"
# A department by its name, as written in a label (责任单位：县财政局).
DEPARTMENT = r"[\u4e00-\u9fff]{1,10}(?:局|委|办|部|厅|院|所|站|中心|公司|协会|学校|医院|镇|乡|街道|村|社区)"
OWNER_SHAPE = re.compile(rf"(?:{QUALIFIERS})*(?:{PLACES})*(?:(?:{ROLE}){BRACKETED}?)+(?:们)?")


def _known(names: Iterable[str]) -> re.Pattern | None:
    names = [n for n in dict.fromkeys(names) if n and len(n) >= 2]
    if not names:
        return None
    return re.compile(rf"(?:{QUALIFIERS})*(?:{either(' '.join(n.replace(' ', '') for n in names))})"
                      rf"(?:(?:{ROLE}){BRACKETED}?)*")


class Vocabulary:
    """The owners a scope can have: the general vocabulary plus its organisations' names."""

    def __init__(self, org_names: Iterable[str] = ()):
        self.known = _known(org_names)

    def is_owner(self, phrase: str, *, labelled: bool = False) -> bool:
        phrase = phrase.strip()
        if not phrase or len(phrase) > 30:
            return False
        if OWNER_SHAPE.fullmatch(phrase):
            return True
        if self.known is not None and self.known.fullmatch(phrase):
            return True
        return labelled and bool(re.fullmatch(rf"(?:{QUALIFIERS})*{DEPARTMENT}{BRACKETED}?", phrase))


GENERAL = Vocabulary()
