from django.db import models


class ReactionCheckpoint(models.Model):
    """How far a reaction (a process that answers events with commands) has read the log.

    Reactions are idempotent — their commands have ids derived from the event they answer —
    so the checkpoint may lag behind what was handled: after a crash, events are seen again
    and their second handling is a no-op.
    """

    name = models.CharField(primary_key=True, max_length=100)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reaction_checkpoint"

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"
