"""For tests: run what is queued, as the worker would, and fetch a job's download."""

from __future__ import annotations

from django.urls import reverse

from .models import Job
from .worker import run_pending


def run_jobs() -> None:
    run_pending()


def finished_download(client, response):
    """Follow a response that queued a job (a redirect to its page): run the queue, then download
    the result. Returns the download response."""
    assert response.status_code == 302, response.status_code
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.message
    return client.get(reverse("jobs:download", args=[job.pk]))
