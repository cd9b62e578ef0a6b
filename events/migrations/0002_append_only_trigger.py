"""On PostgreSQL, reject UPDATE, DELETE and TRUNCATE of recorded events.

SQLite gets no trigger: it is the embedded single-user default, and its writes go only through
SqlEventStore.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION event_store_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'event_store is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER event_store_no_update_delete
    BEFORE UPDATE OR DELETE ON event_store
    FOR EACH ROW EXECUTE FUNCTION event_store_append_only();

CREATE TRIGGER event_store_no_truncate
    BEFORE TRUNCATE ON event_store
    FOR EACH STATEMENT EXECUTE FUNCTION event_store_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS event_store_no_truncate ON event_store;
DROP TRIGGER IF EXISTS event_store_no_update_delete ON event_store;
DROP FUNCTION IF EXISTS event_store_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
