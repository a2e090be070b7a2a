"""The units of a county's 机关工委: departments, schools, hospitals, state enterprises, associations.

Each name is written without its place; ``{p}`` stands for the county, district or city name.
A department marked ``general`` is large enough to have a 党总支 with several branches.
"""

from __future__ import annotations

from dangjian.orgs.choices import UnitCategory

# The first two are the seats: the county committee's leaders sit in the 办公室 branch, the
# 机关工委's in the 组织部 branch.
DEPARTMENTS = (
    "{p}委办公室", "{p}委组织部", "{p}人民政府办公室", "{p}委宣传部", "{p}委统战部", "{p}委政法委员会",
    "{p}纪委监委", "{p}发展和改革局", "{p}教育局", "{p}科技和工业信息化局", "{p}公安局", "{p}民政局",
    "{p}司法局", "{p}财政局", "{p}人力资源和社会保障局", "{p}自然资源局", "{p}住房和城乡建设局",
    "{p}交通运输局", "{p}水利局", "{p}农业农村局", "{p}商务局", "{p}文化广电旅游局", "{p}卫生健康局",
    "{p}退役军人事务局", "{p}应急管理局", "{p}审计局", "{p}市场监督管理局", "{p}统计局", "{p}医疗保障局",
    "{p}林业局", "{p}信访局", "{p}人民法院", "{p}人民检察院", "{p}总工会", "共青团{p}委员会", "{p}妇女联合会",
)
LARGE_DEPARTMENTS = frozenset({"{p}公安局", "{p}人民法院"})

PUBLIC_INSTITUTIONS = ("{p}疾病预防控制中心", "{p}融媒体中心", "{p}农业技术推广中心")

# (unit, category, kind of its party organisation, names of the branches below it, or () for one branch)
SERVICES = (
    ("{p}第一中学", UnitCategory.SCHOOL, "general_branch",
     ("第一党支部", "第二党支部", "第三党支部", "退休教师党支部")),
    ("{p}第二中学", UnitCategory.SCHOOL, "branch", ()),
    ("{p}职业中等专业学校", UnitCategory.SCHOOL, "branch", ()),
    ("{p}实验小学", UnitCategory.SCHOOL, "branch", ()),
    ("{p}实验幼儿园", UnitCategory.SCHOOL, "branch", ()),
    ("{p}人民医院", UnitCategory.HOSPITAL, "committee",
     ("内科党支部", "外科党支部", "医技党支部", "护理党支部", "行政后勤党支部", "离退休党支部")),
    ("{p}中医医院", UnitCategory.HOSPITAL, "general_branch", ("临床党支部", "医技党支部", "行政后勤党支部")),
    ("{p}妇幼保健院", UnitCategory.HOSPITAL, "branch", ()),
    ("{p}城市建设投资集团有限公司", UnitCategory.STATE_ENTERPRISE, "general_branch",
     ("机关党支部", "工程建设党支部", "物业服务党支部")),
    ("{p}交通投资有限公司", UnitCategory.STATE_ENTERPRISE, "branch", ()),
    ("{p}自来水有限公司", UnitCategory.STATE_ENTERPRISE, "branch", ()),
    ("国网{p}供电公司", UnitCategory.STATE_ENTERPRISE, "branch", ()),
    ("{p}农村商业银行", UnitCategory.STATE_ENTERPRISE, "branch", ()),
    ("{p}个体劳动者私营企业协会", UnitCategory.SOCIAL_ORGANIZATION, "branch", ()),
    ("{p}律师协会", UnitCategory.SOCIAL_ORGANIZATION, "branch", ()),
)

JOB_TITLES = {
    "government": ("科员", "科员", "一级科员", "四级主任科员", "二级主任科员", "副科长", "科长", "副局长"),
    "school": ("教师", "教师", "一级教师", "高级教师", "教研组长", "年级主任", "副校长"),
    "hospital": ("医师", "主治医师", "副主任医师", "护师", "主管护师", "护士", "药师", "科主任"),
    "state_enterprise": ("职工", "职工", "技术员", "工程师", "部门经理", "副总经理"),
    "private_enterprise": ("职工", "职工", "技术员", "车间主任", "销售经理", "总经理"),
    "social": ("工作人员", "社工", "项目主管", "秘书长"),
    "public": ("专业技术人员", "管理人员", "工作人员", "副主任"),
}
