"""Small helpers the views share: scoped lookups and pagination."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404

from .scoping import VIEW

PAGE_SIZE = 50


def get_scoped_or_404(model, user, pk, action: str = VIEW, *, queryset=None):
    """The row with ``pk`` if ``user`` may do ``action`` on it; otherwise 404, never 403, so an id
    guessed in a URL says nothing about what exists outside the user's scope."""
    qs = queryset if queryset is not None else model.objects.all()
    obj = qs.restrict(user, action).filter(pk=pk).first()
    if obj is None:
        if model._base_manager.filter(pk=pk).exists():  # there, but outside the scope: audited
            from .context import note_refusal

            note_refusal(f"超出管辖范围（{action}）", object_type=model._meta.label_lower, object_id=int(pk))
        raise Http404("未找到，或不在您的管辖范围内")
    return obj


class ReversingPaginator(Paginator):
    """Pages past the middle are read from the other end: ``OFFSET 122000`` makes the database
    walk 122,000 sorted rows, the same rows read backwards need only a few. Needs an ordered
    queryset whose ordering is total (ends with a unique field), as every list here is."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ordering = getattr(self.object_list, "query", None) and self.object_list.query.order_by
        if not ordering or bottom <= self.count // 2:
            return super().page(number)
        from_end = self.object_list.reverse()[self.count - top:self.count - bottom]
        return self._get_page(list(reversed(list(from_end))), number, self)


def paginate(request, qs, per_page: int = PAGE_SIZE):
    """A page of ``qs``. Counting a 100,000-row subtree is one indexed query; the page is another."""
    paginator = ReversingPaginator(qs, per_page)
    return paginator.get_page(request.GET.get("page"))


def apply_validation_error(form, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the form fields it names (or to the form)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def run_action(form, call):
    """Run an action for a form: its result, or None with the action's refusal shown on the form
    (a ValidationError on the fields it names, a scope refusal at the top). Version conflicts pass
    through: the view shows both versions."""
    from .errors import ActionDenied

    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    except ActionDenied as exc:
        form.add_error(None, str(exc))
    return None


def rebind_to_current(form_class, data, instance, **kwargs):
    """After a version conflict: the user's input again, bound to the row as it now is and to its
    current version, so that a deliberate second submit wins (the conflict panel shows both)."""
    form = form_class(data, instance=instance, **kwargs)
    form.data = form.data.copy()
    form.data["version"] = instance.version
    form.is_valid()
    return form


def querystring_without(request, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
