"""Forms of the appraisal pages. Organisations and members are chosen with the pickers (a county
has more than a thousand organisations)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.scoping import CHANGE
from dangjian.members.models import Member
from dangjian.members.pickers import member_picker
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from . import rules
from .choices import Disposal, Exclusion, Grade, PointsCategory

MAX_VOTES = 100_000


class RoundForm(forms.Form):
    org = org_picker(label="组织单位（评议其直属下级党组织的书记）")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=200, required=False, help_text="留空自动命名")
    good_share = forms.IntegerField(label="评为“好”：“好”票不少于（%）", initial=60, min_value=1, max_value=100)
    fair_share = forms.IntegerField(label="评为“较好”：“好”和“较好”合计不少于（%）", initial=70, min_value=1,
                                    max_value=100)
    poor_share = forms.IntegerField(label="评为“差”：“差”票不少于（%）", initial=30, min_value=1, max_value=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)


class TallyForm(forms.Form):
    good = forms.IntegerField(label="好", min_value=0, max_value=MAX_VOTES)
    fairly_good = forms.IntegerField(label="较好", min_value=0, max_value=MAX_VOTES)
    average = forms.IntegerField(label="一般", min_value=0, max_value=MAX_VOTES)
    poor = forms.IntegerField(label="差", min_value=0, max_value=MAX_VOTES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportUploadForm(forms.Form):
    file = forms.FileField(label="述职报告（.docx 或 .pdf）")


class ProblemForm(forms.Form):
    text = forms.CharField(label="评议中指出的问题", max_length=300)


class StartForm(forms.Form):
    org = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)


class AppraisalForm(forms.Form):
    meeting = forms.TypedChoiceField(label="民主评议党员会议", required=False, coerce=int, empty_value=None)
    voters = forms.IntegerField(label="参加民主测评人数", min_value=0, max_value=MAX_VOTES, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "（未关联）"), *((m.pk, f"{m.held_at:%Y-%m-%d} {m.title}")
                                                                  for m in meetings)]


class PersonForm(forms.Form):
    exclusion = forms.ChoiceField(label="不参加评议的情形", choices=[("", "参加评议"), *Exclusion.choices],
                                  required=False)
    exclusion_note = forms.CharField(label="说明", max_length=200, required=False)
    self_review = forms.CharField(label="个人自评", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    peer_done = forms.BooleanField(label="已参加互评", required=False)
    excellent_votes = forms.IntegerField(label="优秀", min_value=0, max_value=MAX_VOTES, required=False)
    qualified_votes = forms.IntegerField(label="合格", min_value=0, max_value=MAX_VOTES, required=False)
    basic_votes = forms.IntegerField(label="基本合格", min_value=0, max_value=MAX_VOTES, required=False)
    unqualified_votes = forms.IntegerField(label="不合格", min_value=0, max_value=MAX_VOTES, required=False)
    grade = forms.ChoiceField(label="评定等次", choices=[("", "—"), *Grade.choices], required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DisposalForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=Disposal.choices)
    due_on = forms.DateField(label="处置期限", widget=DATE_INPUT)
    note = forms.CharField(label="处置意见", max_length=500, required=False)


class DisposalDoneForm(forms.Form):
    done_note = forms.CharField(label="办结情况", max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RuleForm(forms.Form):
    org = org_picker(label="制定单位（规则适用于其全部下级）")
    category = forms.ChoiceField(label="类别", choices=PointsCategory.choices)
    name = forms.CharField(label="积分项目", max_length=100)
    description = forms.CharField(label="说明", max_length=300, required=False)
    points = forms.IntegerField(label="分值（扣分为负数；一票否决不填）", required=False, initial=0)
    cap_month = forms.IntegerField(label="每月上限", min_value=1, max_value=rules.MAX_CAP, required=False)
    cap_year = forms.IntegerField(label="每年上限", min_value=1, max_value=rules.MAX_CAP, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)


class SourceRuleForm(forms.Form):
    """A computed points item of one year (points per full N units of a quantity the platform measures)."""

    org = org_picker(label="制定单位（适用于其全部下级，最近一级的规则生效）")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source = forms.ChoiceField(label="计分依据")
    per = forms.DecimalField(label="每满", min_value=Decimal("0.5"), max_value=1000, decimal_places=1,
                             initial=rules.DEFAULT_SOURCE_PER)
    points = forms.IntegerField(label="计分", min_value=1, max_value=rules.MAX_RULE_POINTS,
                                initial=rules.DEFAULT_SOURCE_POINTS)
    cap = forms.IntegerField(label="每年上限", min_value=1, max_value=rules.MAX_CAP, initial=rules.DEFAULT_SOURCE_CAP)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user, sources: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)
        self.fields["source"].choices = list(sources.items())


class ClaimForm(forms.Form):
    member = member_picker(label="党员")
    rule = forms.TypedChoiceField(label="积分项目", coerce=int)
    on = forms.DateField(label="日期", widget=DATE_INPUT)
    reason = forms.CharField(label="事由", max_length=300)
    evidence_text = forms.CharField(label="佐证说明", max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="佐证文件（PDF、图片、Word）", required=False)

    def __init__(self, *args, user, rules, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, f"{r.name}（{r.get_category_display()}，{r.points:+d} 分）")
                                       for r in rules]
        if member is not None:  # a member claiming for themselves
            del self.fields["member"]
        else:
            self.fields["member"].queryset = Member.objects.restrict(user, CHANGE).select_related("org")
            self.fields["member"].source_query = {"normal": "true"}


class DecideForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
