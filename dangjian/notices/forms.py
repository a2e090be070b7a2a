from django import forms

from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import Audience


class NoticeForm(forms.Form):
    org = org_picker(label="发布单位")
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 8}))
    audience = forms.ChoiceField(label="发送范围", choices=Audience.choices)
    receipt_required = forms.BooleanField(label="需要各接收党组织回执", required=False,
                                          help_text="回执由接收党组织的党务人员代表本组织确认，不统计个人点击")
    upload = forms.FileField(label="附件（PDF、图片、Word、Excel）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.restrict(user, CHANGE).order_by("path")
