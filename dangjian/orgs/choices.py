from django.db import models


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    WORKING_COMMITTEE = "working_committee", "党工委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    GRID_BRANCH = "grid_branch", "网格党支部"
    GROUP = "group", "党小组"
    BUILDING_GROUP = "building_group", "楼栋党小组"
    CENTRAL_HOUSEHOLD = "central_household", "党员中心户"


class UnitCategory(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", "党政机关"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公企业"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院"
    OTHER = "other", "其他"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    OTHER = "other", "其他委员"


# Kinds that are party branches: the ≥ 3 members, committee-size and term rules apply to them.
BRANCH_KINDS = frozenset(
    {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH, OrgKind.GRID_BRANCH}
)
# Kinds below a branch: groups and households have no committee and no term.
SUB_BRANCH_KINDS = frozenset({OrgKind.GROUP, OrgKind.BUILDING_GROUP, OrgKind.CENTRAL_HOUSEHOLD})
COMMITTEE_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE})
# 两新组织: the units whose party coverage the speeches ask to reach 100%.
NEW_ECONOMY_UNITS = frozenset({UnitCategory.PRIVATE_ENTERPRISE, UnitCategory.SOCIAL_ORGANIZATION})
