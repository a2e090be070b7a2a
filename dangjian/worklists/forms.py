from django import forms

from dangjian.core.formfields import DATE_INPUT
from dangjian.core.pickers import MultiPickerField
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization
from dangjian.orgs.pickers import org_picker

from .choices import Kind, Priority, Recurrence, Source, State
from .models import WorkItem
from .queries import SCOPES


def _with_blank(choices, label="全部"):
    return [("", label), *choices]


def changeable_orgs(user):
    return Organization.objects.restrict(user, CHANGE).order_by("path")


def assignable_users(user):
    """Users holding a position inside the subtrees ``user`` may change: who can be named responsible."""
    from functools import reduce
    from operator import or_

    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from dangjian.core.scoping import scope_prefixes

    prefixes = scope_prefixes(user, CHANGE)
    users = get_user_model().objects.filter(is_active=True)
    if not prefixes:
        return users.none()
    within = reduce(or_, (Q(positions__org__path__startswith=p) for p in prefixes))
    return users.filter(within).distinct().order_by("username")


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username


def person_search(qs, text: str, *, limit: int):
    """Users in ``qs`` whose username or name contains ``text`` (the 责任人 picker's search)."""
    from django.db.models import Q

    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))
    return list(qs[:limit])


class ItemFilterForm(forms.Form):
    """The filters of the item list; names match ``queries.ItemFilter``."""

    scope = forms.ChoiceField(label="范围", choices=list(SCOPES.items()), required=False)
    q = forms.CharField(label="关键词", required=False)
    kind = forms.ChoiceField(label="类别", choices=_with_blank(Kind.choices), required=False)
    state = forms.ChoiceField(label="状态", choices=_with_blank(State.choices), required=False)
    source = forms.ChoiceField(label="来源", choices=_with_blank(Source.choices), required=False)
    priority = forms.ChoiceField(label="优先级", choices=_with_blank(Priority.choices), required=False)
    overdue = forms.ChoiceField(label="超期", choices=[("", "全部"), ("1", "仅超期")], required=False)
    due_soon = forms.ChoiceField(label="7日内到期", choices=[("", "全部"), ("1", "是")], required=False)
    review_due = forms.ChoiceField(label="回头看到期", choices=[("", "全部"), ("1", "是")], required=False)
    org = forms.IntegerField(widget=forms.HiddenInput, required=False)
    document = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ItemForm(forms.ModelForm):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text="每行一条措施")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = org_picker(label="牵头责任单位")
    # Type-to-search, not a select of every organisation and user in scope (thousands in a county).
    orgs = org_picker(label="其他责任单位", multiple=True, required=False)
    persons = MultiPickerField(
        label="责任人（用户）", queryset=WorkItem.persons.field.related_model.objects.none(),
        source="api:worklist_person_picker", lookups=("pk", "username"), key="pk", value_field="id",
        describe=person_label, what="用户", placeholder="输入姓名或用户名查找", required=False)

    class Meta:
        model = WorkItem
        fields = ["kind", "source", "title", "description", "symptoms", "causes", "org", "orgs", "persons",
                  "person_names", "co_owners", "leader", "deadline", "recurrence", "priority", "review_interval_days"]
        widgets = {
            "deadline": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "symptoms": forms.Textarea(attrs={"rows": 3}),
            "causes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "symptoms": "问题类事项填写",
            "causes": "问题类事项填写",
            "orgs": "牵头单位之外的其他责任单位（可多选：输入名称或组织代码查找，选中后继续输入可再选）",
            "person_names": "多人用顿号分隔；也可在上面选择平台用户，被选中的用户在“我的事项”中看到该事项",
            "persons": "可多选：输入姓名查找，选中后继续输入可再选",
            "recurrence": "周期性事项可不填完成时限，默认到本期末",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = changeable_orgs(user)
        self.fields["org"].queryset = orgs
        self.fields["orgs"].queryset = orgs
        self.fields["persons"].queryset = assignable_users(user)
        if self.instance.pk:
            self.fields["org"].disabled = True
            self.fields["org"].help_text = "牵头责任单位决定谁能看到和办理该事项，创建后不能更改"
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("measures", "\n".join(m.text for m in self.instance.measures.all()))
            self.initial["orgs"] = [o for o in self.instance.orgs.all() if o.pk != self.instance.org_id]
            self.initial["persons"] = list(self.instance.persons.all())

    def clean_recurrence(self):
        return self.cleaned_data.get("recurrence") or ""

    def action_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items()
                if k not in ("version", "org", "orgs", "measures", "persons")}
        data["persons"] = list(self.cleaned_data.get("persons") or [])
        data["measures"] = (self.cleaned_data.get("measures") or "").splitlines()
        data["orgs"] = list(self.cleaned_data.get("orgs") or [])
        return data


class TransitionForm(forms.Form):
    reason = forms.CharField(label="原因/说明", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(forms.Form):
    text = forms.CharField(label="佐证说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="佐证文件（PDF、图片、Word、Excel）", required=False)
    submit = forms.BooleanField(label="同时申请销号", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProgressForm(forms.Form):
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# -- decomposition ---------------------------------------------------------------------------------

class DocumentForm(forms.Form):
    """Step one of the decomposition page: a document to read."""

    file = forms.FileField(label="上传文件（.txt 或 .docx）", required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}))
    text = forms.CharField(label="或粘贴全文", required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传 .txt 或 .docx 文件，或粘贴文件全文")
        return data


class DraftHeaderForm(forms.Form):
    """The document the drafts came from, carried through the review."""

    title = forms.CharField(label="文件标题", max_length=300)
    document_org = org_picker(label="文件所属党组织")
    source_text = forms.CharField(widget=forms.HiddenInput, required=False)
    file_name = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_org"].queryset = changeable_orgs(user)


class DraftItemForm(forms.Form):
    keep = forms.BooleanField(label="保留", required=False, initial=True)
    selected = forms.BooleanField(label="选中合并", required=False)
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    title = forms.CharField(label="事项", max_length=300, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "事项（空则取内容开头）"}))
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="措施（每行一条）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    org = org_picker(label="责任单位", required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE_INPUT)
    recurrence = forms.ChoiceField(label="周期", choices=Recurrence.choices, required=False)
    person_names = forms.CharField(label="责任人/部门", max_length=300, required=False,
                                   widget=forms.TextInput(attrs={"size": 10}))
    path = forms.CharField(widget=forms.HiddenInput, required=False)
    mechanisms = forms.CharField(widget=forms.HiddenInput, required=False)
    # Why the decomposer left the sentence out (设问, 插话…): shown struck through, restored by 保留.
    filtered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, orgs=None, memo: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = changeable_orgs(user) if orgs is None else orgs
        self.fields["org"].memo = memo

    def clean(self):
        data = super().clean()
        if data.get("keep") and not data.get("org"):
            self.add_error("org", "请选择责任单位")
        return data


DraftFormSet = forms.formset_factory(DraftItemForm, extra=0, max_num=500, validate_max=True)


def draft_formset(data=None, *, user, prefix: str, initial=None):
    """The review's rows: one queryset of the organisations the user may assign to and one memo of
    the 责任单位 already found, shared by every row (at city scale 80 rows asked the database 160
    times for the same few organisations)."""
    return DraftFormSet(data, initial=initial, prefix=prefix,
                        form_kwargs={"user": user, "orgs": changeable_orgs(user), "memo": {}})
