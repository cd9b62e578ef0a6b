"""Who may do what in which project: memberships with a role (viewer, reviewer, admin).

Memberships are plain Django rows, not events: they say who may send commands, they are not
facts about interviews, so they are granted and revoked directly (services, admin, `grant`).
"""
