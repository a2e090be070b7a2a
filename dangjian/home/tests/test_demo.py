"""Demo data and demo accounts. Most tests use the hidden ``tiny`` scale (~30 branches)."""

import datetime as dt
import io
import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from dangjian.accounts.models import AdminDuty, Position
from dangjian.core.idnumbers import id_number_error
from dangjian.core.models import ChangeRecord
from dangjian.core.tree import PATH_STEP
from dangjian.home.demo_accounts import DEMO_PASSWORD
from dangjian.members.choices import MembershipType
from dangjian.members.models import Member
from dangjian.members.rules import age_on, member_errors
from dangjian.orgs.choices import BRANCH_KINDS, OrgKind, Post
from dangjian.orgs.demo.generate import build_plan
from dangjian.orgs.demo.scales import ANCHOR
from dangjian.orgs.models import CommitteePost, Organization, Term
from dangjian.orgs.rules import OrgFacts, structure_warnings
from dangjian.testing import built_once


def demo_data(**options) -> str:
    out = io.StringIO()
    # A fixed reference date, so the assertions below do not depend on the day the suite runs.
    call_command("demo_data", stdout=out, **{"scale": "tiny", "anchor": ANCHOR, **options})
    return out.getvalue()


def demo_accounts() -> str:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def tiny_built(django_db_setup, django_db_blocker):
    """The tiny demo is built once per module (it took most of this file's time when built per test)."""
    yield from built_once(django_db_blocker, demo_data)


@pytest.fixture
def tiny(tiny_built, db):
    return tiny_built


def member_rows() -> list[tuple]:
    return list(Member.objects.order_by("id").values_list("name", "birth_date", "org__code"))


# -- the generator, without a database -------------------------------------------------------------
def test_same_seed_same_plan_and_another_seed_differs():
    first, second = build_plan("tiny", seed=7), build_plan("tiny", seed=7)
    assert first.fingerprint() == second.fingerprint()
    assert build_plan("tiny", seed=8).fingerprint() != first.fingerprint()


def test_plan_does_not_depend_on_hash_randomisation():
    """Sets of strings iterate in a per-process order; the plan must not notice."""
    code = ("import django; django.setup(); from dangjian.orgs.demo.generate import build_plan; "
            "print(build_plan('tiny', seed=3).fingerprint())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "dangjian.settings",
               "PYTHONPATH": str(settings.BASE_DIR)}
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    assert digests == {build_plan("tiny", seed=3).fingerprint()}


def test_county_plan_has_the_structure_the_speeches_describe():
    plan = build_plan("county")
    kinds = Counter(org.kind for org in plan.orgs())
    for kind in OrgKind:
        assert kinds[kind] > 0, kind.label
    members = plan.members()
    women = sum(m.gender == "F" for m in members) / len(members)
    assert 0.25 <= women <= 0.35
    assert sum(m.ethnicity == "汉族" for m in members) / len(members) > 0.9
    ages = [age_on(m.birth_date, ANCHOR) for m in members]
    assert min(ages) >= 18 and max(ages) <= 95
    secretaries = [age_on(p.member.birth_date, ANCHOR) for org in plan.orgs() if org.term
                   for p in org.term.posts if p.post == Post.SECRETARY]
    bands = Counter(0 if a < 45 else 1 if a < 50 else 2 if a < 55 else 3 for a in secretaries)
    assert all(bands[band] >= len(secretaries) * 0.1 for band in range(4)), bands
    assert any(p.concurrent_head for org in plan.orgs() if org.term for p in org.term.posts)
    assert len({m.id_number for m in members}) == len(members)


# -- on an empty database (before the tests sharing the tiny demo: its rows stay until the module ends) --
def test_bad_options_are_refused(db):
    with pytest.raises(CommandError, match="未知的规模"):
        demo_data(scale="province")
    with pytest.raises(CommandError, match="晚于今天"):
        demo_data(anchor=dt.date.today() + dt.timedelta(days=1))
    assert not Organization.objects.exists()


def test_demo_accounts_need_demo_data(db):
    with pytest.raises(CommandError, match="demo-data"):
        demo_accounts()


def test_county_scale_counts(db):
    started = time.perf_counter()
    out = demo_data(scale="county")
    elapsed = time.perf_counter() - started
    branches = Organization.objects.filter(kind__in=BRANCH_KINDS).count()
    members = Member.objects.count()
    assert 340 <= branches <= 460, branches
    assert 10_200 <= members <= 13_800, members
    assert Organization.objects.filter(kind=OrgKind.WORKING_COMMITTEE).exists()
    assert "用时" in out
    print(f"county demo data: {branches} branches, {members} members, {elapsed:.1f} s")


# -- the command -----------------------------------------------------------------------------------
def test_same_seed_gives_same_rows_after_replace(tiny):
    before = member_rows()
    paths = list(Organization.objects.order_by("path").values_list("code", "path"))
    demo_data(replace=True)
    assert member_rows() == before
    assert list(Organization.objects.order_by("path").values_list("code", "path")) == paths
    assert len(before) > 300


def test_summary_and_one_change_record(tiny):
    assert "党支部" in tiny and "党员" in tiny and "用时" in tiny
    assert ChangeRecord.objects.filter(action="demo_load").count() == 1
    assert ChangeRecord.objects.filter(action="member_create").count() == 0


def test_every_member_passes_the_member_rules(tiny):
    for member in Member.objects.all():
        id_number = member.reveal_id_number()
        assert id_number_error(id_number) is None
        errors = member_errors(
            id_number=id_number, birth_date=member.birth_date, gender=member.gender, joined_on=member.joined_on,
            confirmed_on=member.confirmed_on, membership_type=member.membership_type, phone=member.reveal_phone(),
        )
        assert errors == [], (member.name, errors)
        assert member.id_number_masked == id_number[:4] + "*" * 10 + id_number[-4:]


def test_probationary_members_joined_within_the_year(tiny):
    probationary = Member.objects.filter(membership_type=MembershipType.PROBATIONARY)
    assert probationary.exists()
    for member in probationary:
        assert member.confirmed_on is None
        assert ANCHOR - dt.timedelta(days=366) < member.joined_on <= ANCHOR


def test_paths_are_consistent(tiny):
    orgs = {org.pk: org for org in Organization.objects.all()}
    for org in orgs.values():
        assert org.depth == len(org.path) // PATH_STEP
        if org.parent_id is None:
            assert org.depth == 1
            continue
        parent = orgs[org.parent_id]
        assert org.path.startswith(parent.path) and len(org.path) == len(parent.path) + PATH_STEP
        assert org.code.startswith(parent.code + "-")


def test_members_sit_in_branches_and_groups_only(tiny):
    kinds = set(Member.objects.values_list("org__kind", flat=True).distinct())
    assert kinds <= set(BRANCH_KINDS) | {OrgKind.GROUP, OrgKind.BUILDING_GROUP, OrgKind.CENTRAL_HOUSEHOLD}
    assert OrgKind.GROUP in kinds


def org_facts() -> dict[int, tuple[Organization, OrgFacts]]:
    orgs = list(Organization.objects.all())
    members = list(Member.objects.values_list("org__path", "membership_type"))
    terms = {t.org_id: t for t in Term.objects.filter(is_current=True)}
    posts = Counter(CommitteePost.objects.filter(term__is_current=True).values_list("term__org_id", flat=True))
    secretaries = set(CommitteePost.objects.filter(term__is_current=True, post=Post.SECRETARY)
                      .values_list("term__org_id", flat=True))
    facts = {}
    for org in orgs:
        inside = [kind for path, kind in members if path.startswith(org.path)]
        term = terms.get(org.pk)
        facts[org.pk] = (org, OrgFacts(
            kind=org.kind, unit_category=org.unit_category, full_members=inside.count(MembershipType.FULL),
            all_members=len(inside), committee_size=posts[org.pk], has_secretary=org.pk in secretaries,
            has_current_term=term is not None, term_ends_on=term.ends_on if term else None,
        ))
    return facts


def test_imperfections_show_in_the_structure_warnings(tiny):
    codes = Counter(w.code for _, facts in org_facts().values() for w in structure_warnings(facts, ANCHOR))
    for code in ("no_secretary", "term_expired", "term_expiring", "too_few_members", "over_50"):
        assert codes[code] >= 1, code


def test_most_branches_are_in_order(tiny):
    branches = [(org, f) for org, f in org_facts().values() if org.kind in BRANCH_KINDS]
    warned = [org for org, f in branches if any(w.level == "danger" for w in structure_warnings(f, ANCHOR))]
    assert len(warned) <= len(branches) * 0.35


def test_member_situations_exist(tiny):
    lost = Member.objects.filter(lost_contact=True)
    assert lost.exists() and not lost.filter(lost_contact_since=None).exists()
    assert Member.objects.filter(flow_status="out").exclude(flow_place="").exists()
    assert Member.objects.filter(flow_status="in").exclude(flow_place="").exists()
    assert Member.objects.filter(hardship=True).exists()
    assert Member.objects.filter(retired=True).exclude(report_community="").exists()


def test_if_empty_is_a_no_op_the_second_time(tiny):
    counts = (Organization.objects.count(), Member.objects.count(), Term.objects.count())
    out = demo_data(if_empty=True)
    assert "跳过" in out
    assert (Organization.objects.count(), Member.objects.count(), Term.objects.count()) == counts


def test_existing_data_is_refused_without_replace(tiny):
    with pytest.raises(CommandError, match="--replace"):
        demo_data()


# -- demo accounts -----------------------------------------------------------------------------------
def test_demo_accounts_log_in_with_the_printed_positions(tiny, client):
    out = demo_accounts()
    assert "http://127.0.0.1:8000/" in out and DEMO_PASSWORD in out
    root = Organization.objects.get(depth=1)
    expected = {
        "county": (root, "superior_admin"),
        "viewer": (root, "readonly"),
    }
    for username, (org, role) in expected.items():
        assert list(Position.objects.filter(user__username=username).values_list("org", "role")) == [(org.pk, role)]
    town = Position.objects.get(user__username="town")
    assert town.role == "superior_admin" and town.org.parent_id == root.pk and town.org.kind == OrgKind.COMMITTEE
    secretary = Position.objects.get(user__username="secretary")
    assert secretary.role == "secretary" and secretary.org.unit_category == "village"
    assert secretary.org.path.startswith(town.org.path)
    for position in Position.objects.select_related("user", "org"):
        assert position.user.username in out and position.org.name in out
    for username in ("county", "town", "secretary", "viewer", "sysadmin", "secadmin", "auditadmin"):
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    duties = dict(AdminDuty.objects.values_list("user__username", "duty"))
    assert duties == {"sysadmin": "system", "secadmin": "security", "auditadmin": "audit"}
    for username in duties:
        admin = get_user_model().objects.get(username=username)
        assert not admin.is_staff and not admin.is_superuser and not admin.positions.exists()


def test_demo_accounts_reset_passwords_and_keep_one_position(tiny, client):
    demo_accounts()
    user = get_user_model().objects.get(username="town")
    user.set_password("something-else")
    user.save()
    demo_accounts()
    assert client.login(username="town", password=DEMO_PASSWORD)
    assert Position.objects.filter(user__username="town").count() == 1
