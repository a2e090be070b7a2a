"""The edit page every versioned record shares (an organisation, a member, a work item): the form
bound to the row, the action run on POST, and a stale version answered with the conflict panel
rather than a silent overwrite."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from .errors import VersionConflict
from .shortcuts import rebind_to_current


def edit_with_conflict(request, *, form_class, instance, save: Callable, done: Callable, template: str,
                       context: dict, form_kwargs: dict | None = None) -> HttpResponse:
    """Bind ``form_class`` to ``instance``; on a valid POST call ``save(form)`` (the action, through
    ``run_action`` so its refusals land on the form, returning the saved row or None) and answer
    ``done(saved)``, usually a redirect. A VersionConflict answers 409 with ``conflict`` in the
    context and the user's input bound to the row as it now is, so a deliberate second submit wins."""
    form_kwargs = form_kwargs or {}
    form = form_class(request.POST or None, instance=instance, **form_kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except VersionConflict as exc:
            conflict, saved = exc, None
            current = type(instance).objects.get(pk=instance.pk)
            form = rebind_to_current(form_class, request.POST, current, **form_kwargs)
        if saved is not None:
            messages.success(request, "已保存")
            return done(saved)
    return render(request, template, {**context, "form": form, "conflict": conflict},
                  status=409 if conflict else 200)
