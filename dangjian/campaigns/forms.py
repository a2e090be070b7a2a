from django import forms
from django.contrib.auth import get_user_model

from dangjian.core.formfields import DATE_INPUT, MultipleFileField, MultipleFileInput
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import CampaignKind, CombineMethod, Role, Schedule

SHEET_HELP = "每行一个项目：项目|满分|评分说明，例如“三会一课落实|40|查阅会议记录”"


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=CampaignKind.choices)
    title = forms.CharField(label="名称", max_length=200)
    org = org_picker(label="组织单位")
    scope_org = org_picker(label="范围（含下级；空为组织单位全部下级）", required=False)
    starts_on = forms.DateField(label="开始日期", widget=DATE_INPUT)
    ends_on = forms.DateField(label="结束日期", widget=DATE_INPUT)
    schedule = forms.ChoiceField(label="周期（观摩）", choices=Schedule.choices, required=False)
    sheet = forms.CharField(label="评分表 / 检查清单", widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=SHEET_HELP)
    combine_method = forms.ChoiceField(label="合成方法", choices=CombineMethod.choices, initial=CombineMethod.TRIMMED)
    trim_min_judges = forms.IntegerField(label="评委不少于几人时去掉最高最低分", initial=5, min_value=3, max_value=50)
    advanced_share = forms.IntegerField(label="先进比例（%）", initial=30, min_value=0, max_value=100)
    lagging_share = forms.IntegerField(label="落后比例（%）", initial=10, min_value=0, max_value=100)
    requirements = forms.CharField(label="整改要求（督查通报）", widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False)
    revisits = forms.IntegerField(label="回头看的督查编号（整改回头看）", required=False, min_value=1)
    checks_centres = forms.BooleanField(label="检查阵地（到访记录作为对象党组织党群服务中心、党员活动室的最近检查）",
                                        required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.restrict(user, CHANGE)
        self.fields["org"].queryset = orgs
        self.fields["scope_org"].queryset = orgs


class SampleForm(forms.Form):
    size = forms.IntegerField(label="抽取数量", min_value=1, max_value=5000)
    seed = forms.IntegerField(label="随机种子（空则自动生成并记录）", required=False, min_value=0, max_value=10**15)
    kinds = forms.MultipleChoiceField(label="组织类型", choices=OrgKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple, initial=["branch"])


class KindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(label="组织类型", choices=OrgKind.choices, widget=forms.CheckboxSelectMultiple)


class ChosenForm(forms.Form):
    codes = forms.CharField(label="组织代码（每行一个）", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_codes(self):
        codes = [c.strip() for c in self.cleaned_data["codes"].split() if c.strip()]
        found = {o.code: o for o in Organization.objects.restrict(self.user, VIEW).filter(code__in=codes)}
        errors = [f"第 {n} 行：组织代码 {c} 不存在或不在您的管辖范围内"
                  for n, c in enumerate(codes, 1) if c not in found]
        if errors:
            raise forms.ValidationError(errors)
        return [found[c] for c in codes]


class GrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    home_org = forms.CharField(label="所在党组织代码（评委回避用，可空）", required=False, max_length=50)

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip(), is_active=True).first()
        if user is None:
            raise forms.ValidationError("没有这个用户")
        return user

    def clean_home_org(self):
        code = self.cleaned_data["home_org"].strip()
        if not code:
            return None
        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(f"没有组织代码为 {code} 的党组织")
        return org


class FindingForm(forms.Form):
    sheet_item = forms.ModelChoiceField(label="检查项目", queryset=None, required=False,
                                        empty_label="（不对应具体项目）")
    score = forms.DecimalField(label="得分", required=False, min_value=0, max_digits=6, decimal_places=2)
    text = forms.CharField(label="发现情况", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    is_problem = forms.BooleanField(label="存在问题（转为问题清单）", required=False)
    deadline = forms.DateField(label="整改时限", widget=DATE_INPUT, required=False)
    photos = MultipleFileField(label="现场照片（JPEG/PNG，可多张）", required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SheetItem

        self.fields["sheet_item"].queryset = SheetItem.objects.filter(sheet_id=campaign.sheet_id) \
            if campaign.sheet_id else SheetItem.objects.none()


class ToItemForm(forms.Form):
    deadline = forms.DateField(label="整改时限", widget=DATE_INPUT)


class ApplicationForm(forms.Form):
    org = org_picker(label="申报单位")
    name = forms.CharField(label="品牌/示范点名称", max_length=200)
    description = forms.CharField(label="申报材料（主要事迹）", widget=forms.Textarea(attrs={"rows": 6}),
                                  max_length=5000)
    files = MultipleFileField(label="附件（PDF、图片、Word、Excel）", required=False,
                              widget=MultipleFileInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE)


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)


class PublicityForm(forms.Form):
    starts_on = forms.DateField(label="公示开始", widget=DATE_INPUT)
    ends_on = forms.DateField(label="公示结束（不少于 5 个工作日）", widget=DATE_INPUT)


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    raised_by = forms.CharField(label="反映人", max_length=100, required=False)
    received_on = forms.DateField(label="收到日期", widget=DATE_INPUT)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class NameForm(forms.Form):
    certificate_no = forms.CharField(label="证书编号", max_length=50)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kept = forms.TypedChoiceField(label="复评结论", choices=[("1", "保留"), ("0", "摘牌")], coerce=lambda v: v == "1")
    note = forms.CharField(label="复评意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)
