"""Points-claim evidence files through the API and the pages: checked by content and size
(core.documents), added to a claim still pending by its claimant or the branch, opened by the branch,
the levels above and the member, never by another branch; every download is audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.appraisal import actions
from dangjian.appraisal.choices import PointsCategory
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord
from dangjian.testing import make_user

PDF = b"%PDF-1.4\n"


@pytest.fixture
def claim(tree):
    member = tree.members["a"][0]
    member.user = make_user("member_a_self")
    member.save(update_fields=["user"])
    rule = actions.rule_create(
        acting_user=SYSTEM, org=tree.county, category=PointsCategory.SERVICE, name="志愿服务", points=3
    )
    entry = actions.entry_claim(
        acting_user=member.user,
        member=member,
        rule=rule,
        on=dt.date.today(),
        reason="社区清扫",
        evidence_text="社区证明",
    )
    return tree, member.user, entry


def test_evidence_added_by_claimant_or_branch_while_pending(claim):
    tree, member_user, entry = claim
    with pytest.raises(ValidationError, match="file"):  # content says it is no document
        actions.entry_evidence(
            acting_user=member_user, entry=entry, upload=SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf")
        )
    with pytest.raises(ActionDenied):
        actions.entry_evidence(acting_user=tree.secretary_b, entry=entry, upload=SimpleUploadedFile("a.pdf", PDF))
    entry = actions.entry_evidence(acting_user=member_user, entry=entry, upload=SimpleUploadedFile("证明.pdf", PDF))
    assert entry.evidence_name == "证明.pdf" and entry.evidence_file.name.endswith(".pdf")
    entry = actions.entry_evidence(
        acting_user=tree.secretary_a,
        entry=entry,
        upload=SimpleUploadedFile("补充.pdf", PDF),
        expected_version=entry.version,
    )
    assert entry.evidence_name == "补充.pdf"
    assert ChangeRecord.objects.filter(action="appraisal_points_evidence").count() == 2
    actions.entry_decide(acting_user=tree.secretary_a, entry=entry, approve=True)
    with pytest.raises(ValidationError, match="待审核"):
        actions.entry_evidence(acting_user=member_user, entry=entry, upload=SimpleUploadedFile("c.pdf", PDF))


def test_evidence_through_the_api_and_its_download(claim, login):
    tree, member_user, entry = claim
    client = login(member_user)
    url = f"/api/appraisal/points/{entry.pk}/evidence"
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"plain text")})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "file"
    done = client.post(url, {"file": SimpleUploadedFile("证明.pdf", PDF)})
    assert done.status_code == 200 and done.json()["evidence_name"] == "证明.pdf"
    download = done.json()["evidence_url"]
    assert download == f"/appraisal/points/{entry.pk}/evidence/"
    assert b"".join(client.get(download).streaming_content) == PDF  # the member's own
    login(tree.secretary_a)
    assert b"".join(client.get(download).streaming_content) == PDF  # the branch
    downloads = ChangeRecord.objects.filter(action="download", object_type="appraisal.pointsentry", object_id=entry.pk)
    assert downloads.count() == 2
    login(tree.secretary_b)
    assert client.get(download).status_code == 404  # another branch
    assert client.post(url, {"file": SimpleUploadedFile("y.pdf", PDF)}).status_code == 404
