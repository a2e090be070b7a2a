"""The demo dataset as plain objects, before anything touches the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from dangjian.core.tree import PATH_STEP
from dangjian.orgs.paths import encode_step


@dataclass(slots=True, eq=False)
class MemberSpec:
    name: str
    gender: str
    birth_date: dt.date
    joined_on: dt.date
    confirmed_on: dt.date | None
    membership_type: str
    id_number: str
    phone: str
    ethnicity: str = "汉族"
    education: str = ""
    category: str = ""
    work_unit: str = ""
    job_title: str = ""
    address: str = ""
    status: str = "normal"
    lost_contact: bool = False
    lost_contact_since: dt.date | None = None
    flow_status: str = ""
    flow_place: str = ""
    hardship: bool = False
    retired: bool = False
    report_community: str = ""
    org: OrgSpec | None = field(default=None, repr=False)
    pk: int | None = None


@dataclass(slots=True, eq=False)
class PostSpec:
    member: MemberSpec
    post: str
    concurrent_head: bool = False


@dataclass(slots=True, eq=False)
class TermSpec:
    started_on: dt.date
    ends_on: dt.date
    posts: list[PostSpec] = field(default_factory=list)
    pk: int | None = None


@dataclass(slots=True, eq=False)
class OrgSpec:
    name: str
    code: str
    kind: str
    unit_category: str
    path: str
    parent: OrgSpec | None = field(default=None, repr=False)
    short_name: str = ""
    unit_name: str = ""
    founded_on: dt.date | None = None
    profile: str = ""  # how members are drawn here (people.PROFILES); "" for no members of its own
    place: str = ""  # the stem of its members' addresses (村, 社区); "" for none
    size: int = 0  # members to draw here
    seat: OrgSpec | None = field(default=None, repr=False)  # the branch a committee's leaders are drawn from
    children: list[OrgSpec] = field(default_factory=list, repr=False)
    members: list[MemberSpec] = field(default_factory=list, repr=False)
    term: TermSpec | None = field(default=None, repr=False)
    pk: int | None = None

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_STEP

    def add_child(self, name: str, kind: str, unit_category: str, **fields) -> OrgSpec:
        number = len(self.children) + 1
        child = OrgSpec(name=name, code=f"{self.code}-{number:03d}", kind=kind, unit_category=unit_category,
                        path=self.path + encode_step(number), parent=self, **fields)
        self.children.append(child)
        return child

    def walk(self):
        """This organisation and everything below, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def subtree_members(self) -> list[MemberSpec]:
        return [m for org in self.walk() for m in org.members]


def new_root(name: str, code: str, kind: str, unit_category: str, **fields) -> OrgSpec:
    return OrgSpec(name=name, code=code, kind=kind, unit_category=unit_category, path=encode_step(1), **fields)


@dataclass(slots=True)
class Plan:
    root: OrgSpec
    anchor: dt.date
    seed: int
    scale: str

    def orgs(self) -> list[OrgSpec]:
        return list(self.root.walk())

    def members(self) -> list[MemberSpec]:
        return self.root.subtree_members()

    def fingerprint(self) -> str:
        """A digest of every organisation and member, to compare two runs of the generator."""
        digest = hashlib.sha256()
        for org in self.orgs():
            digest.update(f"{org.code}|{org.path}|{org.kind}|{org.name}|{org.founded_on}\n".encode())
            for m in org.members:
                digest.update(f"{m.name}|{m.birth_date}|{m.id_number}|{m.phone}|{m.joined_on}|{m.flow_status}\n".encode())
            if org.term:
                posts = ",".join(f"{p.member.id_number}:{p.post}" for p in org.term.posts)
                digest.update(f"{org.term.started_on}|{org.term.ends_on}|{posts}\n".encode())
        return digest.hexdigest()
