"""Reads of jobs. A job belongs to the person who asked for it: nobody else sees it, whatever
their positions (the file holds what that person's scope allowed at the time)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Job

RECENT_LIMIT = 50


def jobs_for(user) -> QuerySet[Job]:
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(requested_by=user)


def own_job_or_404(user, pk) -> Job:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404("未找到该任务，或不是您提交的任务")
    return job
