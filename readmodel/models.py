"""Rows of the relational read model. Written only by `readmodel.projector`; read everywhere.

Every row keeps `version`, the stream version of the last event applied to it: an event at or
below it is skipped, so applying an event twice changes nothing (docs/architecture.md, Projections,
version guards). Foreign keys carry no database constraint: rows are written in event order per
interview, and a row must never be refused for an order the log does not promise across interviews.
"""

from django.db import models

NO_CONSTRAINT = {"db_constraint": False, "on_delete": models.DO_NOTHING}


class Project(models.Model):
    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=100, unique=True)
    domain_keywords = models.JSONField(default=list)
    created_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = "rm_project"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Interview(models.Model):
    id = models.UUIDField(primary_key=True)
    project = models.ForeignKey(Project, related_name="interviews", **NO_CONSTRAINT)
    title = models.CharField(max_length=10_000)
    source_filename = models.CharField(max_length=500, blank=True)
    content_sha256 = models.CharField(max_length=64)
    language = models.CharField(max_length=20)
    participants = models.JSONField(default=list)
    recorded_on = models.DateField(null=True, blank=True)
    metadata = models.JSONField(default=dict)
    status = models.CharField(max_length=20)
    status_reason = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()  # when the last event of the interview's stream occurred
    # Counters over the interview's sentences, recounted whenever one of them changes.
    sentence_count = models.IntegerField(default=0)
    analyzed_count = models.IntegerField(default=0)
    edited_count = models.IntegerField(default=0)
    overridden_count = models.IntegerField(default=0)
    reviewed_count = models.IntegerField(default=0)
    stale_count = models.IntegerField(default=0)
    # A projection parked one of its events: what you see may lag behind the log.
    blocked = models.BooleanField(default=False)
    version = models.IntegerField()

    class Meta:
        db_table = "rm_interview"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


# The counters of an interview, kept by the projector (readmodel.projector.recount).
INTERVIEW_COUNTERS = (
    "sentence_count",
    "analyzed_count",
    "edited_count",
    "overridden_count",
    "reviewed_count",
    "stale_count",
)


class Sentence(models.Model):
    id = models.UUIDField(primary_key=True)
    interview = models.ForeignKey(Interview, related_name="sentences", **NO_CONSTRAINT)
    project_id = models.UUIDField(db_index=True)
    index = models.IntegerField()
    speaker = models.CharField(max_length=200, null=True, blank=True)
    original_text = models.TextField()
    text = models.TextField()
    start_char = models.IntegerField()
    end_char = models.IntegerField()
    start_ms = models.IntegerField(null=True, blank=True)
    end_ms = models.IntegerField(null=True, blank=True)
    edited = models.BooleanField(default=False)
    # The latest AI analysis (None: never analysed, or cleared).
    ai_values = models.JSONField(null=True, blank=True)
    ai_confidence = models.JSONField(null=True, blank=True)
    analyzer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=200, blank=True)
    model_version = models.CharField(max_length=200, blank=True)
    prompt_version = models.CharField(max_length=100, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # The text changed after the latest analysis: the AI values describe an older text.
    stale_analysis = models.BooleanField(default=False)
    # Expert overrides: {dimension: value} and {dimension: {"actor", "at", "reason"}}.
    overrides = models.JSONField(default=dict)
    override_meta = models.JSONField(default=dict)
    overridden = models.BooleanField(default=False)
    # Effective values: the override if any, else the AI value (docs/architecture.md, Dimensions);
    # single labels also as columns, so lists can be filtered by them.
    effective = models.JSONField(default=dict)
    function_type = models.CharField(max_length=30, null=True, blank=True)
    structure_type = models.CharField(max_length=30, null=True, blank=True)
    purpose = models.CharField(max_length=30, null=True, blank=True)
    topic_level_1 = models.CharField(max_length=30, null=True, blank=True)
    topic_level_3 = models.CharField(max_length=30, null=True, blank=True)
    min_confidence = models.FloatField(null=True, blank=True)  # of the AI values still in force
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.JSONField(null=True, blank=True)  # the actor of the last confirmation
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(null=True, blank=True)
    blocked = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    version = models.IntegerField()

    class Meta:
        db_table = "rm_sentence"
        ordering = ["interview_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "index"], name="one_sentence_per_index")
        ]

    def __str__(self) -> str:
        return self.text[:80]
