"""Indicators entered with evidence: the assessed organisation uploads its file (checked by content),
the level above scores it — never the organisation's own people, whatever else they hold."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.accounts.models import Position
from dangjian.assessment import actions
from dangjian.assessment.models import Grade, Score
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.testing import make_user

YEAR = 2025
TODAY = dt.date(2026, 2, 10)
PDF = b"%PDF-1.4\n% evidence of the branch's own work\n"


@pytest.fixture
def entered(tree):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.town1, year=YEAR)
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    return Score.objects.get(grade__scheme=scheme, grade__org=tree.a, indicator__method="entered")


def test_evidence_file_is_content_checked_and_kept(tree, entered, client):
    with pytest.raises(ValidationError) as refused:
        actions.claim_file(acting_user=tree.secretary_a, score=entered,
                           upload=SimpleUploadedFile("台账.pdf", b"MZ\x90\x00 not a pdf"))
    assert "file" in refused.value.message_dict
    score = actions.claim_file(acting_user=tree.secretary_a, score=entered,
                               upload=SimpleUploadedFile("阵地建设台账.pdf", PDF))
    assert score.evidence_name == "阵地建设台账.pdf" and score.evidence_file.name.endswith(".pdf")
    assert ChangeRecord.objects.filter(action="assessment_claim_file").count() == 1
    client.force_login(tree.secretary_a)
    response = client.get(reverse("assessment:score_file", args=[score.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(tree.secretary_b)  # another branch: not theirs to see
    assert client.get(reverse("assessment:score_file", args=[score.pk])).status_code == 404


def test_evidence_only_by_the_organisation_and_before_submitting(tree, entered):
    with pytest.raises(ActionDenied):
        actions.claim_file(acting_user=tree.secretary_b, score=entered, upload=SimpleUploadedFile("x.pdf", PDF))
    actions.self_submit(acting_user=tree.secretary_a, grade=entered.grade, summary="全年工作正常开展")
    with pytest.raises(ValidationError, match="自评已提交"):
        actions.claim_file(acting_user=tree.secretary_a, score=entered, upload=SimpleUploadedFile("x.pdf", PDF))


def test_page_upload_form_posts_the_file(tree, entered, client):
    client.force_login(tree.secretary_a)
    url = reverse("assessment:grade_action", args=[entered.grade_id, "file"])
    client.post(url, {"score": entered.pk, "file": SimpleUploadedFile("台账.pdf", PDF)})
    entered.refresh_from_db()
    assert entered.evidence_name == "台账.pdf"
    page = client.get(reverse("assessment:grade", args=[entered.grade_id])).content.decode()
    assert reverse("assessment:score_file", args=[entered.pk]) in page


def test_scored_by_the_level_above_never_by_the_organisation_itself(tree, entered):
    with pytest.raises(ActionDenied):  # the branch's own secretary
        actions.score_enter(acting_user=tree.secretary_a, score=entered, points=18)
    dual = make_user("dual_town", org=tree.town1, role="superior_admin")
    Position.objects.create(user=dual, org=tree.a, role="organizer")  # rights above and a post in A
    with pytest.raises(ActionDenied, match="不能为本组织"):
        actions.score_enter(acting_user=dual, score=entered, points=18)
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    score = actions.score_enter(acting_user=town_admin, score=entered, points=18)
    assert score.points == Decimal(18) and score.scored_by == town_admin
    assert Grade.objects.get(pk=entered.grade_id).score is not None
    with pytest.raises(ValidationError, match="应在 0 至 20"):  # never above the indicator's weight
        actions.score_enter(acting_user=town_admin, score=entered, points="20.01")
