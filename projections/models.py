"""What the projection service keeps about its own progress: lane checkpoints, parked events."""

from django.db import models


class LaneCheckpoint(models.Model):
    """How far one lane of one projection has handled the log.

    Every event routed to the lane at or below `position` has been applied or parked. The
    relational projection writes it in the same transaction as its read-model changes, so a
    crash can neither lose an event nor apply one twice (docs/architecture.md, Projections).
    """

    projection = models.CharField(max_length=50)
    lane = models.PositiveIntegerField()
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "projection_lane_checkpoint"
        constraints = [
            models.UniqueConstraint(fields=["projection", "lane"], name="one_checkpoint_per_lane")
        ]

    def __str__(self) -> str:
        return f"{self.projection} lane {self.lane} at {self.position}"


class ParkedEvent(models.Model):
    """An event a projection could not apply (after retries), or one waiting behind such an event.

    While an interview (or project) has a parked event in a projection, every later event of it
    in that projection is parked behind, so its events are applied in order or not at all.
    """

    class State(models.TextChoices):
        PARKED = "parked"
        RESOLVED = "resolved"  # applied by a retry
        DISCARDED = "discarded"  # dropped by an operator

    projection = models.CharField(max_length=50)
    lane = models.PositiveIntegerField()
    position = models.BigIntegerField()
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    stream = models.CharField(max_length=200)
    blocking_key = models.CharField(max_length=100)  # Interview-<id> or Project-<id>
    # The event that failed; empty for the one that failed itself.
    behind = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="waiting"
    )
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PARKED)
    parked_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "projection_parked_event"
        ordering = ["projection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "position"], name="an_event_is_parked_once"
            )
        ]
        indexes = [models.Index(fields=["projection", "state", "blocking_key"])]

    def __str__(self) -> str:
        return f"{self.projection}: {self.event_type} at {self.position} ({self.state})"


class RunnerPresence(models.Model):
    """A live `runprojections` process of one projection: who may be given which lanes.

    Every runner renews its row while it runs; a row past `expires_at` is a runner that died
    (or lost the database). Lanes are shared out among the live rows (projections.leases).
    """

    projection = models.CharField(max_length=50)
    owner = models.CharField(max_length=200)  # host:pid:nonce, unique per process start
    lane_count = models.PositiveIntegerField()  # the layout it runs with: all must agree
    eligible = models.JSONField()  # the lanes it may take (--lanes), sorted
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "projection_runner_presence"
        constraints = [
            models.UniqueConstraint(fields=["projection", "owner"], name="one_presence_per_runner")
        ]

    def __str__(self) -> str:
        return f"{self.projection} runner {self.owner}"


class LaneLease(models.Model):
    """Which runner works on one lane of one projection, until when.

    Claimed by an UPDATE whose WHERE says "free, expired or already mine", so two runners can
    never both succeed; renewed while held, released on a clean exit, taken over once expired.
    A lease decides who does the work, not whether it is correct: applying is idempotent
    (version guards, checkpoints that never go back), so a runner that lost its lease while
    finishing a batch does no harm.
    """

    projection = models.CharField(max_length=50)
    lane = models.PositiveIntegerField()
    owner = models.CharField(max_length=200, blank=True)  # "" while free
    expires_at = models.DateTimeField(null=True, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "projection_lane_lease"
        constraints = [
            models.UniqueConstraint(fields=["projection", "lane"], name="one_lease_per_lane")
        ]

    def __str__(self) -> str:
        return f"{self.projection} lane {self.lane}: {self.owner or 'free'}"
