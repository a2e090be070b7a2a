"""The audit chain anchored at both ends (issue 12 item 1), and the client's own request id kept
beside the server's (item 10). The head carries the chain's length and
a seal; on PostgreSQL no audit table can be truncated; on both databases the head moves only
forward, onto a record that exists, by exactly the records appended (so it can neither be pushed
past the log nor pulled back over removed records)."""

from django.db import migrations, models

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION dangjian_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '审计日志不能清空 (' || TG_TABLE_NAME || ')';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_changerecord_no_truncate ON core_changerecord;
CREATE TRIGGER core_changerecord_no_truncate BEFORE TRUNCATE ON core_changerecord
    FOR EACH STATEMENT EXECUTE FUNCTION dangjian_audit_no_truncate();
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
CREATE TRIGGER core_audithead_no_truncate BEFORE TRUNCATE ON core_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION dangjian_audit_no_truncate();
DROP TRIGGER IF EXISTS core_auditanchor_no_truncate ON core_auditanchor;
CREATE TRIGGER core_auditanchor_no_truncate BEFORE TRUNCATE ON core_auditanchor
    FOR EACH STATEMENT EXECUTE FUNCTION dangjian_audit_no_truncate();

CREATE OR REPLACE FUNCTION core_audithead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_id > OLD.last_id
       AND EXISTS (SELECT 1 FROM core_changerecord WHERE id = NEW.last_id AND hash = NEW.hash)
       AND NEW.length = OLD.length + (SELECT count(*) FROM core_changerecord
                                      WHERE id > OLD.last_id AND id <= NEW.last_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计链头只能随新追加的记录前移 (core_audithead)';
END;
$$ LANGUAGE plpgsql;
"""
UNDO_NO_TRUNCATE = """
DROP TRIGGER IF EXISTS core_changerecord_no_truncate ON core_changerecord;
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
DROP TRIGGER IF EXISTS core_auditanchor_no_truncate ON core_auditanchor;
DROP FUNCTION IF EXISTS dangjian_audit_no_truncate();
CREATE OR REPLACE FUNCTION core_audithead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.last_id >= OLD.last_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计链头只能前移 (core_audithead)';
END;
$$ LANGUAGE plpgsql;
"""
# SQLite: no TRUNCATE, and Django's test flush deletes rows table by table, so only the head's
# UPDATE is guarded there.
SQLITE_HEAD = """
CREATE TRIGGER IF NOT EXISTS core_audithead_forward_only BEFORE UPDATE ON core_audithead
WHEN NOT (NEW.id = OLD.id AND NEW.last_id > OLD.last_id
          AND EXISTS (SELECT 1 FROM core_changerecord WHERE id = NEW.last_id AND hash = NEW.hash)
          AND NEW.length = OLD.length + (SELECT count(*) FROM core_changerecord
                                         WHERE id > OLD.last_id AND id <= NEW.last_id))
BEGIN
    SELECT RAISE(ABORT, '审计链头只能随新追加的记录前移 (core_audithead)');
END;
"""
UNDO_SQLITE_HEAD = "DROP TRIGGER IF EXISTS core_audithead_forward_only;"


def seal_existing_head(apps, schema_editor):
    """An existing head gets its length (archived records included) and its seal. Its last_id does
    not move, which the trigger of migration 0003 allows."""
    from dangjian.core import audit

    heads = apps.get_model("core", "AuditHead")
    head = heads.objects.filter(pk=1).first()
    if head is None:
        return
    records = apps.get_model("core", "ChangeRecord").objects.filter(id__lte=head.last_id)
    archived = sum(apps.get_model("core", "AuditAnchor").objects.values_list("row_count", flat=True))
    length = archived + records.filter(id__gt=audit_start(apps)).count()
    heads.objects.filter(pk=1).update(length=length, signature=audit.seal_head(length, head.last_id, head.hash))


def audit_start(apps) -> int:
    anchor = apps.get_model("core", "AuditAnchor").objects.order_by("-last_id").values_list("last_id", flat=True)
    return anchor.first() or 0


def protect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_HEAD)


def unprotect(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(UNDO_NO_TRUNCATE)
    elif vendor == "sqlite":
        schema_editor.execute(UNDO_SQLITE_HEAD)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_archive'),
    ]

    operations = [
        migrations.AddField(
            model_name='audithead',
            name='length',
            field=models.BigIntegerField(default=0, verbose_name='记录总数（含已归档）'),
        ),
        migrations.AddField(
            model_name='audithead',
            name='signature',
            field=models.CharField(blank=True, max_length=64, verbose_name='签名(HMAC-SM3)'),
        ),
        migrations.AddField(
            model_name='changerecord',
            name='client_request_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='客户端请求编号'),
        ),
        migrations.RunPython(seal_existing_head, migrations.RunPython.noop),
        migrations.RunPython(protect, unprotect),
    ]
