"""``{% org_titles org %}``: the titles an organisation holds and their yearly reviews, for the
organisation's own page (orgs/detail.html loads this tag; orgs does not import this app)."""

from django import template

from ..queries import titles_of_org

register = template.Library()


@register.inclusion_tag("campaigns/_org_titles.html", takes_context=True)
def org_titles(context, org):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"titles": list(titles_of_org(user, org)) if user is not None else []}
