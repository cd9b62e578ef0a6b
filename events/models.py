"""The SQL event store's table. Append-only: rows are written by SqlEventStore and never changed."""

from django.db import models


class StoredEvent(models.Model):
    # The global position. AUTOINCREMENT on SQLite and an identity column on PostgreSQL never
    # reuse a value; PostgreSQL writers are serialised so positions also commit in order.
    position = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    stream = models.CharField(max_length=200)
    category = models.CharField(max_length=50)  # the aggregate type, for filtered reads
    aggregate_id = models.UUIDField()
    version = models.PositiveIntegerField()
    event_type = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    actor = models.JSONField()
    correlation_id = models.UUIDField()
    causation_id = models.UUIDField()
    data = models.JSONField()

    class Meta:
        db_table = "event_store"
        constraints = [
            models.UniqueConstraint(fields=["stream", "version"], name="event_store_stream_version")
        ]
        indexes = [
            models.Index(fields=["event_type", "position"], name="event_store_type_pos"),
            models.Index(fields=["category", "position"], name="event_store_category_pos"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.stream}@{self.version} {self.event_type}"
