"""The demo year: every branch graded and reported, a spread of grades, two 后进 branches under 整顿."""

import io

from django.core.management import call_command

from dangjian.assessment.models import Candidate, Grade, Score
from dangjian.orgs.demo.scales import ANCHOR


def test_demo_has_a_published_year_with_a_spread_and_two_under_rectification(db):
    call_command("demo_data", stdout=io.StringIO(), scale="tiny", anchor=ANCHOR)
    grades = list(Grade.objects.all())
    assert grades and all(g.stage == "reported" and g.grade for g in grades)
    assert len({g.grade for g in grades}) >= 2
    # graded on the year the demo's records cover: most branches are not 后进 candidates
    assert grades[0].scheme.year == ANCHOR.year
    assert Candidate.objects.count() < len(grades) / 2
    under = Candidate.objects.filter(state="confirmed")
    assert under.count() == 2
    assert all(c.item is not None and c.item.kind == "problem" for c in under)
    # the indicators other apps register are in the demo scheme, scored from their demo records
    registered = {"dues_rate", "recruitment_breaches", "community_rate"}
    assert registered <= set(grades[0].scheme.indicators.values_list("code", flat=True))
    scored = Score.objects.filter(indicator__code__in=registered, points__isnull=False)
    assert set(scored.values_list("indicator__code", flat=True)) == registered
