"""The API of background jobs: a client that started one (``POST /api/orglife/scan-jobs``, say)
follows its progress here. A job is its requester's alone, as on the pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from dangjian.apikit import Page, PageQuery, page_of, responses

from .kinds import label_of
from .models import Job
from .queries import jobs_for, own_job_or_404

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(description="任务类型的中文名称")
    title: str
    state: str = Field(description="queued 排队中 / running 处理中 / done 已完成 / failed 失败")
    state_label: str
    done: int
    total: int
    percent: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    page_url: str = Field(description="任务页面（进度与下载）")
    download_url: str | None = Field(description="完成且有结果文件时的下载地址（下载记入审计日志）")

    @staticmethod
    def resolve_kind_label(obj):
        return label_of(obj.kind)

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_page_url(obj):
        return reverse("jobs:detail", args=[obj.pk])

    @staticmethod
    def resolve_download_url(obj):
        return reverse("jobs:download", args=[obj.pk]) if obj.state == "done" and obj.result_file else None


class JobPage(Page):
    items: list[JobOut]


@router.get("", response=responses(JobPage, errors=(401, 422)), summary="我的后台任务")
def job_list(request, page: Query[PageQuery]):
    """本人提交的后台任务，最新的在前。"""
    return page_of(jobs_for(request.user), page)


@router.get("/{int:job_id}", response=responses(JobOut), summary="后台任务的进度")
def job_detail(request, job_id: int) -> Job:
    """本人提交的任务的状态和进度；他人的任务答复 404。"""
    return own_job_or_404(request.user, job_id)
