from django import forms
from django.utils import timezone

from dangjian.orgs.choices import OrgKind

from .choices import AttendanceStatus, MeetingStatus, MeetingType, Period, QuorumBase

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 4})


class MeetingForm(forms.Form):
    """The meeting's own fields; attendance comes as one row per roster member (see ``attendance_from``)."""

    title = forms.CharField(label="会议名称", max_length=200)
    types = forms.MultipleChoiceField(label="会议类型（可多选）", widget=forms.CheckboxSelectMultiple,
                                      choices=MeetingType.choices)
    status = forms.ChoiceField(label="状态", choices=MeetingStatus.choices, initial=MeetingStatus.HELD)
    held_at = forms.DateTimeField(label="开始时间", widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"],
                                  required=False, help_text="不填则按开始后两小时计")
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.CharField(label="主持人", max_length=50, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    lecturer = forms.CharField(label="党课讲授人", max_length=50, required=False)
    lecture_title = forms.CharField(label="党课题目", max_length=200, required=False)
    topics = forms.CharField(label="议题", widget=TEXTAREA, required=False)
    minutes = forms.CharField(label="会议内容", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    decisions = forms.CharField(label="决议", widget=TEXTAREA, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, type_choices=None, amend=False, **kwargs):
        super().__init__(*args, **kwargs)
        if type_choices:
            self.fields["types"].choices = type_choices
        if amend:
            self.fields["reason"] = forms.CharField(label="更正原因", max_length=500, widget=TEXTAREA)

    def action_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "reason")}
        if not data.get("ends_at"):
            data["ends_at"] = None
        return data

    @staticmethod
    def initial_from(meeting) -> dict:
        data = {f: getattr(meeting, f) for f in ("title", "status", "place", "host", "recorder", "lecturer",
                                                 "lecture_title", "topics", "minutes", "decisions", "version")}
        data["held_at"] = timezone.localtime(meeting.held_at)
        data["ends_at"] = timezone.localtime(meeting.ends_at)
        data["types"] = list(meeting.type_links.values_list("type", flat=True))
        return data


def attendance_rows(roster, data=None, existing=None) -> list[dict]:
    """One row per roster member for the form: name, status, reason — from the POST, from the
    saved record, or present by default."""
    existing = existing or {}
    rows = []
    for m in roster:
        saved = existing.get(m.pk)
        status = (data.get(f"att-{m.pk}") if data is not None else None) or (
            saved.status if saved else AttendanceStatus.PRESENT)
        reason = (data.get(f"reason-{m.pk}") if data is not None else None) or (saved.reason if saved else "")
        rows.append({"member": m, "status": status, "reason": reason})
    return rows


def attendance_from(rows: list[dict]) -> list[dict]:
    return [{"member": r["member"].pk, "status": r["status"], "reason": r["reason"]} for r in rows]


class RuleForm(forms.Form):
    org_kind = forms.ChoiceField(label="适用组织类型", choices=OrgKind.choices)
    meeting_type = forms.ChoiceField(label="会议类型", choices=MeetingType.choices)
    period = forms.ChoiceField(label="频次周期", choices=Period.choices)
    min_count = forms.IntegerField(label="每期至少次数", min_value=1, max_value=31, initial=1)
    quorum_base = forms.ChoiceField(label="法定人数基数", choices=QuorumBase.choices)
    leave_excluded = forms.BooleanField(label="请假者不计入应到人数", required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)


class CustomTypeForm(forms.Form):
    name = forms.CharField(label="新会议类型名称", max_length=50)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（JPEG、PNG 或 PDF）")
