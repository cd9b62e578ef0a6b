"""A membership gives one user one role in one project.

The project is a read-model row written by a projection, so the foreign key has no database
constraint and never cascades: a replay that rebuilds `rm_project` must not take the memberships
with it, and a membership may be granted the moment a project's row appears.
"""

from django.conf import settings
from django.db import models

from readmodel.models import Project


class Role(models.TextChoices):
    """Roles in rising order: each one may do everything the ones before it may do."""

    VIEWER = "viewer", "Viewer"
    REVIEWER = "reviewer", "Reviewer"
    ADMIN = "admin", "Admin"

    @property
    def rank(self) -> int:
        """The position in the declaration order above, so that roles compare by power."""
        return list(Role).index(self)

    def allows(self, needed: "Role") -> bool:
        """Whether this role is enough for something that needs `needed`."""
        return self.rank >= Role(needed).rank


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE
    )
    project = models.ForeignKey(
        Project, related_name="memberships", db_constraint=False, on_delete=models.DO_NOTHING
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_membership_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of {self.project_id}"
