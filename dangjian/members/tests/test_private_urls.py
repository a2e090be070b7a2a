"""No personal data in URLs: the member search keeps its term in the session behind ``?s=<key>``,
and the API takes an ID number only in a POST body."""

import re

from django.urls import reverse

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.jobs.testing import finished_download
from dangjian.members.models import Member
from dangjian.testing import make_member


def _rows(html: str) -> str:
    start = html.index('id="member-table"')
    return html[start:html.index("</table>", start)]


def _private_values():
    values = set()
    for member in Member.objects.all():
        values |= {member.reveal_id_number(), member.reveal_phone(), member.reveal_id_number().lower()}
    return {v for v in values if v}


def _assert_clean(response, private):
    """Neither the Location header nor any link, form action or pushed URL carries a private value."""
    urls = [response.headers.get("Location", ""), response.headers.get("HX-Push-Url", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        urls += re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', response.content.decode())
    for url in urls:
        assert not any(v in url for v in private), url


def test_searching_by_id_number_never_puts_it_in_a_url(tree, login):
    member = tree.members["a"][1]
    make_member(tree.a, name="有手机", phone="13912345678")
    private = _private_values()
    client = login(tree.secretary_a)
    for term in (member.reveal_id_number(), "13912345678", member.name):
        posted = client.post(reverse("members:list"), {"q": term})
        assert posted.status_code == 303
        _assert_clean(posted, private)
        assert term not in posted["Location"]
        assert re.fullmatch(r"/members/\?s=[0-9a-f]{12}", posted["Location"])
        page = client.get(posted["Location"])
        _assert_clean(page, private)
        expected = "有手机" if term == "13912345678" else member.name
        assert expected in _rows(page.content.decode())
        assert page.content.decode().count('id="id_q"') == 1  # the term is echoed in the box, in the body only


def test_a_get_with_the_term_is_moved_out_of_the_url_at_once(tree, login):
    member = tree.members["a"][2]
    client = login(tree.secretary_a)
    response = client.get(reverse("members:list"), {"q": member.reveal_id_number(), "gender": "F"})
    assert response.status_code == 303 and member.reveal_id_number() not in response["Location"]
    page = client.get(response["Location"])
    assert "没有符合条件的党员" in page.content.decode()  # the gender filter came along: he is not F
    response = client.get(reverse("members:list"), {"q": member.reveal_id_number()}, follow=True)
    assert member.name in _rows(response.content.decode())


def test_pagination_and_export_keep_the_saved_filters(tree, login):
    from dangjian.core.shortcuts import PAGE_SIZE

    for i in range(PAGE_SIZE + 3):
        make_member(tree.a, name=f"分页测试{i:03d}")
    client = login(tree.secretary_a)
    location = client.post(reverse("members:list"), {"q": "分页测试", "gender": "M"})["Location"]
    key = location.split("s=")[1]
    first = client.get(location).content.decode()
    assert f'href="?s={key}&page=2"' in first
    second = client.get(location + "&page=2").content.decode()
    assert "分页测试" in _rows(second) and "张红星" not in _rows(second)
    page_one = set(re.findall(r"分页测试\d+", _rows(first)))
    page_two = set(re.findall(r"分页测试\d+", _rows(second)))
    assert page_one and page_two and not page_one & page_two
    assert f"{reverse('members:export')}?s={key}" in first
    export = finished_download(client, client.get(f"{reverse('members:export')}?s={key}"))
    assert export.status_code == 200
    names = b"".join(export.streaming_content)
    assert names  # the saved filters reached the background job (the rows are checked in test_exporting)
    # Plain GET filters without a term still work as links (the org pages link with ?org=).
    html = client.get(reverse("members:list"), {"org": tree.a.pk}).content.decode()
    assert f"共 {len(tree.members['a']) + PAGE_SIZE + 3} 名" in html


def test_a_key_from_another_session_shows_everything_and_says_so(tree, login, client):
    member = tree.members["a"][0]
    location = login(tree.secretary_a).post(reverse("members:list"), {"q": member.name})["Location"]
    client.logout()
    other = login(tree.county_admin)
    html = other.get(location).content.decode()
    assert "查询条件已失效" in html
    assert tree.members["c"][0].name in _rows(html)


def test_htmx_search_pushes_the_opaque_url(tree, login):
    member = tree.members["a"][0]
    client = login(tree.secretary_a)
    posted = client.post(reverse("members:list"), {"q": member.reveal_id_number()}, HTTP_HX_REQUEST="true")
    page = client.get(posted["Location"], HTTP_HX_REQUEST="true")
    assert page["HX-Push-Url"] == posted["Location"]
    assert member.reveal_id_number() not in page["HX-Push-Url"]


def test_api_search_by_id_number_is_a_post(tree):
    from django.test import Client

    member = tree.members["b"][0]
    token = api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name="t")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    found = client.post("/api/members/search", {"q": member.reveal_id_number(), "limit": 5},
                        content_type="application/json")
    assert [i["name"] for i in found.json()["items"]] == [member.name]
    assert member.reveal_id_number() not in found.content.decode()  # masked in the answer too
    assert client.get("/api/members/", {"q": member.reveal_id_number()}).status_code == 422
    assert len(client.get("/api/members/", {"q": member.name}).json()["items"]) == 1


def test_no_page_links_or_redirects_with_an_id_number(tree, login):
    """A sweep of the pages a secretary uses: no link, form action or redirect carries an ID number
    or phone number of the test data, not even right after a reveal."""
    member = make_member(tree.a, name="有手机的党员", phone="13712345678")
    private = _private_values()
    client = login(tree.county_admin)
    pages = [reverse("home:home"), reverse("members:list"), reverse("members:detail", args=[member.pk]),
             reverse("members:edit", args=[member.pk]), reverse("orgs:detail", args=[tree.a.pk]),
             reverse("orgs:tree"), reverse("members:import"), reverse("members:corrections")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response, private)
    revealed = client.post(reverse("members:reveal", args=[member.pk]))
    assert member.reveal_id_number() in revealed.content.decode()  # shown in the body, once
    _assert_clean(revealed, private)
    edited = client.get(reverse("members:edit", args=[member.pk]))
    form = {k: v for k, v in edited.context["form"].initial.items() if v is not None}
    saved = client.post(reverse("members:edit", args=[member.pk]), {**form, "name": "改过名的党员"})
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    _assert_clean(saved, private)
