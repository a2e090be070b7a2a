"""Script stored in every free-text field stays inert, in a real browser (issue 5 item 7).

Every user-fillable text field of the records a page shows is filled with markup that would run if
it reached the page unescaped: a <script>, an <img onerror> and an <svg onload> (the longest that
fits the column). Each page that renders them is visited in Chromium; the test asserts that nothing
ran (``window.__xss``), that no element carrying an injected handler exists, that the browser
reported no Content-Security-Policy violation (so the pages need no inline script or style either,
and an escaping bug could not hide behind the policy), and that the payload is shown as text.
"""

import datetime as dt

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.members.models import CorrectionRequest, Member, Transfer
from dangjian.orglife.actions import meeting_record
from dangjian.orglife.models import Attendance, IntegrityFlag, Meeting
from dangjian.orgs.models import Organization
from dangjian.testing import DEFAULT_PASSWORD, make_member
from dangjian.worklists import actions as work
from dangjian.worklists.models import Evidence, ProgressUpdate, SourceDocument, WorkItem
from dangjian.worklists.testing import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
MEDIUM = "<img src=x onerror=window.__xss=1>"
SHORT = "<svg onload=__xss=1>"
MARK = "__xss=1"
# Columns that are not free text: codes, paths, derived data, choices (skipped by their choices).
NOT_FREE_TEXT = {"code", "path", "type_codes", "sketch", "field", "file_type", "actor_org"}

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
DANGER = """() => ({
  xss: typeof window.__xss,
  handlers: document.querySelectorAll("[onerror],[onload],img[src='x']").length,
  scripts: [...document.scripts].filter(s => s.textContent.includes("__xss")).length,
  csp: window.__csp,
  values: [...document.querySelectorAll("input,textarea")].some(e => e.value.includes("__xss=1")),
})"""


def payload_for(field) -> str | None:
    limit = field.max_length or 10_000
    return next((p for p in (LONG, MEDIUM, SHORT) if len(p) <= limit), None)


def poison(obj) -> None:
    """Every free-text column of ``obj`` set to the largest payload that fits it."""
    values = {}
    for field in obj._meta.concrete_fields:
        if (isinstance(field, models.CharField | models.TextField) and not field.choices and field.editable
                and not field.unique and field.name not in NOT_FREE_TEXT):
            payload = payload_for(field)
            if payload:
                values[field.attname] = payload
    type(obj)._base_manager.filter(pk=obj.pk).update(**values)


@pytest.fixture
def poisoned(tree):
    held = timezone.localtime() - dt.timedelta(days=1)
    # Through the actions, so the change history (shown on detail pages) carries payloads too.
    member = make_member(tree.a, name=MEDIUM, work_unit=LONG, address=LONG, phone="13800000001")
    attendance = [{"member": member.pk, "status": "leave", "reason": LONG}]
    meeting = meeting_record(acting_user=SYSTEM, org=tree.a, types=["theme_day"], held_at=held, attendance=attendance,
                             title=LONG, place=LONG, topics=LONG, minutes=LONG, decisions=LONG)
    document = work.document_create(acting_user=SYSTEM, org=tree.a, title=LONG, text=LONG, file_name=LONG)
    item = make_item(tree.a, LONG, description=LONG, document=document, measures=[LONG, MEDIUM])
    work.progress_add(acting_user=SYSTEM, item=item, text=LONG)
    work.evidence_add(acting_user=SYSTEM, item=item, text=LONG)
    Transfer.objects.create(member=member, from_org=tree.b, to_org=tree.a, transferred_on=held.date(), reason=LONG)
    correction = CorrectionRequest.objects.create(member=member, field="name", current_display=LONG,
                                                  proposed_value=LONG, proposed_display=LONG, reason=LONG)
    IntegrityFlag.objects.create(meeting=meeting, kind=IntegrityFlag._meta.get_field("kind").choices[0][0],
                                 message=LONG)
    Member.objects.filter(pk=member.pk).update(user=tree.county_admin)
    for obj in [tree.a, tree.town1, member, meeting, document, item, correction,
                *Attendance.objects.filter(meeting=meeting), *Transfer.objects.all(),
                *ProgressUpdate.objects.all(), *Evidence.objects.all(), *item.measures.all()]:
        poison(obj)
    return {"member": member, "meeting": meeting, "item": item, "document": document, "correction": correction,
            "held": held}


def _pages(tree, p):
    a, held = tree.a.pk, p["held"]
    member, meeting, item = p["member"].pk, p["meeting"].pk, p["item"].pk
    shown = [  # pages that show the records as text
        reverse("home:home"), reverse("orgs:tree"), reverse("orgs:detail", args=[a]),
        reverse("members:list"), f"{reverse('members:list')}?org={a}", reverse("members:detail", args=[member]),
        reverse("members:corrections"), reverse("members:correction", args=[p["correction"].pk]),
        reverse("members:me"),
        f"{reverse('orglife:matrix')}?year={held.year}", f"{reverse('orglife:matrix')}?org={tree.town1.pk}",
        reverse("orglife:org_year", args=[a]), reverse("orglife:org_month", args=[a, held.year, held.month]),
        reverse("orglife:meeting", args=[meeting]), f"{reverse('orglife:flags')}?year={held.year}",
        reverse("worklists:list"), f"{reverse('worklists:list')}?document={p['document'].pk}",
        reverse("worklists:detail", args=[item]), reverse("worklists:stats"),
    ]
    forms = [  # edit forms: the payload is an input's value
        reverse("orgs:edit", args=[a]), reverse("members:edit", args=[member]),
        reverse("orglife:meeting_edit", args=[meeting]), reverse("worklists:edit", args=[item]),
    ]
    return shown, forms


def test_stored_script_never_runs_on_any_page(tree, poisoned, page):
    page.add_init_script(WATCH)
    page.goto("/accounts/login/")
    page.fill("#id_username", "county_admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    shown, forms = _pages(tree, poisoned)
    for url in shown + forms:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        found = page.evaluate(DANGER)
        assert found["xss"] == "undefined", url
        assert found["handlers"] == 0 and found["scripts"] == 0, url
        assert found["csp"] == [], (url, found["csp"])
        if url in forms:
            assert found["values"], url
        else:
            assert MARK in page.inner_text("body"), url
    # The member search by name (POST, htmx) swaps the payload in as text too.
    page.goto(reverse("members:list"))
    page.fill("#id_q", "onerror")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/members/?s=*")
    assert MEDIUM in page.inner_text("#member-table")
    found = page.evaluate(DANGER)
    assert found["xss"] == "undefined" and found["handlers"] == 0 and found["csp"] == []


def test_the_api_returns_the_payload_as_data(tree, poisoned, client, login):
    client = login(tree.county_admin)
    member = client.get(f"/api/members/{poisoned['member'].pk}").json()
    assert member["name"] == MEDIUM and member["address"] == LONG
    org = client.get(f"/api/orgs/{tree.a.pk}").json()
    assert org["name"] == LONG
    response = client.get("/api/members/", {"q": "onerror"})
    assert response["Content-Type"].startswith("application/json")
    assert [m["name"] for m in response.json()["items"]] == [MEDIUM]


def test_the_payload_is_stored_in_every_poisoned_model(poisoned):
    """The fixture really stored the payloads: an update that missed would make the page test vacuous."""
    covered = {Organization, Member, Meeting, Attendance, SourceDocument, WorkItem, ProgressUpdate, Evidence,
               Transfer, CorrectionRequest, IntegrityFlag, type(poisoned["item"].measures.first())}
    for model in covered:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
                  and not f.choices and f.editable and not f.unique and f.name not in NOT_FREE_TEXT
                  and payload_for(f)]
        row = model._base_manager.filter(**{fields[0].attname: payload_for(fields[0])}).first() if fields else None
        assert not fields or row is not None, model
