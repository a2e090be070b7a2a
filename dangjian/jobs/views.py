"""The job pages: the list of one's own jobs, a job's page with its progress bar (polled by htmx
while the job runs; the page also refreshes itself without script through the fragment's link),
and the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangjian.core.excel import content_disposition

from . import actions
from .kinds import label_of
from .queries import RECENT_LIMIT, jobs_for, own_job_or_404


@login_required
@require_GET
def job_list(request):
    return render(request, "jobs/list.html", {"jobs": jobs_for(request.user)[:RECENT_LIMIT]})


@login_required
@require_GET
def job_detail(request, pk):
    job = own_job_or_404(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job, "kind_label": label_of(job.kind)})


@login_required
@require_GET
def job_progress(request, pk):
    """The progress fragment alone, for htmx to swap in; it stops polling once the job is over."""
    job = own_job_or_404(request.user, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
@require_GET
def job_download(request, pk):
    job = own_job_or_404(request.user, pk)
    try:
        actions.job_download(acting_user=request.user, job=job)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    response = FileResponse(job.result_file.open("rb"), as_attachment=False)
    response["Content-Disposition"] = content_disposition(job.result_name)
    return response
