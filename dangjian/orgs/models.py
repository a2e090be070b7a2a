from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel
from dangjian.core.tree import ancestors_and_self

from .choices import OrgKind, Post, UnitCategory


class Organization(VersionedModel):
    """A party organisation. ``path`` is the materialised path: this node's and its ancestors'
    steps, so "this node and everything below" is ``path LIKE 'prefix%'`` on both databases."""

    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=100, blank=True)
    code = models.CharField("组织代码", max_length=50, unique=True)
    kind = models.CharField("组织类型", max_length=30, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", editable=False, default=0)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    unit_name = models.CharField("所在单位", max_length=200, blank=True)
    unit_category = models.CharField(
        "单位类别", max_length=30, choices=UnitCategory.choices, default=UnitCategory.OTHER
    )

    scope_path = "path"

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def name_with_code(self) -> str:
        """How pickers and lists name an organisation: two branches may share a name, never a code."""
        return f"{self.name}（{self.code}）"

    def subtree(self):
        return Organization.objects.filter(path__startswith=self.path)

    def ancestor_paths(self) -> list[str]:
        return ancestors_and_self(self.path)[:-1]


class Term(ScopedModel):
    """换届: one committee term of an organisation."""

    org = models.ForeignKey(Organization, verbose_name="党组织", related_name="terms", on_delete=models.CASCADE)
    started_on = models.DateField("任期开始")
    ends_on = models.DateField("任期届满")
    is_current = models.BooleanField("本届", default=True)

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["org", "-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=models.Q(is_current=True), name="one_current_term"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.started_on:%Y}–{self.ends_on:%Y}"


class CommitteePost(ScopedModel):
    """A member holding a post in a term (书记, 副书记, 委员…)."""

    term = models.ForeignKey(Term, verbose_name="届次", related_name="posts", on_delete=models.CASCADE)
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="committee_posts", on_delete=models.PROTECT
    )
    post = models.CharField("职务", max_length=30, choices=Post.choices)
    # 一肩挑: the village/community branch secretary who is also the 村(居)委会主任.
    concurrent_head = models.BooleanField("一肩挑", default=False)

    scope_path = "term__org__path"

    class Meta:
        verbose_name = "委员"
        verbose_name_plural = "委员"
        # By rank (书记, 副书记, then the committee members), not by the codes' alphabet, which put
        # deputy_secretary before secretary.
        ordering = [
            "term",
            models.Case(*(models.When(post=code, then=rank) for rank, code in enumerate(Post.values)),
                        default=len(Post.values)),
            "pk",
        ]

    def __str__(self) -> str:
        return f"{self.term.org} {self.get_post_display()} {self.member}"
