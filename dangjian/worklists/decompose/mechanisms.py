"""The mechanisms speeches name, and the part of the platform that runs each.

One table: (name, module, patterns). A pattern is a regular expression; the first match in a text
names the mechanism once. Modules marked planned are not built yet; the link says so.
"""

from __future__ import annotations

import re

MODULES = {
    "orglife": ("组织生活", False),
    "worklists": ("三单管理", False),
    "members": ("党员管理", False),
    "orgs": ("组织建设", False),
    "assessment": ("考核评价", True),
    "dues": ("党费管理", True),
}

MECHANISMS: tuple[tuple[str, str, str], ...] = (
    ("三会一课", "orglife", r"三会一课"),
    ("主题党日", "orglife", r"主题党日|党员活动日|固定党日"),
    ("组织生活会", "orglife", r"组织生活会"),
    ("民主生活会", "orglife", r"民主生活会"),
    ("民主评议党员", "orglife", r"民主评议"),
    ("谈心谈话", "orglife", r"谈心谈话|谈心交心"),
    ("党课", "orglife", r"讲党课|上党课|专题党课|党课(?!讲习)"),
    ("理论学习中心组", "orglife", r"理论学习中心组|中心组(?:学习)?"),
    ("支部党员大会", "orglife", r"党员大会"),
    ("支委会", "orglife", r"支委会"),
    ("党小组会", "orglife", r"党小组会"),
    ("党内政治生活", "orglife", r"党内政治生活"),
    ("三单制", "worklists", r"三单制|问题清单|任务清单|责任清单|三张清单"),
    ("问题整改", "worklists", r"整改措施|整改责任人|整改时限|问题整改|反馈(?:意见|问题)?整改|巡[视察]整改"),
    ("销号", "worklists", r"销号"),
    ("回头看", "worklists", r"回头看"),
    ("一岗双责", "worklists", r"一岗双责"),
    ("流动党员", "members", r"流动党员"),
    ("双报到", "members", r"双报到|(?:离退休|在职)党员.{0,20}报到"),
    ("党员信息管理", "members", r"党员信息管理|党组织和党员信息|党员管理信息系统|党员信息库"),
    ("发展党员", "members", r"发展党员|入党积极分子|发展对象|预备党员"),
    ("党员中心户", "orgs", r"党员中心户"),
    ("网格党支部", "orgs", r"网格党支部|网络党支部|网格党建|楼栋党小组"),
    ("两新组织党建", "orgs", r"两新”?组织|非公有制经济组织和社会组织"),
    ("换届", "orgs", r"换届"),
    ("书记队伍", "orgs", r"书记队伍|一肩挑|后备人才|后备力量|带头人队伍"),
    ("分类定级", "assessment", r"分类定级|星级评定|晋位升级"),
    ("后进整顿", "assessment", r"后进(?:党组织|支部|社区|村)?整顿|软弱涣散"),
    ("党员量化积分", "assessment", r"量化积分|积分管理|积分制"),
    ("述职评议", "assessment", r"述职评议|抓党建(?:工作)?述职"),
    ("督查考核", "assessment", r"督查考核|集中督查|专项检查|随机暗访|明察暗访|巡察|巡视|督查"),
    ("观摩", "assessment", r"观摩"),
    ("党建示范点", "assessment", r"示范点"),
    ("党建品牌", "assessment", r"党建(?:服务)?品牌|品牌评选|品牌创建"),
    ("党费", "dues", r"党费"),
)
_COMPILED = tuple((name, module, re.compile(pattern)) for name, module, pattern in MECHANISMS)
MODULE_OF = {name: module for name, module, _ in MECHANISMS}


def find_mechanisms(text: str) -> list[str]:
    """The mechanisms ``text`` names, in the order they appear."""
    found = []
    for name, _, pattern in _COMPILED:
        match = pattern.search(text)
        if match:
            found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def mechanism_link(name: str) -> dict:
    """{"name", "module", "module_label", "planned"}: where on the platform this mechanism is run."""
    module = MODULE_OF[name]
    label, planned = MODULES[module]
    return {"name": name, "module": module, "module_label": label, "planned": planned}
