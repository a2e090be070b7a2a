import pytest
from django.test import RequestFactory

from dangjian.core.shortcuts import paginate
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("per_page", [1, 2, 4])
def test_pages_read_from_the_end_match_pages_read_from_the_start(tree, per_page):
    qs = Member.objects.order_by("org__path", "name", "id")
    everything = list(qs)
    pages = -(-len(everything) // per_page)
    for number in range(1, pages + 1):
        page = paginate(RequestFactory().get("/", {"page": number}), qs, per_page=per_page)
        assert list(page) == everything[(number - 1) * per_page:number * per_page]
