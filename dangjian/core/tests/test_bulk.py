"""The shared fast writer (core/bulk.py): rows it writes equal what the ORM writes, field by field,
on whichever database the suite runs (COPY on PostgreSQL, executemany on SQLite); the audit
records it appends continue the chain; a rollback leaves nothing behind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.actors import SYSTEM
from dangjian.core.bulk import allocate_ids, insert_objects, insert_rows, update_objects
from dangjian.core.history import audited_transaction, change_record, history_of, record_changes
from dangjian.core.models import ChangeRecord
from dangjian.dues.models import DuesBase
from dangjian.members.models import Member, Transfer
from dangjian.testing import new_id_number

# Text COPY must escape: a tab, a newline, a backslash, a carriage return, and the \N of its NULL.
AWKWARD = "第一行\t制表\n第二行 \\ 反斜杠 \\N 回车\r结束"
VOLATILE = {
    "id",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "phone_encrypted",
    "created_at",
    "updated_at",
}


def _member(org, number: str, **values) -> Member:
    member = Member(
        org=org,
        name="王小明",
        gender="M",
        birth_date=dt.date(1980, 5, 17),
        joined_on=dt.date(2005, 7, 1),
        confirmed_on=dt.date(2006, 7, 1),
        education="university",
        work_unit=AWKWARD,
        lost_contact=True,
        lost_contact_since=None,
        hardship=True,
        **values,
    )
    member.set_id_number(number)
    member.set_phone("13800138000")
    return member


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values(*(f.attname for f in model._meta.concrete_fields)).get()


def test_an_inserted_member_equals_one_the_orm_saved_field_by_field(tree):
    started = timezone.now()
    saved = _member(tree.a, new_id_number(dt.date(1980, 5, 17)))
    saved.save()
    number = new_id_number(dt.date(1980, 5, 17))
    inserted = _member(tree.a, number)
    insert_objects([inserted])

    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding
    orm, ours = _row(Member, saved.pk), _row(Member, inserted.pk)
    assert {k: v for k, v in ours.items() if k not in VOLATILE} == {k: v for k, v in orm.items() if k not in VOLATILE}
    assert ours["work_unit"] == AWKWARD
    assert ours["version"] == 1
    for stamp in ("created_at", "updated_at"):
        assert ours[stamp] >= started and ours[stamp] == getattr(inserted, stamp)
    stored = Member.objects.get(pk=inserted.pk)
    assert stored.reveal_id_number() == number  # still encrypted, and with the current key
    assert stored.id_number_encrypted != number and number not in stored.id_number_encrypted
    assert stored.reveal_phone() == "13800138000"


def test_decimals_and_foreign_keys_insert_and_update_as_the_orm_does(tree):
    member = tree.members["a"][0]
    saved = DuesBase(
        member=member,
        category="salaried",
        base=Decimal("5200.00"),
        monthly_amount=Decimal("78.00"),
        rule_version="2008",
        effective_from=dt.date(2026, 1, 1),
        note="工资",
    )
    saved.save()
    inserted = DuesBase(
        member=member,
        category="salaried",
        base=Decimal("5200.00"),
        monthly_amount=Decimal("78.00"),
        rule_version="2008",
        effective_from=dt.date(2026, 2, 1),
        note="工资",
    )
    insert_objects([inserted])
    skip = {"id", "effective_from", "created_at", "updated_at"}
    assert {k: v for k, v in _row(DuesBase, inserted.pk).items() if k not in skip} == {
        k: v for k, v in _row(DuesBase, saved.pk).items() if k not in skip
    }

    now = timezone.now()
    for base in (saved, inserted):
        base.base, base.monthly_amount, base.note, base.version, base.updated_at = None, Decimal("0.20"), "", 2, now
    saved.save(update_fields=["base", "monthly_amount", "note", "version", "updated_at"])
    assert update_objects([inserted], ["base", "monthly_amount", "note", "version", "updated_at"]) == 1
    ours = _row(DuesBase, inserted.pk)
    assert ours["updated_at"] == now  # written as set (save() stamps its own now: auto_now)
    assert {k: v for k, v in ours.items() if k not in skip} == {
        k: v for k, v in _row(DuesBase, saved.pk).items() if k not in skip
    }
    assert (ours["base"], ours["monthly_amount"], ours["version"]) == (None, Decimal("0.20"), 2)


def test_an_update_moves_many_rows_and_leaves_other_columns_alone(tree):
    members = [m for ms in tree.members.values() for m in ms]
    before = {m.pk: _row(Member, m.pk) for m in members}
    now = timezone.now()
    for i, member in enumerate(members):
        member.org = tree.c if i % 2 else tree.b
        member.work_unit = f"{AWKWARD}{i}"
        member.confirmed_on = None
        member.version += 1
        member.updated_at = now
    update_objects(members, ["org", "work_unit", "confirmed_on", "version", "updated_at"])
    for i, member in enumerate(members):
        row, old = _row(Member, member.pk), before[member.pk]
        assert (row["org_id"], row["work_unit"], row["confirmed_on"]) == (member.org_id, f"{AWKWARD}{i}", None)
        assert row["version"] == old["version"] + 1 and row["updated_at"] == now
        untouched = set(row) - {"org_id", "work_unit", "confirmed_on", "version", "updated_at"}
        assert {k: row[k] for k in untouched} == {k: old[k] for k in untouched}


def test_audit_records_go_in_through_the_writer_and_the_chain_verifies(tree):
    member = tree.members["b"][0]
    records = [
        change_record(
            actor=SYSTEM,
            action="member_update",
            obj=member,
            before={"work_unit": "旧"},
            after={"work_unit": AWKWARD, "n": i, "list": [1, "二"]},
            note="Excel导入",
        )
        for i in range(5)
    ]
    with audited_transaction():
        record_changes(records)
    ids = [r.pk for r in records]
    assert ids == sorted(ids) and None not in ids
    stored = list(history_of(member).filter(pk__in=ids).order_by("pk"))
    assert [r.after["n"] for r in stored] == [0, 1, 2, 3, 4]
    assert stored[0].after["work_unit"] == AWKWARD and stored[0].actor_name == "系统"
    assert [(r.prev_hash, r.hash) for r in stored] == [(r.prev_hash, r.hash) for r in records]
    checked, problem = audit.verify()
    assert problem is None and checked >= 5
    assert audit.head()[:2] == (records[-1].pk, records[-1].hash)


def test_plain_rows_insert_with_dates_and_times_prepared_per_backend(tree):
    member = tree.members["c"][0]
    created = timezone.now()
    count = insert_rows(
        Transfer,
        ["member_id", "from_org_id", "to_org_id", "transferred_on", "reason", "created_at"],
        [(member.pk, tree.c.pk, tree.a.pk, dt.date(2026, 3, 2), AWKWARD, created)],
    )
    assert count == 1
    transfer = Transfer.objects.get(member=member)
    assert (
        transfer.from_org_id,
        transfer.to_org_id,
        transfer.transferred_on,
        transfer.reason,
        transfer.created_at,
    ) == (tree.c.pk, tree.a.pk, dt.date(2026, 3, 2), AWKWARD, created)


@pytest.mark.django_db(transaction=True)
def test_a_rollback_leaves_no_rows_and_no_audit_records():
    from dangjian.testing import small_tree

    tree = small_tree()
    members, records = Member.objects.count(), ChangeRecord.objects.count()
    head = audit.head()
    with pytest.raises(RuntimeError), audited_transaction():
        new = insert_objects([_member(tree.a, new_id_number(dt.date(1980, 5, 17))) for _ in range(3)])
        record_changes(change_record(actor=SYSTEM, action="member_create", obj=m, after={"name": m.name}) for m in new)
        assert Member.objects.count() == members + 3
        raise RuntimeError("回滚")
    assert Member.objects.count() == members and ChangeRecord.objects.count() == records
    assert audit.head() == head
    again = insert_objects([_member(tree.a, new_id_number(dt.date(1980, 5, 17)))])  # and the table takes more
    assert Member.objects.filter(pk=again[0].pk).exists() and Member.objects.count() == members + 1


def test_ids_come_from_the_tables_own_sequence(tree):
    highest = Member.objects.order_by("-pk").values_list("pk", flat=True)[0]
    with transaction.atomic():
        ids = allocate_ids(Member, 3)
    assert ids == sorted(ids) and len(set(ids)) == 3 and min(ids) > highest
    made = insert_objects([_member(tree.a, new_id_number(dt.date(1980, 5, 17)))])
    assert made[0].pk > highest
    if connection.vendor == "postgresql":  # nextval is not transactional: taken ids stay taken
        assert made[0].pk > max(ids)
