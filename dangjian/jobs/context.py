"""What a running job sees: its parameters, the person it runs for, a progress reporter and a
place to put its result file."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.history import safe_filters

from .kinds import JobFailed
from .models import Job

# Progress is written at most this often: each write is a row update the progress page polls,
# and a 120,000-row export must not spend its time updating its own progress.
PROGRESS_INTERVAL_SECONDS = 0.5


def seal_params(params: dict) -> str:
    return crypto.encrypt(json.dumps(params, ensure_ascii=False, sort_keys=True)) if params else ""


def open_params(sealed: str) -> dict:
    return json.loads(crypto.decrypt(sealed)) if sealed else {}


class JobContext:
    def __init__(self, job: Job):
        self.job = job
        self.user = job.requested_by
        self.params = open_params(job.params_encrypted)
        self._last_write = 0.0

    def scoped(self, queryset, refusal: str, *, param: str = "org"):
        """The record named by ``param`` as the person who asked may still see or change it now
        (``queryset`` is already restricted to their scope): their positions may have changed since
        they asked. Not found: the job fails with ``refusal``."""
        found = queryset.filter(pk=self.params.get(param)).first()
        if found is None:
            raise JobFailed(refusal)
        return found

    def progress(self, done: int, total: int | None = None, message: str | None = None, *,
                 force: bool = False) -> None:
        """Record how far the work is. Cheap to call per row: writes are throttled."""
        job = self.job
        job.done = max(0, int(done))
        if total is not None:
            job.total = max(0, int(total))
        if message is not None:
            job.message = message[:500]
        now = time.monotonic()
        if force or message is not None or now - self._last_write >= PROGRESS_INTERVAL_SECONDS:
            Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, message=job.message)
            self._last_write = now

    def step(self, total: int, message: str | None = None) -> Callable[[int], None]:
        """A callback ``f(done)`` for work that counts its rows (``write_roster(on_progress=...)``)."""
        self.progress(0, total, message, force=True)
        return lambda done: self.progress(done, total)

    def save_result(self, filename: str, write: Callable[[object], int | None], *, what: str, model: str,
                    filters: dict | None = None) -> int:
        """Let ``write(path)`` produce the result file, then keep it as the job's download under
        ``filename`` (the name the person sees). Returns what ``write`` returned (rows), or 0.
        ``what``/``model``/``filters`` describe the export for the audit record written when the
        file is downloaded (``history.record_export``; filters are masked there)."""
        suffix = os.path.splitext(filename)[1][:10]
        scratch = settings.VAR_DIR / "tmp"
        scratch.mkdir(exist_ok=True)
        handle, path = tempfile.mkstemp(suffix=suffix, dir=scratch)
        os.close(handle)
        try:
            rows = write(path) or 0
            with open(path, "rb") as produced:
                self.job.result_file.save(f"job-{self.job.pk}{suffix}", File(produced), save=False)
        finally:
            os.unlink(path)
        self.job.result_name = filename[:200]
        self.job.result_rows = rows
        self.job.export = {"what": what, "model": model, "filters": safe_filters(filters or {})}
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name, export=self.job.export,
                                                  result_name=self.job.result_name, result_rows=rows)
        return rows

    @property
    def today(self):
        return timezone.localdate()
