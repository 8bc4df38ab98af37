"""Abstract models shared by apps (no table of their own: core has no migrations)."""

from django.db import models


class ChangeCounter(models.Model):
    """Per program, a counter of the changes that can move some page's figures (each model
    says which). Kept by database row triggers created in its app's migration (PostgreSQL and
    SQLite), on every insert and delete and on each update of a column the figures read, so
    every write path counts, bulk writes, `update()`, admin and raw SQL included; nothing in
    Python writes it. It only has to move: its value means nothing but "changed since"."""

    changes = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"program {self.program_id}: {self.changes} changes"


class StoredFigures(models.Model):
    """A page's figures of a program as computed (afresh, with the counter in the same
    statement) when its `ChangeCounter` read `changes`: still exact while the counter reads
    the same, so a reader that finds the counter unmoved reads these instead of counting, and
    one that finds it moved counts afresh and stores the result for the next reader."""

    changes = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"program {self.program_id} at {self.changes} changes"
